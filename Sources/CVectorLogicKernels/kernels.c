// Distance kernels: AVX2+FMA (target attribute, runtime dispatch) and a portable fallback.
// Measured on the benchmark machine (2 vCPU AMD EPYC Zen 4, BENCHMARKS.md): 384-d dot ≈ 19 ns with AVX2+FMA vs ≈ 35 ns
// Swift SIMD8 on the default target and ≈ 290 ns for a strict-order scalar loop.
#include "CVectorLogicKernels.h"
#include <sched.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VL_X86 1
#endif

// Portable kernels: 8 independent accumulators so the compiler can vectorise without reassociation flags.
float vl_dot_f32_portable(const float *a, const float *b, size_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int j = 0; j < 8; j++) acc[j] += a[i + j] * b[i + j];
    }
    float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

float vl_l2sq_f32_portable(const float *a, const float *b, size_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int j = 0; j < 8; j++) {
            float d = a[i + j] - b[i + j];
            acc[j] += d * d;
        }
    }
    float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (; i < n; i++) {
        float d = a[i] - b[i];
        s += d * d;
    }
    return s;
}

#ifdef VL_X86
__attribute__((target("avx2,fma"))) static inline float vl_hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v);
    __m128 hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    __m128 sh = _mm_movehdup_ps(lo);
    __m128 sums = _mm_add_ps(lo, sh);
    sh = _mm_movehl_ps(sh, sums);
    sums = _mm_add_ss(sums, sh);
    return _mm_cvtss_f32(sums);
}

// Four 8-lane accumulators hide the FMA latency (4 cycles, 2 per cycle on Zen 4).
__attribute__((target("avx2,fma"))) static float vl_dot_f32_avx2(const float *a, const float *b, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    }
    float s = vl_hsum256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

__attribute__((target("avx2,fma"))) static float vl_l2sq_f32_avx2(const float *a, const float *b, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
        __m256 d2 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16));
        __m256 d3 = _mm256_sub_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24));
        s0 = _mm256_fmadd_ps(d0, d0, s0);
        s1 = _mm256_fmadd_ps(d1, d1, s1);
        s2 = _mm256_fmadd_ps(d2, d2, s2);
        s3 = _mm256_fmadd_ps(d3, d3, s3);
    }
    for (; i + 8 <= n; i += 8) {
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
        s0 = _mm256_fmadd_ps(d0, d0, s0);
    }
    float s = vl_hsum256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; i++) {
        float d = a[i] - b[i];
        s += d * d;
    }
    return s;
}
#endif


// SQ8 (8-bit scalar quantisation, per-dimension affine: x ≈ lo[d] + step[d] * code[d]) for graph traversal.
// The query is not coded (asymmetric distance: float32 terms, or int16 weights for cosine/dot, whose rounding error the
// re-rank bound includes), so only the rows lose precision; results are re-ranked in float32.

float vl_sq8_dot_portable(const float *weights, const uint8_t *codes, size_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int j = 0; j < 8; j++) acc[j] += weights[i + j] * (float)codes[i + j];
    }
    float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (; i < n; i++) s += weights[i] * (float)codes[i];
    return s;
}

// The last n - i values of an SQ8 squared distance, added to `s` (the tail every vector kernel leaves).
static inline float vl_sq8_l2sq_tail(const float *offset, const float *step, const uint8_t *codes, size_t i, size_t n, float s) {
    for (; i < n; i++) {
        float d = offset[i] - step[i] * (float)codes[i];
        s += d * d;
    }
    return s;
}

float vl_sq8_l2sq_portable(const float *offset, const float *step, const uint8_t *codes, size_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int j = 0; j < 8; j++) {
            float d = offset[i + j] - step[i + j] * (float)codes[i + j];
            acc[j] += d * d;
        }
    }
    float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    return vl_sq8_l2sq_tail(offset, step, codes, i, n, s);
}

#ifdef VL_X86
__attribute__((target("avx2,fma"))) static inline __m256 vl_load_u8x8(const uint8_t *p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p)));
}

__attribute__((target("avx2,fma"))) static float vl_sq8_dot_avx2(const float *w, const uint8_t *c, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), vl_load_u8x8(c + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 8), vl_load_u8x8(c + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 16), vl_load_u8x8(c + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 24), vl_load_u8x8(c + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), vl_load_u8x8(c + i), s0);
    float s = vl_hsum256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; i++) s += w[i] * (float)c[i];
    return s;
}

