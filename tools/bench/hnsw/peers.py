#!/usr/bin/env python3
"""Runs VectorLogic's in-process HNSW benchmark and its peers on the same TEXMEX dataset in the same run, then prints
the ratios the HNSW issues ask for: single-thread QPS at recall@10 >= 0.95 and >= 0.99, and build time with the same
number of threads. Peers: hnswlib and faiss `IndexHNSWFlat` (float32), and the quantized peers at their best
settings -- faiss `IndexHNSWSQ` 8-bit + `IndexRefineFlat` (faiss-sq8-refine), usearch `i8` (usearch-i8), and
qdrant-edge with int8 scalar quantization and rescoring (qdrant-edge-sq8-rescore; plain `qdrant-edge` on request).

    pip install hnswlib faiss-cpu usearch numpy qdrant-edge-py
    swift build -c release --scratch-path .build-release --product vectorlogic
    python3 tools/bench/hnsw/peers.py --data "$VECTORLOGIC_DATASET_DIR" \
        --vectorlogic .build-release/release/vectorlogic --threads 2 --rounds 3 --shuffle --json-out /tmp/peers.json

Every library builds with m=16, ef_construction=200 and --threads threads, then answers the 1,000 queries one at a
time on one thread. Peers are timed two ways: one Python call per query (includes ~5-10 us of call overhead) and one
batched call on one thread (the library's own loop; the fair comparison with VectorLogic's in-process loop).
Each round runs every library back to back; over the rounds, build time and QPS are medians (the machine is shared)
and recall per ef is the mean (each round's printed beside it when they differ).

With --shuffle, round r builds every library from the base rows in the order of one random permutation (numpy
default_rng(r)), the same for all libraries in that round, with the ground truth renumbered to match, so the mean
recall per ef is over build orders. Why: at recall@10 >= 0.99 the last 0.5% are a handful of hard queries whose
answers depend on the order rows were inserted in (qdrant-edge with 1 build thread: 0.9876 at ef 112; with 2 threads,
which insert two halves of the ids side by side: 0.9906 -- the same code), so one build order is one sample.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np


def read_vecs(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    width = int(raw[0])
    rows = raw.reshape(-1, width + 1)
    assert (rows[:, 0] == width).all(), f"{path}: inconsistent record widths"
    return rows[:, 1:].copy().view(dtype)


def recall_at(found, truth, k):
    hits = sum(len(set(f[:k]) & set(t[:k])) for f, t in zip(found, truth))
    return hits / (len(truth) * k)


def timed_queries(search_one, search_batch, queries, truth, k, efs, set_ef):
    """Per ef: recall, QPS with one call per query, QPS with one batched single-thread call."""
    out = []
    for ef in efs:
        set_ef(ef)
        start = time.perf_counter()
        found = [search_one(q) for q in queries]
        one = len(queries) / (time.perf_counter() - start)
        start = time.perf_counter()
        search_batch(queries)
        batch = len(queries) / (time.perf_counter() - start)
        out.append({"ef": ef, "recall": recall_at(found, truth, k), "qps": one, "qps_batch": batch})
    return out


def run_hnswlib(base, queries, truth, args, efs):
    import hnswlib
    index = hnswlib.Index(space="cosine", dim=base.shape[1])
    index.init_index(max_elements=len(base), M=args.m, ef_construction=args.ef_construction, random_seed=100)
    start = time.perf_counter()
    index.add_items(base, np.arange(len(base)), num_threads=args.threads)
    build = time.perf_counter() - start
    index.set_num_threads(1)
    results = timed_queries(
        lambda q: index.knn_query(q, k=args.k, num_threads=1)[0][0],
        lambda qs: index.knn_query(qs, k=args.k, num_threads=1),
        queries, truth, args.k, efs, index.set_ef)
    return {"library": "hnswlib", "build_seconds": build, "results": results}


def faiss_timed(index, graph, fit, queries, truth, args, efs):
    """Builds a faiss index with `fit()` on --threads threads (timed), then times its searches on one thread at each ef,
    set on `graph` (the HNSW inside any wrapper). Returns (build seconds, results)."""
    import faiss
    faiss.omp_set_num_threads(args.threads)
    start = time.perf_counter()
    fit()
    build = time.perf_counter() - start
    faiss.omp_set_num_threads(1)

    def set_ef(ef):
        graph.efSearch = ef
    results = timed_queries(
        lambda q: index.search(q.reshape(1, -1), args.k)[1][0],
        lambda qs: index.search(qs, args.k),
        queries, truth, args.k, efs, set_ef)
    return build, results


def run_faiss(base, queries, truth, args, efs):
    import faiss
    index = faiss.IndexHNSWFlat(base.shape[1], args.m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = args.ef_construction
    build, results = faiss_timed(index, index.hnsw, lambda: index.add(base), queries, truth, args, efs)
    return {"library": "faiss", "build_seconds": build, "results": results}


def run_faiss_sq8(base, queries, truth, args, efs):
    """faiss's best quantized HNSW here: `IndexHNSWSQ` over 8-bit scalar codes (trained per dimension on the base),
    wrapped in `IndexRefineFlat`, which re-scores k * k_factor graph candidates with the float32 rows -- the same idea
    as VectorLogic's SQ8 walk + float32 re-rank. k_factor (--refine-factor, default 2) is the smallest that keeps
    recall at equal ef within 0.005 of the float graph; larger ones only cost time."""
    import faiss
    hnsw = faiss.IndexHNSWSQ(base.shape[1], faiss.ScalarQuantizer.QT_8bit, args.m, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = args.ef_construction
    index = faiss.IndexRefineFlat(hnsw)
    index.k_factor = args.refine_factor

    def fit():
        index.train(base)   # the per-dimension ranges of the 8-bit codes; counted in the build
        index.add(base)
    build, results = faiss_timed(index, hnsw.hnsw, fit, queries, truth, args, efs)
    return {"library": "faiss-sq8-refine", "build_seconds": build, "results": results,
            "settings": f"IndexHNSWSQ QT_8bit + IndexRefineFlat k_factor {args.refine_factor}"}


def run_usearch_i8(base, queries, truth, args, efs):
    """usearch with its 8-bit storage (`dtype="i8"`, cosine): the walk and the returned scores both use the int8 rows
    (usearch has no float re-rank), which is its fastest configuration and the one its authors recommend for
    normalised embeddings. Keys 0..n-1, so results compare with the ground truth's row numbers directly."""
    from usearch.index import Index
    index = Index(ndim=base.shape[1], metric="cos", dtype="i8", connectivity=args.m,
                  expansion_add=args.ef_construction, expansion_search=efs[0])
    start = time.perf_counter()
    index.add(np.arange(len(base), dtype=np.uint64), base, threads=args.threads)
    build = time.perf_counter() - start

    def set_ef(ef):
        index.expansion_search = ef
    results = timed_queries(
        lambda q: index.search(q, args.k, threads=1).keys,
        lambda qs: index.search(qs, args.k, threads=1),
        queries, truth, args.k, efs, set_ef)
    return {"library": "usearch-i8", "build_seconds": build, "results": results, "settings": "dtype i8, metric cos"}


