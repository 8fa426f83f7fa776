// Distance kernels and small memory helpers for VectorLogicDistance / VectorLogicIndex.
// The AVX2+FMA kernels are compiled with __attribute__((target("avx2,fma"))) and chosen at run time with
// __builtin_cpu_supports, so the package needs no unsafeFlags and still runs on CPUs without AVX2.
#ifndef CVECTORLOGICKERNELS_H
#define CVECTORLOGICKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Inner product of two float32 vectors (dispatched: AVX2+FMA when the CPU has it, else portable).
float vl_dot_f32(const float *a, const float *b, size_t n);
/// Squared Euclidean distance of two float32 vectors (dispatched).
float vl_l2sq_f32(const float *a, const float *b, size_t n);
/// Portable (compiler auto-vectorised, 8 accumulators) inner product; the fallback of vl_dot_f32.
float vl_dot_f32_portable(const float *a, const float *b, size_t n);
/// Portable squared Euclidean distance; the fallback of vl_l2sq_f32.
float vl_l2sq_f32_portable(const float *a, const float *b, size_t n);
/// 2 when the dispatched kernels use AVX2+FMA and the SQ8 walk kernels AVX-512 (F/BW/VNNI) on this CPU, 1 when
/// AVX2+FMA only, else 0.
int vl_kernels_use_avx2(void);

/// SQ8 inner product `sum(weights[i] * codes[i])` (dispatched). With weights = query * step this is the row-dependent
/// part of `q · decode(codes)`.
float vl_sq8_dot(const float *weights, const uint8_t *codes, size_t n);
/// SQ8 squared distance `sum((offset[i] - step[i] * codes[i])^2)`; with offset = query - lo this is |q - decode(codes)|^2
/// (dispatched: AVX-512, AVX2 or portable; the Euclidean walk's kernel).
float vl_sq8_l2sq(const float *offset, const float *step, const uint8_t *codes, size_t n);
/// Portable fallbacks of the two SQ8 kernels.
float vl_sq8_dot_portable(const float *weights, const uint8_t *codes, size_t n);
float vl_sq8_l2sq_portable(const float *offset, const float *step, const uint8_t *codes, size_t n);
/// vl_sq8_l2sq with its AVX2 kernel even where AVX-512 is dispatched (portable without AVX2), for the kernel tests.
float vl_sq8_l2sq_avx2_only(const float *offset, const float *step, const uint8_t *codes, size_t n);
/// Σ weights[i] · codes[i] in exact integer arithmetic (int16 weights, uint8 codes; AVX-512 VNNI `vpdpwssd` or AVX2
/// `vpmaddwd` when available).
/// The caller keeps Σ |weights[i]| · 255 < 2^31 so no partial sum overflows (`QuantizedRows.widen`).
int32_t vl_sq8_dot_i16(const int16_t *weights, const uint8_t *codes, size_t n);
int32_t vl_sq8_dot_i16_portable(const int16_t *weights, const uint8_t *codes, size_t n);
/// vl_sq8_dot_i16 with its AVX2 kernel even where AVX-512 VNNI is dispatched (portable without AVX2), so that tests
/// check both kernels against the exact sum on a machine that has both.
int32_t vl_sq8_dot_i16_avx2_only(const int16_t *weights, const uint8_t *codes, size_t n);
/// Widens the per-dimension range [lo, hi] to hold `row * scale`.
void vl_sq8_bounds(const float *row, float scale, float *lo, float *hi, size_t n);
/// Encodes `row * scale` as codes: round((x - lo) * inverse_step), clamped to 0...255.
void vl_sq8_encode(const float *row, float scale, const float *lo, const float *inverse_step, uint8_t *out, size_t n);

/// Spin lock on a 32-bit word (0 = free). Yields the CPU after a short spin so a preempted holder can run.
void vl_spin_lock(uint32_t *word);
/// Releases a lock taken by vl_spin_lock.
void vl_spin_unlock(uint32_t *word);

/// Hints the CPU to bring `bytes` bytes starting at `p` into cache (one prefetch per 64-byte line).
///
/// Locality 1 (x86 PREFETCHT2, "outer caches"), not 3 (PREFETCHT0): a graph search prefetches an expansion's ~16
/// rows at once (~96 lines of SQ8 codes), and T0 prefetches each hold one of the core's few L1 miss slots (24 on
/// this AMD EPYC) until their line arrives, so the prefetches themselves stalled the loop (27% of its samples).
/// T2 ones are tracked by the L2 and the lines still reach L1 when the distance loop loads them: 100k × 384 SQ8
/// searches ran 1.4–1.6× faster (BENCHMARKS.md, "Prefetch hint").
static inline void vl_prefetch(const void *p, size_t bytes) {
    const char *c = (const char *)p;
    for (size_t off = 0; off < bytes; off += 64) {
        __builtin_prefetch(c + off, 0, 1);
    }
}

/// Prefetches the single 64-byte line holding `p`.
static inline void vl_prefetch_line(const void *p) { __builtin_prefetch(p, 0, 3); }

/// Atomic acquire load of a 32-bit word (graph links read while other threads insert).
static inline uint32_t vl_load_acquire_u32(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

/// Atomic release store of a 32-bit word (graph links published to concurrent readers).
static inline void vl_store_release_u32(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

/// Atomic add to a 32-bit counter; returns the old value. Relaxed: the counters (a graph's level-0 in-links) are
/// read only after the inserting threads have joined.
static inline uint32_t vl_fetch_add_u32(uint32_t *p, uint32_t v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }

/// Atomic subtract from a 32-bit counter; returns the old value (relaxed, as `vl_fetch_add_u32`).
static inline uint32_t vl_fetch_sub_u32(uint32_t *p, uint32_t v) { return __atomic_fetch_sub(p, v, __ATOMIC_RELAXED); }

#ifdef __cplusplus
}
#endif

#endif