__attribute__((target("avx2,fma"))) static float vl_sq8_l2sq_avx2(const float *o, const float *st, const uint8_t *c, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 d0 = _mm256_fnmadd_ps(_mm256_loadu_ps(st + i), vl_load_u8x8(c + i), _mm256_loadu_ps(o + i));
        __m256 d1 = _mm256_fnmadd_ps(_mm256_loadu_ps(st + i + 8), vl_load_u8x8(c + i + 8), _mm256_loadu_ps(o + i + 8));
        s0 = _mm256_fmadd_ps(d0, d0, s0);
        s1 = _mm256_fmadd_ps(d1, d1, s1);
    }
    for (; i + 8 <= n; i += 8) {
        __m256 d0 = _mm256_fnmadd_ps(_mm256_loadu_ps(st + i), vl_load_u8x8(c + i), _mm256_loadu_ps(o + i));
        s0 = _mm256_fmadd_ps(d0, d0, s0);
    }
    return vl_sq8_l2sq_tail(o, st, c, i, n, vl_hsum256(_mm256_add_ps(s0, s1)));
}
#endif

int32_t vl_sq8_dot_i16_portable(const int16_t *weights, const uint8_t *codes, size_t n) {
    int32_t acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int j = 0; j < 8; j++) acc[j] += (int32_t)weights[i + j] * (int32_t)codes[i + j];
    }
    int32_t s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (; i < n; i++) s += (int32_t)weights[i] * (int32_t)codes[i];
    return s;
}

#ifdef VL_X86
// 16 codes a step: zero-extend to int16, multiply-add pairs with the weights into 8 int32 lanes (vpmaddwd).
// 384-d: 24 steps of ~4 µops against 48 steps of ~5 for the float32 × uint8 kernel.
__attribute__((target("avx2,fma"))) static int32_t vl_sq8_dot_i16_avx2(const int16_t *w, const uint8_t *c, size_t n) {
    __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i c0 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(c + i)));
        __m256i c1 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(c + i + 16)));
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(c0, _mm256_loadu_si256((const __m256i *)(w + i))));
        s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(c1, _mm256_loadu_si256((const __m256i *)(w + i + 16))));
    }
    for (; i + 16 <= n; i += 16) {
        __m256i c0 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(c + i)));
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(c0, _mm256_loadu_si256((const __m256i *)(w + i))));
    }
    __m256i s = _mm256_add_epi32(s0, s1);
    __m128i h = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
    h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4E));
    h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xB1));
    int32_t total = _mm_cvtsi128_si32(h);
    for (; i < n; i++) total += (int32_t)w[i] * (int32_t)c[i];
    return total;
}

// 32 codes a step: zero-extend to int16 (vpmovzxbw zmm), then one vpdpwssd multiplies the pairs with the weights and
// adds them into 16 int32 lanes (AVX-512 VNNI fuses the AVX2 kernel's vpmaddwd + vpaddd). 384-d: 12 steps of 3 µops
// against 24 of 4. The sums are the same exact integers (no partial sum overflows, see the header), so the answer is
// bit-identical to the AVX2 and portable kernels.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) static int32_t vl_sq8_dot_i16_avx512(const int16_t *w, const uint8_t *c, size_t n) {
    __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m512i c0 = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(c + i)));
        __m512i c1 = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(c + i + 32)));
        s0 = _mm512_dpwssd_epi32(s0, c0, _mm512_loadu_si512((const void *)(w + i)));
        s1 = _mm512_dpwssd_epi32(s1, c1, _mm512_loadu_si512((const void *)(w + i + 32)));
    }
    for (; i + 32 <= n; i += 32) {
        __m512i c0 = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(c + i)));
        s0 = _mm512_dpwssd_epi32(s0, c0, _mm512_loadu_si512((const void *)(w + i)));
    }
    int32_t total = _mm512_reduce_add_epi32(_mm512_add_epi32(s0, s1));
    for (; i < n; i++) total += (int32_t)w[i] * (int32_t)c[i];
    return total;
}

// The Euclidean walk's distance, 16 codes a step in 512-bit registers (the AVX2 kernel takes 8): half the loads,
// conversions and FMAs per row. Float sums in another order than the AVX2 kernel's, so the walk's distances may differ
// in the last bits; the answers' scores do not (the re-rank measures the float32 rows with vl_l2sq_f32).
__attribute__((target("avx512f,avx512bw"))) static float vl_sq8_l2sq_avx512(const float *o, const float *st, const uint8_t *c, size_t n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 c0 = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(c + i))));
        __m512 c1 = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(c + i + 16))));
        __m512 d0 = _mm512_fnmadd_ps(_mm512_loadu_ps(st + i), c0, _mm512_loadu_ps(o + i));
        __m512 d1 = _mm512_fnmadd_ps(_mm512_loadu_ps(st + i + 16), c1, _mm512_loadu_ps(o + i + 16));
        s0 = _mm512_fmadd_ps(d0, d0, s0);
        s1 = _mm512_fmadd_ps(d1, d1, s1);
    }
    for (; i + 16 <= n; i += 16) {
        __m512 c0 = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(c + i))));
        __m512 d0 = _mm512_fnmadd_ps(_mm512_loadu_ps(st + i), c0, _mm512_loadu_ps(o + i));
        s0 = _mm512_fmadd_ps(d0, d0, s0);
    }
    return vl_sq8_l2sq_tail(o, st, c, i, n, _mm512_reduce_add_ps(_mm512_add_ps(s0, s1)));
}
#endif

