// Element-wise kernels of the MiniLM encoder. Why C: Swift's SIMD types without a target CPU that has FMA are
// 2-60x slower here (shared/notes/machine.md), and a C target with target attributes needs no unsafeFlags.
// Share of one forward pass on this machine (batch 32, ~60 tokens a text): GELU over 1536 values per token and
// layer is the largest element-wise cost (libm erff ~10 ns a value would be ~25% of the matrix products).
#include "CVectorLogicEmbeddingKernels.h"
#include <math.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VL_EMB_X86 1
#endif

// ---------------------------------------------------------------------------------------------------------------
// Portable versions (libm).

void vl_emb_gelu_portable(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        x[i] = 0.5f * v * (1.0f + erff(v * 0.70710678118654752440f));
    }
}

void vl_emb_softmax_rows_portable(float *x, size_t rows, size_t cols, size_t ld) {
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * ld;
        float m = -INFINITY;
        for (size_t c = 0; c < cols; c++) m = row[c] > m ? row[c] : m;
        float s = 0;
        for (size_t c = 0; c < cols; c++) {
            row[c] = expf(row[c] - m);
            s += row[c];
        }
        float inv = 1.0f / s;
        for (size_t c = 0; c < cols; c++) row[c] *= inv;
    }
}

static void add_layernorm_portable(float *x, const float *residual, const float *gamma, const float *beta, size_t rows,
                                   size_t cols, float eps) {
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * cols;
        if (residual) {
            const float *res = residual + r * cols;
            for (size_t c = 0; c < cols; c++) row[c] += res[c];
        }
        float mean = 0;
        for (size_t c = 0; c < cols; c++) mean += row[c];
        mean /= (float)cols;
        float var = 0;
        for (size_t c = 0; c < cols; c++) {
            float d = row[c] - mean;
            var += d * d;
        }
        var /= (float)cols;
        float inv = 1.0f / sqrtf(var + eps);
        for (size_t c = 0; c < cols; c++) row[c] = (row[c] - mean) * inv * gamma[c] + beta[c];
    }
}

void vl_emb_add_bias(float *x, const float *bias, size_t rows, size_t cols, size_t ld) {
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * ld;
        for (size_t c = 0; c < cols; c++) row[c] += bias[c];
    }
}

// ---------------------------------------------------------------------------------------------------------------
// AVX2 + FMA versions.

#ifdef VL_EMB_X86
#define VL_AVX2 __attribute__((target("avx2,fma")))

// expf for 8 lanes: Cephes range reduction x = k ln2 + r, degree-5 polynomial, 2^k through the exponent bits.
// Relative error ~2e-7 over [-87, 88]; inputs below -87.3 flush to 0 (softmax of masked scores needs exactly that).
VL_AVX2 static inline __m256 exp8(__m256 x) {
    const __m256 hi = _mm256_set1_ps(88.3762626647949f), lo = _mm256_set1_ps(-87.3365447505531f);
    __m256 under = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    __m256 fx = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f));
    fx = _mm256_floor_ps(fx);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
    __m256i k = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(fx), _mm256_set1_epi32(127)), 23);
    y = _mm256_mul_ps(y, _mm256_castsi256_ps(k));
    return _mm256_andnot_ps(under, y);
}

// erf for 8 lanes: Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7), the approximation PyTorch's own vectorised CPU
// GELU uses, so both implementations round alike.
VL_AVX2 static inline __m256 erf8(__m256 x) {
    const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
    __m256 s = _mm256_and_ps(sign, x);
    __m256 a = _mm256_xor_ps(s, x);
    __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(0.3275911f), a, one));
    __m256 r = _mm256_set1_ps(1.061405429f);
    r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(-1.453152027f));
    r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(1.421413741f));
    r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(-0.284496736f));
    r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(0.254829592f));
    r = _mm256_mul_ps(r, t);
    __m256 e = exp8(_mm256_xor_ps(sign, _mm256_mul_ps(a, a)));
    __m256 y = _mm256_fnmadd_ps(r, e, one);
    return _mm256_xor_ps(y, s);
}

VL_AVX2 static void gelu_avx2(float *x, size_t n) {
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f), k = _mm256_set1_ps(0.70710678118654752440f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 y = _mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_add_ps(one, erf8(_mm256_mul_ps(v, k))));
        _mm256_storeu_ps(x + i, y);
    }
    if (i < n) vl_emb_gelu_portable(x + i, n - i);
}

