#!/usr/bin/env python3
"""Embedding throughput: VectorLogic's in-process all-MiniLM-L6-v2 beside sentence-transformers (PyTorch CPU) and,
when it is installed, onnxruntime, on the same minilm-debian texts in the same run.

    source tools/setup && tools/fetch-model
    swift build -c release --scratch-path .build-release --product embedding-bench
    pip install torch sentence-transformers [onnxruntime onnx]
    python3 tools/bench/embedding/embedding_bench.py --data "$VECTORLOGIC_DATASET_DIR" \
        --bench .build-release/release/embedding-bench --threads 1,2 --batch 1,32,256 --texts 1024 --rounds 3

Each engine embeds the first --texts texts of base.texts.jsonl (a quarter of them at batch 1) in batches of --batch,
after one warm-up batch; rounds interleave the engines and medians are reported (the machine is shared). The same
texts, the same threads (torch.set_num_threads / OpenBLAS threads / ORT intra-op threads). sentence-transformers
sorts each encode() call's texts by length before batching, so it pads little; VectorLogic packs texts without
padding. RSS: VectorLogic's resident set before and after loading the model (one process per thread count).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def load_texts(data, count):
    texts = []
    with open(os.path.join(data, "base.texts.jsonl"), encoding="utf-8") as source:
        for line in source:
            texts.append(json.loads(line)["text"])
            if len(texts) == count:
                break
    return texts


def run_vectorlogic(bench, model_dir, texts_file, threads, batches, count):
    cmd = [bench, "--texts", texts_file, "--threads", str(threads), "--batch", ",".join(map(str, batches)),
           "--texts-per-run", str(count)]
    if model_dir:
        cmd += ["--model-dir", model_dir]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    load = next(r for r in rows if r["kind"] == "load")
    return {r["batch"]: r["texts_per_second"] for r in rows if r["kind"] == "run"}, load


def time_encode(encode, texts, batch):
    run = texts if batch > 1 else texts[: max(1, len(texts) // 4)]
    encode(run[:batch], batch)
    start = time.perf_counter()
    if batch == 1:
        for text in run:  # one call per text: what a server answering single requests does
            encode([text], 1)
    else:
        encode(run, batch)
    return len(run) / (time.perf_counter() - start)


def sentence_transformers_engine(model_dir):
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(model_dir, device="cpu")
    return lambda texts, batch: model.encode(texts, batch_size=batch, normalize_embeddings=True)


def onnxruntime_engine(model_dir, threads):
    import numpy as np
    import onnxruntime as ort
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel
    path = f"/tmp/minilm-{os.getpid()}.onnx"
    if not os.path.exists(path):
        model = AutoModel.from_pretrained(model_dir).eval()
        ids = torch.ones((1, 8), dtype=torch.long)
        torch.onnx.export(model, (ids, ids, torch.zeros_like(ids)), path, input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["last_hidden_state"], dynamic_axes={n: {0: "b", 1: "s"} for n in ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
                          opset_version=17, dynamo=False)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding()

    def encode(texts, batch):
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(texts), batch):
            chunk = [texts[i] for i in order[start:start + batch]]
            enc = tokenizer.encode_batch(chunk)
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
            pooled = (hidden * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
            pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    return encode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--bench", required=True)
    parser.add_argument("--model-dir", default=os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                                                            "vectorlogic/models/all-MiniLM-L6-v2"))
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--batch", default="1,32,256")
    parser.add_argument("--texts", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json-out")
    args = parser.parse_args()
    threads_list = [int(t) for t in args.threads.split(",")]
    batches = [int(b) for b in args.batch.split(",")]
    texts = load_texts(args.data, args.texts)
    texts_file = f"/tmp/embedding-bench-texts-{os.getpid()}.jsonl"
    with open(texts_file, "w", encoding="utf-8") as out:
        for text in texts:
            out.write(json.dumps({"text": text}) + "\n")

    import torch
    engines = {"sentence-transformers": sentence_transformers_engine(args.model_dir)}
    try:
        import onnxruntime  # noqa: F401
        have_ort = True
    except ImportError:
        have_ort = False
        print("onnxruntime not installed: skipped", file=sys.stderr)

    results = {}  # (engine, threads, batch) -> [texts/s]
    loads = []
    for round_index in range(args.rounds):
        for threads in threads_list:
            torch.set_num_threads(threads)
            rates, load = run_vectorlogic(args.bench, args.model_dir, texts_file, threads, batches, len(texts))
            loads.append(load)
            for batch, rate in rates.items():
                results.setdefault(("vectorlogic", threads, batch), []).append(rate)
            current = dict(engines)
            if have_ort:
                current["onnxruntime"] = onnxruntime_engine(args.model_dir, threads)
            for name, encode in current.items():
                for batch in batches:
                    results.setdefault((name, threads, batch), []).append(time_encode(encode, texts, batch))
        print(f"round {round_index + 1} done", file=sys.stderr)

    names = ["vectorlogic", "sentence-transformers"] + (["onnxruntime"] if have_ort else [])
    print(f"texts/s, median of {args.rounds} rounds, {len(texts)} texts (batch 1: {max(1, len(texts) // 4)}); loaded machine unless stated")
    print("| threads | batch | " + " | ".join(names) + " | VectorLogic / sentence-transformers |")
    print("|---|---|" + "---|" * len(names) + "---|")
    table = []
    for threads in threads_list:
        for batch in batches:
            medians = {n: statistics.median(results[(n, threads, batch)]) for n in names}
            ratio = medians["vectorlogic"] / medians["sentence-transformers"]
            print(f"| {threads} | {batch} | " + " | ".join(f"{medians[n]:.1f}" for n in names) + f" | {ratio:.2f}x |")
            table.append({"threads": threads, "batch": batch, **medians, "ratio": ratio})
    rss = [(l["rss_after_kb"] - l["rss_before_kb"]) / 1024 for l in loads]
    print(f"VectorLogic model load: median {statistics.median(l['seconds'] for l in loads):.2f} s, "
          f"RSS +{statistics.median(rss):.1f} MB after loading (max +{max(rss):.1f} MB)")
    print(f"versions: torch {torch.__version__}, sentence-transformers {__import__('sentence_transformers').__version__}"
          + (f", onnxruntime {__import__('onnxruntime').__version__}" if have_ort else ""))
    if args.json_out:
        with open(args.json_out, "w") as out:
            json.dump({"table": table, "loads": loads}, out, indent=1)
    os.remove(texts_file)


if __name__ == "__main__":
    main()