// -1 = not yet detected, 0 = portable, 1 = AVX2+FMA, 2 = that and AVX-512 F/BW/VNNI (the two SQ8 walk kernels have AVX-512
// forms: the walk spends its time there). Relaxed atomics: every thread computes the same answer.
static int vl_level = -1;

static int vl_detect(void) {
#ifdef VL_X86
    __builtin_cpu_init();
    if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return 0;
    return (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni")) ? 2 : 1;
#else
    return 0;
#endif
}

int vl_kernels_use_avx2(void) {
    int level = __atomic_load_n(&vl_level, __ATOMIC_RELAXED);
    if (__builtin_expect(level < 0, 0)) {
        level = vl_detect();
        __atomic_store_n(&vl_level, level, __ATOMIC_RELAXED);
    }
    return level;
}

float vl_dot_f32(const float *a, const float *b, size_t n) {
#ifdef VL_X86
    if (__builtin_expect(vl_kernels_use_avx2(), 1)) return vl_dot_f32_avx2(a, b, n);
#endif
    return vl_dot_f32_portable(a, b, n);
}

float vl_l2sq_f32(const float *a, const float *b, size_t n) {
#ifdef VL_X86
    if (__builtin_expect(vl_kernels_use_avx2(), 1)) return vl_l2sq_f32_avx2(a, b, n);
#endif
    return vl_l2sq_f32_portable(a, b, n);
}

void vl_spin_lock(uint32_t *word) {
    unsigned spins = 0;
    for (;;) {
        if (__atomic_load_n(word, __ATOMIC_RELAXED) == 0 &&
            __atomic_exchange_n(word, 1u, __ATOMIC_ACQUIRE) == 0) {
            return;
        }
        if (++spins >= 64) {
            // Two cores shared by many threads: a preempted holder must get the CPU back.
            sched_yield();
            spins = 0;
        } else {
#ifdef VL_X86
            __builtin_ia32_pause();
#endif
        }
    }
}

void vl_spin_unlock(uint32_t *word) { __atomic_store_n(word, 0u, __ATOMIC_RELEASE); }

float vl_sq8_dot(const float *weights, const uint8_t *codes, size_t n) {
#ifdef VL_X86
    if (__builtin_expect(vl_kernels_use_avx2(), 1)) return vl_sq8_dot_avx2(weights, codes, n);
#endif
    return vl_sq8_dot_portable(weights, codes, n);
}

int32_t vl_sq8_dot_i16_avx2_only(const int16_t *weights, const uint8_t *codes, size_t n) {
#ifdef VL_X86
    if (vl_kernels_use_avx2() >= 1) return vl_sq8_dot_i16_avx2(weights, codes, n);
#endif
    return vl_sq8_dot_i16_portable(weights, codes, n);
}

int32_t vl_sq8_dot_i16(const int16_t *weights, const uint8_t *codes, size_t n) {
#ifdef VL_X86
    int level = vl_kernels_use_avx2();
    if (__builtin_expect(level == 2, 1)) return vl_sq8_dot_i16_avx512(weights, codes, n);
    if (__builtin_expect(level == 1, 1)) return vl_sq8_dot_i16_avx2(weights, codes, n);
#endif
    return vl_sq8_dot_i16_portable(weights, codes, n);
}

float vl_sq8_l2sq(const float *offset, const float *step, const uint8_t *codes, size_t n) {
#ifdef VL_X86
    int level = vl_kernels_use_avx2();
    if (__builtin_expect(level == 2, 1)) return vl_sq8_l2sq_avx512(offset, step, codes, n);
    if (__builtin_expect(level == 1, 1)) return vl_sq8_l2sq_avx2(offset, step, codes, n);
#endif
    return vl_sq8_l2sq_portable(offset, step, codes, n);
}

float vl_sq8_l2sq_avx2_only(const float *offset, const float *step, const uint8_t *codes, size_t n) {
#ifdef VL_X86
    if (vl_kernels_use_avx2() >= 1) return vl_sq8_l2sq_avx2(offset, step, codes, n);
#endif
    return vl_sq8_l2sq_portable(offset, step, codes, n);
}

void vl_sq8_bounds(const float *row, float scale, float *lo, float *hi, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float x = row[i] * scale;
        lo[i] = x < lo[i] ? x : lo[i];
        hi[i] = x > hi[i] ? x : hi[i];
    }
}

void vl_sq8_encode(const float *row, float scale, const float *lo, const float *inverse_step, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float t = (row[i] * scale - lo[i]) * inverse_step[i] + 0.5f;
        // NaN (impossible for stored rows, but total anyway) and values below the range map to 0.
        out[i] = t >= 255.0f ? 255 : (t >= 0.0f ? (uint8_t)t : 0);
    }
}