VL_AVX2 static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

VL_AVX2 static inline float hmax8(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

VL_AVX2 static void softmax_rows_avx2(float *x, size_t rows, size_t cols, size_t ld) {
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * ld;
        size_t c = 0;
        __m256 mv = _mm256_set1_ps(-INFINITY);
        for (; c + 8 <= cols; c += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(row + c));
        float m = hmax8(mv);
        for (; c < cols; c++) m = row[c] > m ? row[c] : m;
        __m256 mb = _mm256_set1_ps(m), sv = _mm256_setzero_ps();
        for (c = 0; c + 8 <= cols; c += 8) {
            __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + c), mb));
            _mm256_storeu_ps(row + c, e);
            sv = _mm256_add_ps(sv, e);
        }
        float s = hsum8(sv);
        for (; c < cols; c++) {
            row[c] = expf(row[c] - m);
            s += row[c];
        }
        __m256 inv = _mm256_set1_ps(1.0f / s);
        for (c = 0; c + 8 <= cols; c += 8) _mm256_storeu_ps(row + c, _mm256_mul_ps(_mm256_loadu_ps(row + c), inv));
        for (; c < cols; c++) row[c] *= 1.0f / s;
    }
}

VL_AVX2 static void add_layernorm_avx2(float *x, const float *residual, const float *gamma, const float *beta, size_t rows,
                                       size_t cols, float eps) {
    if (cols % 8 != 0) {
        add_layernorm_portable(x, residual, gamma, beta, rows, cols, eps);
        return;
    }
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * cols;
        __m256 sv = _mm256_setzero_ps();
        for (size_t c = 0; c < cols; c += 8) {
            __m256 v = _mm256_loadu_ps(row + c);
            if (residual) v = _mm256_add_ps(v, _mm256_loadu_ps(residual + r * cols + c));
            _mm256_storeu_ps(row + c, v);
            sv = _mm256_add_ps(sv, v);
        }
        float mean = hsum8(sv) / (float)cols;
        __m256 mb = _mm256_set1_ps(mean), vv = _mm256_setzero_ps();
        for (size_t c = 0; c < cols; c += 8) {
            __m256 d = _mm256_sub_ps(_mm256_loadu_ps(row + c), mb);
            vv = _mm256_fmadd_ps(d, d, vv);
        }
        float inv = 1.0f / sqrtf(hsum8(vv) / (float)cols + eps);
        __m256 ib = _mm256_set1_ps(inv);
        for (size_t c = 0; c < cols; c += 8) {
            __m256 d = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(row + c), mb), ib);
            _mm256_storeu_ps(row + c, _mm256_fmadd_ps(d, _mm256_loadu_ps(gamma + c), _mm256_loadu_ps(beta + c)));
        }
    }
}

int vl_emb_cpu_has_avx512(void) {
    __builtin_cpu_init();
    return (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
            __builtin_cpu_supports("avx512dq")) ? 1 : 0;
}

int vl_emb_use_avx2(void) {
    __builtin_cpu_init();
    return (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 1 : 0;
}
#else
int vl_emb_use_avx2(void) { return 0; }
int vl_emb_cpu_has_avx512(void) { return 0; }
#endif

// ---------------------------------------------------------------------------------------------------------------
// Dispatch: the CPU check is cached in a static after the first call (a benign race: every thread writes the same value).

static int use_avx2(void) {
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        v = vl_emb_use_avx2();
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}

void vl_emb_gelu(float *x, size_t n) {
#ifdef VL_EMB_X86
    if (use_avx2()) { gelu_avx2(x, n); return; }
#endif
    vl_emb_gelu_portable(x, n);
}

void vl_emb_softmax_rows(float *x, size_t rows, size_t cols, size_t ld) {
#ifdef VL_EMB_X86
    if (use_avx2()) { softmax_rows_avx2(x, rows, cols, ld); return; }
#endif
    vl_emb_softmax_rows_portable(x, rows, cols, ld);
}

void vl_emb_add_layernorm(float *x, const float *residual, const float *gamma, const float *beta, size_t rows,
                          size_t cols, float eps) {
#ifdef VL_EMB_X86
    if (use_avx2()) { add_layernorm_avx2(x, residual, gamma, beta, rows, cols, eps); return; }
#endif
    add_layernorm_portable(x, residual, gamma, beta, rows, cols, eps);
}