def run_vectorlogic(args, d):
    cmd = [args.vectorlogic, "bench", "--base", f"{d}/base.fvecs", "--query", f"{d}/query.fvecs",
           "--groundtruth", f"{d}/groundtruth.ivecs", "--metric", "cosine", "--m", str(args.m),
           "--ef-construction", str(args.ef_construction), "--ef", args.ef, "--k", str(args.k),
           "--threads", str(args.threads), "--repeats", "1", "--json"]
    print("$ " + " ".join(cmd), file=sys.stderr)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    report = json.loads(out.strip().splitlines()[-1])
    for r in report["results"]:
        r["qps_batch"] = r["qps"]
    return {"library": "vectorlogic", "build_seconds": report["build_seconds"], "results": report["results"],
            "index_bytes": report["index_bytes"], "rss_bytes": report["rss_bytes"]}


def run_qdrant_edge(base, queries, truth, args, efs, quantized=False):
    try:
        import qdrant_edge  # noqa: F401
    except ImportError:
        return None
    # qdrant-edge-py's API is small and young; see run_qdrant_edge_impl for the calls used.
    try:
        return run_qdrant_edge_impl(base, queries, truth, args, efs, quantized)
    except Exception as error:  # report, don't abort the other libraries' figures
        print(f"qdrant-edge: skipped ({error})", file=sys.stderr)
        return None


