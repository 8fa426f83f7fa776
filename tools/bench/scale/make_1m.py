#!/usr/bin/env python3
"""Builds a 1,000,000 x 384 benchmark set from minilm-debian that keeps the real data's geometry, with the real
1,000 held-apart queries and an exact top-100 ground truth computed with numpy.

    python3 tools/bench/scale/make_1m.py --source "$VECTORLOGIC_DATASET_DIR" --out /tmp/minilm-1m

Writes (TEXMEX formats, like the source set; nothing here belongs in the repository):
    base.fvecs         N x 384 float32, L2-normalised
    query.fvecs        the source's 1,000 queries, unchanged
    groundtruth.ivecs  per query the 100 base row ids with the highest dot product, best first, ties by smaller id
    build_info.json    arguments, seed, timings, the geometry checks below, sha256 of every file

How the base is made (and why)
- Rows 0 .. 99,999 are the source's 100,000 real vectors, unchanged. So the 100k results stay comparable, and the
  ground-truth code checks itself: the top-100 it finds inside that first block must equal the source's shipped
  `groundtruth.ivecs` (compared and recorded in build_info.json; the script fails if fewer than 99.9% match).
- Every further row is `normalise(l * a + (1 - l) * b + e)`: `a`, `b` two different real base vectors drawn uniformly
  at random, `l ~ Uniform(0.2, 0.8)`, `e` Gaussian noise of expected norm 0.05 (sigma = 0.05 / sqrt(384)).
  Why mixtures of real vectors: MiniLM's embedding is the L2-normalised *mean* of its token states, so the embedding of
  a passage made of text A followed by text B is close to the normalised length-weighted mixture of the embeddings of A
  and B -- a mixture of two real vectors is what a real two-topic passage (a chunk that straddles two subjects, a
  package description that covers two tools) looks like to this model. The mixtures therefore stay in the span the
  model actually uses (its strongly anisotropic directions, the shared mean direction) instead of spreading over
  all 384 dimensions as random vectors would, and every synthetic row has real rows as close neighbours.
  Why l in [0.2, 0.8]: outside it a mixture is a near copy of one parent (cos > 0.97 at l = 0.8 for a typical pair of
  cosine 0.14), so 1M rows would be mostly near-duplicates of the 100k and the index would be tested on duplicates.
  Why the small noise: no two rows are exactly on the segment between two real ones (cos ~0.999 to the noiseless
  mixture), and no two rows coincide even if the same pair is drawn twice.
- Random pairs rather than pairs of near neighbours: finding each vector's neighbours needs a 100k x 100k exact search
  (7.7 TFLOP; over an hour on this shared 2-core machine), and mixtures of close neighbours would only densify the
  existing clusters. Random pairs cost nothing and add the between-topic rows a larger, broader corpus has.
- Deterministic: every block of 100,000 rows draws from its own generator, `numpy.random.default_rng([seed, block])`,
  so the same seed gives the same bytes whatever the machine's core count (up to BLAS rounding, which only the ground
  truth's float32 scores see; the float64 re-check below guards it).

Queries: the source's 1,000 real queries (texts that are in neither the 100k base nor, therefore, in any mixture).
They are held apart from everything the base is made from, they are real user-like texts rather than synthetic
points (a query derived by mixing base vectors would have its own parents in the base, at cosine ~0.8, and make the
benchmark easy), and the same queries at 100k and 1M show what growing the collection alone does to recall and speed.

Ground truth: exact, numpy float32 matmul (OpenBLAS) one block of 100,000 base rows at a time (queries x block =
400 MB of scores; peak memory ~1.2 GB whatever N is), keeping the best 101 per query (a partial sort of the first
block, then only the rows reaching the current 101st score) and merging; the 101st
shows whether rank 100 ties with rank 101 (counted). Checked: the first block against the shipped 100k ground truth,
and --check-queries queries against a float64 recomputation over the whole base.
"""
import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np

BLOCK = 100_000      # rows per block; fixed (not a flag) so the seed alone decides the bytes
DIM = 384


