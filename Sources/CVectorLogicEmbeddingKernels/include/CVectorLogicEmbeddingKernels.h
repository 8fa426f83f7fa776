// Element-wise kernels of the MiniLM encoder (VectorLogicEmbedding): GELU, LayerNorm, softmax.
// AVX2+FMA versions are compiled with __attribute__((target("avx2,fma"))) and chosen at run time; the portable
// versions use libm and give the same results to float rounding. The matrix products go through OpenBLAS.
#ifndef CVECTORLOGICEMBEDDINGKERNELS_H
#define CVECTORLOGICEMBEDDINGKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// x = 0.5 * x * (1 + erf(x / sqrt(2))) in place (BERT's exact GELU), n values.
void vl_emb_gelu(float *x, size_t n);
/// Portable GELU through libm's erff (the reference of the AVX2 version in tests).
void vl_emb_gelu_portable(float *x, size_t n);

/// For each of `rows` rows of `cols` floats: x = LayerNorm(x + residual) * gamma + beta (eps as given).
/// `residual` may be NULL (no residual).
void vl_emb_add_layernorm(float *x, const float *residual, const float *gamma, const float *beta, size_t rows,
                          size_t cols, float eps);

/// Row-wise softmax of a `rows` x `cols` matrix with row stride `ld`, in place.
void vl_emb_softmax_rows(float *x, size_t rows, size_t cols, size_t ld);
/// Portable softmax through libm's expf.
void vl_emb_softmax_rows_portable(float *x, size_t rows, size_t cols, size_t ld);

/// Adds `bias` (cols floats) to each of `rows` rows of `x` (row stride ld).
void vl_emb_add_bias(float *x, const float *bias, size_t rows, size_t cols, size_t ld);

/// 1 when the CPU has AVX-512 F, BW, VL and DQ (OpenBLAS's SkylakeX kernels run on it).
int vl_emb_cpu_has_avx512(void);
/// 1 when the dispatched kernels use AVX2+FMA on this CPU.
int vl_emb_use_avx2(void);

#ifdef __cplusplus
}
#endif

#endif