def run_qdrant_edge_impl(base, queries, truth, args, efs, quantized):
    """Qdrant's engine in-process. quantized: its recommended scalar quantization (int8, quantile 0.99, codes always
    in RAM) with rescoring of the oversampled candidates by the float32 vectors (oversampling --refine-factor, the
    counterpart of faiss's k_factor)."""
    from qdrant_edge import (Distance, EdgeConfig, EdgeOptimizersConfig, EdgeShard, EdgeVectorParams, HnswIndexConfig,
                             Point, QuantizationSearchParams, Query, ScalarQuantizationConfig, ScalarType,
                             SearchParams, SearchRequest, UpdateOperation)
    path = tempfile.mkdtemp(prefix="qdrant-edge-")
    quantization = ScalarQuantizationConfig(type=ScalarType.Int8, quantile=0.99, always_ram=True) if quantized else None
    search_quantization = (QuantizationSearchParams(rescore=True, oversampling=float(args.refine_factor))
                           if quantized else None)
    try:
        config = EdgeConfig(
            vectors=EdgeVectorParams(size=base.shape[1], distance=Distance.Cosine, quantization_config=quantization),
            hnsw_config=HnswIndexConfig(m=args.m, ef_construct=args.ef_construction, full_scan_threshold=10,
                                        max_indexing_threads=args.threads),
            optimizers=EdgeOptimizersConfig(default_segment_number=1),
            max_search_threads=1)
        shard = EdgeShard.create(path, config)
        start = time.perf_counter()
        for lo in range(0, len(base), 1000):
            points = [Point(i, base[i].tolist()) for i in range(lo, min(lo + 1000, len(base)))]
            shard.update(UpdateOperation.upsert_points(points))
        ingest = time.perf_counter() - start
        start = time.perf_counter()
        shard.optimize()
        build = time.perf_counter() - start
        current = {"ef": 0}

        def one(q):
            hits = shard.search(SearchRequest(query=Query.Nearest(q.tolist()), limit=args.k,
                                              params=SearchParams(hnsw_ef=current["ef"],
                                                                  quantization=search_quantization)))
            return [h.id for h in hits]

        def batch(qs):
            for q in qs:
                one(q)

        def set_ef(ef):
            current["ef"] = ef
        results = timed_queries(one, batch, queries, truth, args.k, efs, set_ef)
        shard.close()
        return {"library": "qdrant-edge-sq8-rescore" if quantized else "qdrant-edge", "build_seconds": build,
                "ingest_seconds": ingest, "results": results}
    finally:
        shutil.rmtree(path, ignore_errors=True)


def at_recall(results, target, key, every_round=False):
    """The result at the smallest ef whose mean recall reaches target (every_round: whose every round's recall does)."""
    ok = [r for r in results if (min(r.get("recalls", [r["recall"]])) if every_round else r["recall"]) >= target]
    return min(ok, key=lambda r: r["ef"]) if ok else None


def median_runs(runs):
    """Merge rounds of one library: median build time, per ef mean recall (each round's too) and median QPS."""
    by_ef = {}
    for run in runs:
        for r in run["results"]:
            by_ef.setdefault(r["ef"], []).append(r)
    merged = [{"ef": ef, "recall": statistics.fmean(x["recall"] for x in rs), "recalls": [x["recall"] for x in rs],
               "qps": statistics.median(x["qps"] for x in rs),
               "qps_batch": statistics.median(x["qps_batch"] for x in rs)} for ef, rs in sorted(by_ef.items())]
    out = dict(runs[0])
    out["build_seconds"] = statistics.median(r["build_seconds"] for r in runs)
    out["builds"] = [round(r["build_seconds"], 2) for r in runs]
    out["results"] = merged
    return out


