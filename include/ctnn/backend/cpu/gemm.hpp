// cpu::sgemm: a single-threaded float GEMM for the small and skinny products of small networks
// (a LeNet-5 convolution is 6 x 784 x 25), where BLAS libraries spend more time packing and
// dispatching than multiplying. Row-major C[m x n] = alpha op(A)[m x k] op(B)[k x n] + beta C.
// Two register-tiled kernels over simd::vec:
//   broadcast: a tile of MR rows x NV vectors of C; per k, NV vectors of a row of B and MR
//     broadcast elements of A (op(A) may be transposed: only its stride changes). op(B) = B^T
//     is first packed (transposed) into per-thread scratch.
//   dot: for op(B) = B^T with long rows: MI x NJ dot products along k, reduced at the end.
// The last vector of a row is loaded and stored with a lane mask: no reads or writes past a
// row's end, any n.
// cpu::gemm picks one of these, the packed kernel (cpu/packed_gemm.hpp) or OpenBLAS per
// product, and splits a large product over the thread pool (one single-threaded GEMM per part).
// Float products reach OpenBLAS only where op(B) = B^T leaves the packed tile mostly empty and
// OpenBLAS runs its AVX-512 kernels (README "Own SGEMM" has the measurements); double always
// does. For comparison, CTNN_GEMM=openblas in the environment (read once, at start-up) or
// cpu::set_gemm_kernels(cpu::GemmKernels::openblas) sends every float product to
// cblas_sgemm (GemmKernels::ctnn restores the default).
#pragma once

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "ctnn/backend/cpu/packed_gemm.hpp"
#include "ctnn/backend/cpu/scratch.hpp"
#include "ctnn/backend/cpu/simd.hpp"
#include "ctnn/backend/cpu/thread_pool.hpp"