def read_vecs(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    width = int(raw[0])
    rows = raw.reshape(-1, width + 1)
    if not (rows[:, 0] == width).all():
        sys.exit(f"{path}: inconsistent record widths")
    return rows[:, 1:].copy().view(dtype)


def write_vecs(f, rows):
    """Appends rows (float32 or int32) to an open .fvecs/.ivecs file: int32 width, then the values."""
    n, width = rows.shape
    out = np.empty((n, width + 1), dtype=np.int32)
    out[:, 0] = width
    out[:, 1:] = rows.view(np.int32)
    out.tofile(f)


def synthetic_block(real, block_index, n, seed, lo_mix, hi_mix, noise_norm):
    """n mixtures of random pairs of real rows (see the module docstring), L2-normalised float32."""
    rng = np.random.default_rng([seed, block_index])
    a = rng.integers(0, len(real), n)
    b = rng.integers(0, len(real) - 1, n)
    b = b + (b >= a)  # a different row than a, uniformly
    mix = rng.uniform(lo_mix, hi_mix, n).astype(np.float32)[:, None]
    rows = mix * real[a] + (1 - mix) * real[b]
    rows += rng.standard_normal((n, real.shape[1]), dtype=np.float32) * np.float32(noise_norm / np.sqrt(real.shape[1]))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows.astype(np.float32, copy=False)


def top_candidates(scores, first_id, keep):
    """Per query the `keep` best (score, id) of one block, as arrays [q, keep]."""
    part = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
    return np.take_along_axis(scores, part, axis=1), part.astype(np.int64) + first_id


def above_threshold(scores, first_id, threshold):
    """Per query the (score, id) of one block that reach the query's current rank-`keep` score, padded with -inf.

    After the first block only a few rows per query can enter the list; one comparison pass over the 1000 x 100,000
    scores finds them ~50x faster than a partial sort of every row (argpartition: ~40 s per block on this machine)."""
    qs, cols = np.nonzero(scores >= threshold[:, None])
    counts = np.bincount(qs, minlength=len(scores))
    width = max(1, int(counts.max()) if len(qs) else 1)
    s = np.full((len(scores), width), -np.inf, dtype=scores.dtype)
    i = np.full((len(scores), width), np.iinfo(np.int64).max, dtype=np.int64)
    slot = np.arange(len(qs)) - np.repeat(np.cumsum(counts) - counts, counts)
    s[qs, slot] = scores[qs, cols]
    i[qs, slot] = cols.astype(np.int64) + first_id
    return s, i


def merge(best_s, best_i, s, i, keep):
    """Keeps the `keep` best of two candidate sets per query, ordered by score descending, then smaller id."""
    s = np.concatenate([best_s, s], axis=1)
    i = np.concatenate([best_i, i], axis=1)
    out_s = np.empty((len(s), keep), dtype=s.dtype)
    out_i = np.empty((len(s), keep), dtype=np.int64)
    for q in range(len(s)):
        order = np.lexsort((i[q], -s[q]))[:keep]
        out_s[q], out_i[q] = s[q][order], i[q][order]
    return out_s, out_i


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source", default=os.environ.get("VECTORLOGIC_DATASET_DIR"),
                   help="the minilm-debian folder (base.fvecs, query.fvecs, groundtruth.ivecs); "
                        "default $VECTORLOGIC_DATASET_DIR")
    p.add_argument("--out", default="/tmp/minilm-1m", help="output folder (created); default /tmp/minilm-1m")
    p.add_argument("--n", type=int, default=1_000_000, help="base rows, a multiple of 100,000")
    p.add_argument("--seed", type=int, default=20261203)
    p.add_argument("--k", type=int, default=100, help="ground-truth depth")
    p.add_argument("--mix", default="0.2,0.8", help="range of the mixing weight l")
    p.add_argument("--noise", type=float, default=0.05, help="expected norm of the added Gaussian noise")
    p.add_argument("--check-queries", type=int, default=20, help="queries re-checked in float64 over the whole base")
    args = p.parse_args()
    if not args.source:
        sys.exit("--source (or VECTORLOGIC_DATASET_DIR) is required")
    if args.n % BLOCK or args.n < BLOCK:
        sys.exit(f"--n must be a positive multiple of {BLOCK}")
    lo_mix, hi_mix = (float(x) for x in args.mix.split(","))
    os.makedirs(args.out, exist_ok=True)
    started = time.time()

    real = read_vecs(os.path.join(args.source, "base.fvecs"), np.float32)
    queries = read_vecs(os.path.join(args.source, "query.fvecs"), np.float32)
    shipped = read_vecs(os.path.join(args.source, "groundtruth.ivecs"), np.int32)
    if real.shape != (BLOCK, DIM):
        sys.exit(f"expected a {BLOCK} x {DIM} source base, got {real.shape}")
    keep = args.k + 1
    best_s = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(queries), 0), dtype=np.int64)
    timings = {"generate_s": 0.0, "matmul_s": 0.0, "select_s": 0.0, "write_s": 0.0}
    first_block_match = None
    base_path = os.path.join(args.out, "base.fvecs")
    with open(base_path, "wb") as f:
        for block in range(args.n // BLOCK):
            t = time.perf_counter()
            rows = real if block == 0 else synthetic_block(real, block, BLOCK, args.seed, lo_mix, hi_mix, args.noise)
            timings["generate_s"] += time.perf_counter() - t
            t = time.perf_counter()
            write_vecs(f, rows)
            timings["write_s"] += time.perf_counter() - t
            t = time.perf_counter()
            scores = queries @ rows.T
            timings["matmul_s"] += time.perf_counter() - t
            t = time.perf_counter()
            if block == 0:
                s, i = top_candidates(scores, 0, keep)
            else:
                s, i = above_threshold(scores, block * BLOCK, best_s[:, keep - 1])
            best_s, best_i = merge(best_s, best_i, s, i, keep)
            if block == 0:
                # The first block is the real 100k: its top-100 must be the shipped ground truth (as sets; the order
                # may swap neighbours whose float32 scores differ only by BLAS rounding).
                same = sum(set(best_i[q, :100].tolist()) == set(shipped[q, :100].tolist()) for q in range(len(queries)))
                first_block_match = same / len(queries)
                print(f"first block vs shipped ground truth: {same}/{len(queries)} top-100 sets identical",
                      file=sys.stderr)
                if first_block_match < 0.999:
                    sys.exit("ground truth code disagrees with the shipped ground truth")
            timings["select_s"] += time.perf_counter() - t
            print(f"block {block + 1}/{args.n // BLOCK} done, {time.time() - started:.0f} s", file=sys.stderr)
            del scores
    ties = int((best_s[:, args.k - 1] == best_s[:, args.k]).sum())
    truth = best_i[:, :args.k].astype(np.int32)
    with open(os.path.join(args.out, "groundtruth.ivecs"), "wb") as f:
        write_vecs(f, truth)
    with open(os.path.join(args.out, "query.fvecs"), "wb") as f:
        write_vecs(f, queries)

    # float64 re-check of a few queries over the whole written base (read back from disk: checks the file too).
    t = time.perf_counter()
    mm = np.memmap(base_path, dtype=np.int32, mode="r").reshape(args.n, DIM + 1)
    check = np.linspace(0, len(queries) - 1, args.check_queries).astype(int) if args.check_queries else []
    q64 = queries[check].astype(np.float64)
    full = np.empty((len(check), args.n), dtype=np.float64)
    for lo in range(0, args.n, BLOCK):
        full[:, lo:lo + BLOCK] = q64 @ np.ascontiguousarray(mm[lo:lo + BLOCK, 1:]).view(np.float32).astype(np.float64).T
    same_sets = sum(set(np.argsort(-full[j], kind="stable")[:args.k].tolist()) == set(truth[q].tolist())
                    for j, q in enumerate(check))
    timings["float64_check_s"] = time.perf_counter() - t

    # Geometry: how close the queries' neighbours are, and how many of them are real rows (ids < 100,000).
    top1, top10 = best_s[:, 0], best_s[:, 9]
    real_share = float((truth[:, :10] < BLOCK).mean())
    info = {
        "args": vars(args), "block": BLOCK, "n": args.n, "dim": DIM, "queries": len(queries),
        "seconds": round(time.time() - started, 1), "timings": {k: round(v, 1) for k, v in timings.items()},
        "first_block_vs_shipped_groundtruth": first_block_match,
        "rank_k_ties_float32": ties,
        "float64_check": f"{same_sets}/{len(check)} top-{args.k} sets identical",
        "query_nn_cosine_median": {"top1": float(np.median(top1)), "top10": float(np.median(top10))},
        "query_nn_cosine_median_100k_source": {
            "top1": float(np.median((queries * real[shipped[:, 0]]).sum(1))),
            "top10": float(np.median((queries * real[shipped[:, 9]]).sum(1)))},
        "share_of_top10_that_are_real_rows": real_share,
        "numpy": np.__version__,
    }
    info["sha256"] = {name: sha256(os.path.join(args.out, name))
                      for name in ("base.fvecs", "query.fvecs", "groundtruth.ivecs")}
    with open(os.path.join(args.out, "build_info.json"), "w") as f:
        json.dump(info, f, indent=1)
    print(json.dumps(info, indent=1))
    if same_sets != len(check):
        sys.exit("float64 re-check disagrees with the float32 ground truth")


if __name__ == "__main__":
    main()