def print_summary(libs):
    vl = libs.get("vectorlogic")
    print("\nlibrary                  build s (rounds)")
    for name, lib in libs.items():
        print(f"{name:24s} {lib['build_seconds']:8.2f} {lib['builds']}")
        for r in lib["results"]:
            rounds = r.get("recalls", [])
            each = " (" + " ".join(f"{x:.4f}" for x in rounds) + ")" if len(set(rounds)) > 1 else ""
            print(f"    ef {r['ef']:4d}  recall {r['recall']:.4f}  QPS {r['qps']:9.1f}  batch-1-thread {r['qps_batch']:9.1f}"
                  + each)
    if not vl:
        return
    print("\nratios (VectorLogic / peer; QPS at the smallest ef reaching the recall; build time peer / VectorLogic)")
    for name, lib in libs.items():
        if name == "vectorlogic":
            continue
        parts = []
        for target, every in ((0.95, False), (0.99, False), (0.99, True)):
            mine = at_recall(vl["results"], target, "qps", every)
            theirs = at_recall(lib["results"], target, "qps", every)
            if mine and theirs:
                parts.append(f"recall>={target}{' in every round' if every else ''}: "
                             f"{mine['qps'] / theirs['qps_batch']:.2f}x batch, "
                             f"{mine['qps'] / theirs['qps']:.2f}x per-call (VL ef {mine['ef']} {mine['qps']:.0f} QPS, "
                             f"{name} ef {theirs['ef']} {theirs['qps_batch']:.0f}/{theirs['qps']:.0f})")
        parts.append(f"build: {lib['build_seconds'] / vl['build_seconds']:.2f}x "
                     f"({vl['build_seconds']:.1f} s vs {lib['build_seconds']:.1f} s)")
        print(f"  vs {name}: " + "; ".join(parts))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--vectorlogic", required=True, help="path of a release-built vectorlogic executable")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--m", type=int, default=16)
    p.add_argument("--ef-construction", type=int, default=200)
    p.add_argument("--ef", default="10,16,24,32,48,64,96,128,200")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--libraries", default="vectorlogic,hnswlib,faiss,faiss-sq8-refine,usearch-i8,qdrant-edge-sq8-rescore",
                   help="any of vectorlogic, hnswlib, faiss, faiss-sq8-refine, usearch-i8, qdrant-edge, "
                        "qdrant-edge-sq8-rescore")
    p.add_argument("--refine-factor", type=int, default=2,
                   help="faiss IndexRefineFlat k_factor and qdrant rescoring oversampling")
    p.add_argument("--limit", type=int, default=0, help="use only the first N base vectors (smoke runs; recall is "
                   "then against the full set's ground truth and means nothing)")
    p.add_argument("--shuffle", action="store_true",
                   help="round r builds from the base rows in the order of random permutation r (same for every "
                        "library in the round; ground truth renumbered)")
    p.add_argument("--first-permutation", type=int, default=1,
                   help="with --shuffle, round r uses permutation first-permutation + r - 1")
    p.add_argument("--json-out")
    args = p.parse_args()
    efs = [int(x) for x in args.ef.split(",")]
    base = read_vecs(f"{args.data}/base.fvecs", np.float32)
    queries = read_vecs(f"{args.data}/query.fvecs", np.float32)
    truth = read_vecs(f"{args.data}/groundtruth.ivecs", np.int32)
    if args.limit:
        if args.shuffle:
            p.error("--shuffle renumbers the full set's ground truth; it cannot be combined with --limit")
        base = base[:args.limit]
    wanted = args.libraries.split(",")
    # What this round's libraries build from and are scored against (--shuffle replaces it every round).
    data = {"base": base, "truth": truth, "dir": args.data}
    runners = {
        "vectorlogic": lambda: run_vectorlogic(args, data["dir"]),
        "hnswlib": lambda: run_hnswlib(data["base"], queries, data["truth"], args, efs),
        "faiss": lambda: run_faiss(data["base"], queries, data["truth"], args, efs),
        "faiss-sq8-refine": lambda: run_faiss_sq8(data["base"], queries, data["truth"], args, efs),
        "usearch-i8": lambda: run_usearch_i8(data["base"], queries, data["truth"], args, efs),
        "qdrant-edge": lambda: run_qdrant_edge(data["base"], queries, data["truth"], args, efs),
        "qdrant-edge-sq8-rescore": lambda: run_qdrant_edge(data["base"], queries, data["truth"], args, efs,
                                                           quantized=True),
    }
    rounds = {}
    scratch = tempfile.mkdtemp(prefix="peers-order-") if args.shuffle else None
    try:
        for i in range(args.rounds):
            if scratch:
                seed = args.first_permutation + i
                data["base"], data["truth"] = permuted(base, truth, seed=seed)
                data["dir"] = write_permuted(scratch, args.data, data["base"], data["truth"])
                print(f"round {i + 1}: base rows in the order of permutation {seed}", file=sys.stderr)
            for name in wanted:
                print(f"round {i + 1}: {name}", file=sys.stderr)
                result = runners[name]()
                if result is not None:
                    rounds.setdefault(name, []).append(result)
                    if args.json_out:  # after every library, so a long run that is stopped keeps what it measured
                        write_json(args, {n: median_runs(r) for n, r in rounds.items()})
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    libs = {name: median_runs(runs) for name, runs in rounds.items()}
    print_summary(libs)
    if args.json_out:
        write_json(args, libs)


def permuted(base, truth, seed):
    """The base rows in the order of permutation `seed` (new row j = old row perm[j]) and the ground truth renumbered."""
    perm = np.random.default_rng(seed).permutation(len(base))
    new_row = np.empty_like(perm)
    new_row[perm] = np.arange(len(perm))
    return base[perm], new_row[truth].astype(np.int32)


def write_vecs(path, rows):
    width = np.full((len(rows), 1), rows.shape[1], dtype=np.int32)
    np.hstack([width, rows.view(np.int32)]).tofile(path)


def write_permuted(directory, source, base, truth):
    """A TEXMEX directory for `vectorlogic bench`: the permuted base and truth, the original queries."""
    write_vecs(f"{directory}/base.fvecs", base)
    write_vecs(f"{directory}/groundtruth.ivecs", truth)
    shutil.copyfile(f"{source}/query.fvecs", f"{directory}/query.fvecs")
    return directory


def write_json(args, libs):
    with open(args.json_out, "w") as f:
        json.dump({"threads": args.threads, "rounds": args.rounds, "shuffle": args.shuffle,
                   "first_permutation": args.first_permutation if args.shuffle else None, "cpu_count": os.cpu_count(),
                   "loadavg": os.getloadavg(), "libraries": libs}, f, indent=1)


if __name__ == "__main__":
    main()