namespace ctnn::cpu {

namespace detail::gemm {

using simd::vec;
inline constexpr std::size_t W = simd::width;
// Broadcast kernel tile: MR rows x NV vectors (MR * NV accumulators + NV + 1 registers).
inline constexpr std::size_t MR = simd::registers >= 32 ? 6 : 4;
inline constexpr std::size_t NV = simd::registers >= 32 ? 4 : 2;
// Dot kernel tile: MI x NJ accumulators (+ MI + NJ registers).
inline constexpr std::size_t MI = simd::registers >= 32 ? 4 : 3;
inline constexpr std::size_t NJ = simd::registers >= 32 ? 4 : 3;

// result = alpha * acc + beta * C, stored to C (n lanes).
inline void store_result(float* c, vec acc, std::size_t n, float alpha, float beta) {
    if (alpha != 1.0f) acc = simd::mul(acc, simd::broadcast(alpha));
    if (beta != 0.0f) acc = simd::fma(simd::broadcast(beta), simd::load_partial(c, n), acc);
    simd::store_partial(c, acc, n);
}

// C[R x cols] of rows a(i, p) = a[i * a_row + p * a_col] times B[k x cols] (row stride ldb);
// cols = (V - 1) * W + tail, 0 < tail <= W.
template <std::size_t R, std::size_t V>
inline void broadcast_tile(std::size_t k, const float* a, std::size_t a_row, std::size_t a_col,
                           const float* b, std::size_t ldb, std::size_t tail, float* c, std::size_t ldc,
                           float alpha, float beta) {
    vec acc[R][V];
#pragma GCC unroll 8
    for (std::size_t i = 0; i < R; ++i)
#pragma GCC unroll 4
        for (std::size_t v = 0; v < V; ++v) acc[i][v] = simd::zero();
    for (std::size_t p = 0; p < k; ++p) {
        const float* row = b + p * ldb;
        vec bv[V];
#pragma GCC unroll 4
        for (std::size_t v = 0; v + 1 < V; ++v) bv[v] = simd::load(row + v * W);
        bv[V - 1] = simd::load_partial(row + (V - 1) * W, tail);
        const float* ap = a + p * a_col;
#pragma GCC unroll 8
        for (std::size_t i = 0; i < R; ++i) {
            const vec av = simd::broadcast(ap[i * a_row]);
#pragma GCC unroll 4
            for (std::size_t v = 0; v < V; ++v) acc[i][v] = simd::fma(av, bv[v], acc[i][v]);
        }
    }
#pragma GCC unroll 8
    for (std::size_t i = 0; i < R; ++i)
#pragma GCC unroll 4
        for (std::size_t v = 0; v < V; ++v)
            store_result(c + i * ldc + v * W, acc[i][v], v + 1 < V ? W : tail, alpha, beta);
}

template <std::size_t R>
inline void broadcast_rows(std::size_t vectors, std::size_t k, const float* a, std::size_t a_row,
                           std::size_t a_col, const float* b, std::size_t ldb, std::size_t tail, float* c,
                           std::size_t ldc, float alpha, float beta) {
    static_assert(NV == 2 || NV == 4);
    switch (vectors) {
        case 1:
            return broadcast_tile<R, 1>(k, a, a_row, a_col, b, ldb, tail, c, ldc, alpha, beta);
        case 2:
            return broadcast_tile<R, 2>(k, a, a_row, a_col, b, ldb, tail, c, ldc, alpha, beta);
        case 3:
            if constexpr (NV >= 3)
                return broadcast_tile<R, 3>(k, a, a_row, a_col, b, ldb, tail, c, ldc, alpha, beta);
            [[fallthrough]];
        default:
            if constexpr (NV >= 4)
                return broadcast_tile<R, 4>(k, a, a_row, a_col, b, ldb, tail, c, ldc, alpha, beta);
    }
}

// C = alpha op(A) B + beta C, B not transposed (k x n, row stride ldb).
inline void broadcast_gemm(bool transpose_a, std::size_t m, std::size_t n, std::size_t k, float alpha,
                           const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
                           float* c, std::size_t ldc) {
    const std::size_t a_row = transpose_a ? 1 : lda, a_col = transpose_a ? lda : 1;
    for (std::size_t j0 = 0; j0 < n; j0 += NV * W) {
        const std::size_t cols = std::min(NV * W, n - j0), vectors = (cols + W - 1) / W;
        const std::size_t tail = cols - (vectors - 1) * W;
        for (std::size_t i0 = 0; i0 < m;) {
            const std::size_t rows = m - i0;
            const float* ai = a + i0 * a_row;
            float* ci = c + i0 * ldc + j0;
            if (rows >= MR) {
                broadcast_rows<MR>(vectors, k, ai, a_row, a_col, b + j0, ldb, tail, ci, ldc, alpha, beta);
                i0 += MR;
            } else if (rows >= 4 && MR > 4) {
                broadcast_rows<4>(vectors, k, ai, a_row, a_col, b + j0, ldb, tail, ci, ldc, alpha, beta);
                i0 += 4;
            } else if (rows >= 2) {
                broadcast_rows<2>(vectors, k, ai, a_row, a_col, b + j0, ldb, tail, ci, ldc, alpha, beta);
                i0 += 2;
            } else {
                broadcast_rows<1>(vectors, k, ai, a_row, a_col, b + j0, ldb, tail, ci, ldc, alpha, beta);
                i0 += 1;
            }
        }
    }
}

// One step of dot_tile: lanes values of R rows of A and S rows of B at offset p.
template <std::size_t R, std::size_t S, bool Full>
[[gnu::always_inline]] inline void dot_step(vec (&acc)[R][S], const float* a, std::size_t lda, const float* b,
                                            std::size_t ldb, std::size_t lanes) {
    vec av[R], bv[S];
#pragma GCC unroll 4
    for (std::size_t i = 0; i < R; ++i)
        av[i] = Full ? simd::load(a + i * lda) : simd::load_partial(a + i * lda, lanes);
#pragma GCC unroll 4
    for (std::size_t j = 0; j < S; ++j)
        bv[j] = Full ? simd::load(b + j * ldb) : simd::load_partial(b + j * ldb, lanes);
#pragma GCC unroll 4
    for (std::size_t i = 0; i < R; ++i)
#pragma GCC unroll 4
        for (std::size_t j = 0; j < S; ++j) acc[i][j] = simd::fma(av[i], bv[j], acc[i][j]);
}

// C[R x S] of dot products of rows of A (stride lda) and rows of B (stride ldb), length k.
template <std::size_t R, std::size_t S>
inline void dot_tile(std::size_t k, const float* a, std::size_t lda, const float* b, std::size_t ldb,
                     float* c, std::size_t ldc, float alpha, float beta) {
    vec acc[R][S];
#pragma GCC unroll 4
    for (std::size_t i = 0; i < R; ++i)
#pragma GCC unroll 4
        for (std::size_t j = 0; j < S; ++j) acc[i][j] = simd::zero();
    std::size_t p = 0;
    for (; p + W <= k; p += W) dot_step<R, S, true>(acc, a + p, lda, b + p, ldb, W);
    if (p < k) dot_step<R, S, false>(acc, a + p, lda, b + p, ldb, k - p);
#pragma GCC unroll 4
    for (std::size_t i = 0; i < R; ++i)
#pragma GCC unroll 4
        for (std::size_t j = 0; j < S; ++j) {
            float& out = c[i * ldc + j];
            const float value = alpha * simd::sum(acc[i][j]);
            out = beta == 0.0f ? value : value + beta * out;
        }
}

// C = alpha A B^T + beta C: A m x k, B n x k, both row-major.
inline void dot_gemm(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                     std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                     std::size_t ldc) {
    std::size_t i0 = 0;
    for (; i0 + MI <= m; i0 += MI) {
        std::size_t j0 = 0;
        for (; j0 + NJ <= n; j0 += NJ)
            dot_tile<MI, NJ>(k, a + i0 * lda, lda, b + j0 * ldb, ldb, c + i0 * ldc + j0, ldc, alpha, beta);
        for (; j0 < n; ++j0)
            dot_tile<MI, 1>(k, a + i0 * lda, lda, b + j0 * ldb, ldb, c + i0 * ldc + j0, ldc, alpha, beta);
    }
    for (; i0 < m; ++i0) {
        std::size_t j0 = 0;
        for (; j0 + NJ <= n; j0 += NJ)
            dot_tile<1, NJ>(k, a + i0 * lda, lda, b + j0 * ldb, ldb, c + i0 * ldc + j0, ldc, alpha, beta);
        for (; j0 < n; ++j0)
            dot_tile<1, 1>(k, a + i0 * lda, lda, b + j0 * ldb, ldb, c + i0 * ldc + j0, ldc, alpha, beta);
    }
}

// dst (k x n) = src^T for src n x k with row stride lds.
inline void transpose(const float* src, std::size_t lds, std::size_t n, std::size_t k, float* dst) {
    constexpr std::size_t block = 8;
    for (std::size_t j0 = 0; j0 < n; j0 += block)
        for (std::size_t p0 = 0; p0 < k; p0 += block)
            for (std::size_t j = j0; j < std::min(n, j0 + block); ++j)
                for (std::size_t p = p0; p < std::min(k, p0 + block); ++p) dst[p * n + j] = src[j * lds + p];
}

}  // namespace detail::gemm

// Single-threaded C = alpha op(A) op(B) + beta C (row-major), for any m, n, k.
inline void sgemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
                  float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
                  float* c, std::size_t ldc) {
    namespace g = detail::gemm;
    if (m == 0 || n == 0) return;
    if (k == 0 || alpha == 0.0f) {
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
        return;
    }
    if (!transpose_b) return g::broadcast_gemm(transpose_a, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    // op(B) = B^T: dot products along k, or pack B^T and broadcast. Costs in vector operations:
    // the broadcast form wastes the lanes past n in each row's last vector, the dot form
    // reduces each of its m * n accumulators (~8 operations) and wastes lanes past k.
    const auto vectors = [](std::size_t x) { return static_cast<double>((x + g::W - 1) / g::W); };
    const double broadcast_cost = double(m) * double(k) * vectors(n) + double(n) * double(k) / 2;
    const double dot_cost = double(m) * double(n) * (vectors(k) + 8);
    if (!transpose_a && dot_cost < broadcast_cost)
        return g::dot_gemm(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    float* packed = scratch<float>(ScratchSlot::gemm_pack, k * n);
    g::transpose(b, ldb, n, k, packed);
    g::broadcast_gemm(transpose_a, m, n, k, alpha, a, lda, packed, n, beta, c, ldc);
}

// The float kernels of gemm_serial: ctnn's (the default) or OpenBLAS for every float product.
enum class GemmKernels { ctnn, openblas };

namespace detail::gemm {
inline GemmKernels kernels_from_environment() {
    const char* value = std::getenv("CTNN_GEMM");
    return value && std::strcmp(value, "openblas") == 0 ? GemmKernels::openblas : GemmKernels::ctnn;
}
inline std::atomic<GemmKernels> kernels{kernels_from_environment()};

// Whether OpenBLAS names its core `name` (given in lower case), ignoring case.
inline bool openblas_core_is(const char* name) {
    const char* core = openblas_get_corename();
    if (!core) return false;
    std::size_t i = 0;
    for (; core[i] && name[i]; ++i)
        if ((core[i] | 0x20) != name[i]) return false;
    return core[i] == name[i];
}

// Whether OpenBLAS runs its AVX-512 kernels (the cores it names SkylakeX, Cooperlake,
// SapphireRapids), which include small-matrix kernels: then it beats sgemm on the products of
// op(B) = B^T too thin for the packed tile; with its AVX2 ones (Haswell, Zen) sgemm wins there.
inline bool openblas_avx512() {
    return openblas_core_is("skylakex") || openblas_core_is("cooperlake") ||
           openblas_core_is("sapphirerapids");
}
inline const bool openblas_small_kernels = openblas_avx512();
}  // namespace detail::gemm

inline void set_gemm_kernels(GemmKernels kernels) {
    detail::gemm::kernels.store(kernels, std::memory_order_relaxed);
}
inline GemmKernels gemm_kernels() {
    return detail::gemm::kernels.load(std::memory_order_relaxed);
}

// One thread. Float: op(B) = B up to 2^27 multiply-adds goes to the broadcast kernel (it reads
// B in place; on the bundled networks' products it measured as fast as the packed kernel or
// faster), op(B) = B^T with fewer than MR rows or NR / 2 columns (a Dense<1> or Dense<10>
// forward, batch-1 inference, a small convolution's weight gradient) to OpenBLAS as before
// when it runs its AVX-512 kernels, else to sgemm, everything else to the packed kernel.
// Double: OpenBLAS.
template <class T>
void gemm_serial(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, T alpha,
                 const T* a, std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    if (m == 0 || n == 0) return;
    const auto ta = transpose_a ? CblasTrans : CblasNoTrans;
    const auto tb = transpose_b ? CblasTrans : CblasNoTrans;
    const auto blas_int = [](std::size_t x) { return static_cast<blasint>(x); };
    if constexpr (std::is_same_v<T, float>) {
        if (gemm_kernels() == GemmKernels::ctnn) {
            namespace p = detail::packed;
            if (!transpose_b && double(m) * double(n) * double(k) <= double(1 << 27))
                return detail::gemm::broadcast_gemm(transpose_a, m, n, k, alpha, a, lda, b, ldb, beta, c,
                                                    ldc);
            if (!transpose_b || (m >= p::MR && n >= p::NR / 2))
                return packed_sgemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            if (!detail::gemm::openblas_small_kernels)
                return sgemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        cblas_sgemm(CblasRowMajor, ta, tb, blas_int(m), blas_int(n), blas_int(k), alpha, a, blas_int(lda), b,
                    blas_int(ldb), beta, c, blas_int(ldc));
    } else {
        cblas_dgemm(CblasRowMajor, ta, tb, blas_int(m), blas_int(n), blas_int(k), alpha, a, blas_int(lda), b,
                    blas_int(ldb), beta, c, blas_int(ldc));
    }
}

// gemm_serial split over the pool: by columns of C when there are enough, else by rows, one
// part per ~128k multiply-adds (a part is a few microseconds; less does not pay for a dispatch).
template <class T>
void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, T alpha,
          const T* a, std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    const std::size_t parts = parallel_parts(double(m) * double(n) * double(k), 131072.0);
    if (parts <= 1)
        return gemm_serial(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    constexpr std::size_t align = 16;  // split columns at whole vectors
    if (n >= parts * 2 * align) {
        const std::size_t blocks = (n + align - 1) / align;
        ThreadPool::instance().run(parts, [&](std::size_t part) {
            const std::size_t j0 = std::min(n, blocks * part / parts * align);
            const std::size_t j1 = std::min(n, blocks * (part + 1) / parts * align);
            if (j0 < j1)
                gemm_serial(transpose_a, transpose_b, m, j1 - j0, k, alpha, a, lda,
                            transpose_b ? b + j0 * ldb : b + j0, ldb, beta, c + j0, ldc);
        });
    } else {
        parallel_ranges(m, parts, [&](std::size_t i0, std::size_t i1, std::size_t) {
            gemm_serial(transpose_a, transpose_b, i1 - i0, n, k, alpha, transpose_a ? a + i0 : a + i0 * lda,
                        lda, b, ldb, beta, c + i0 * ldc, ldc);
        });
    }
}

}  // namespace ctnn::cpu
