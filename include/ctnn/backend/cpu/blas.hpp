// cpu::Blas: the CPU backend policy. Buffers are xt::xtensor<T, 1>; GEMM goes to OpenBLAS
// (cblas_sgemm / cblas_dgemm, row-major); element-wise kernels are plain loops over a
// per-element body the compiler inlines and vectorizes. cpu::Blas64 (double) serves the
// finite-difference gradient checks.
#pragma once

#include <cblas.h>

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "ctnn/backend/cpu/im2col.hpp"
#include "ctnn/detail/xtensor.hpp"

namespace ctnn::cpu {

template <class T>
struct BasicBlas {
    using value_type = T;
    template <class U>
    using buffer = xt::xtensor<U, 1>;

    static constexpr const char* name = "cpu";

    // A zero-filled buffer of n elements.
    template <class U>
    static buffer<U> allocate(std::size_t n) {
        buffer<U> result = xt::zeros<U>({n});
        return result;
    }

    // C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C, all row-major.
    static void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
                     T alpha, const T* a, std::size_t lda, const T* b, std::size_t ldb, T beta, T* c,
                     std::size_t ldc) {
        const auto ta = transpose_a ? CblasTrans : CblasNoTrans;
        const auto tb = transpose_b ? CblasTrans : CblasNoTrans;
        const auto im = static_cast<blasint>(m), in = static_cast<blasint>(n), ik = static_cast<blasint>(k);
        if constexpr (std::is_same_v<T, float>)
            cblas_sgemm(CblasRowMajor, ta, tb, im, in, ik, alpha, a, static_cast<blasint>(lda), b,
                        static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
        else
            cblas_dgemm(CblasRowMajor, ta, tb, im, in, ik, alpha, a, static_cast<blasint>(lda), b,
                        static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
    }

    // Runs kernel(i) for every i in [0, n): the per-element body of an element-wise op.
    template <class Kernel>
    static void for_each(std::size_t n, Kernel kernel) {
        for (std::size_t i = 0; i < n; ++i) kernel(i);
    }

    static void fill(T* x, std::size_t n, T value) { std::fill(x, x + n, value); }

    template <class U>
    static void copy(const U* src, U* dst, std::size_t n) {
        if (n) std::memmove(dst, src, n * sizeof(U));
    }
    // Between backend memory and host memory (the same thing on the CPU).
    template <class U>
    static void to_host(const U* src, U* host_dst, std::size_t n) { copy(src, host_dst, n); }
    template <class U>
    static void from_host(const U* host_src, U* dst, std::size_t n) { copy(host_src, dst, n); }

    static T sum(const T* x, std::size_t n) {
        T total = 0;
        for (std::size_t i = 0; i < n; ++i) total += x[i];
        return total;
    }

    // y[r, c] += v[c] for a row-major rows x cols matrix y.
    static void add_row_vector(T* y, const T* v, std::size_t rows, std::size_t cols) {
        for (std::size_t r = 0; r < rows; ++r) {
            T* row = y + r * cols;
            for (std::size_t c = 0; c < cols; ++c) row[c] += v[c];
        }
    }

    // y[c] += sum over r of x[r, c] (a bias gradient: reduce over the batch).
    static void sum_rows(const T* x, T* y, std::size_t rows, std::size_t cols) {
        for (std::size_t r = 0; r < rows; ++r) {
            const T* row = x + r * cols;
            for (std::size_t c = 0; c < cols; ++c) y[c] += row[c];
        }
    }

    // Per-channel bias of an (N, C, P) tensor: y[n, c, p] += bias[c].
    static void add_channel_bias(T* y, const T* bias, std::size_t batch, std::size_t channels,
                                 std::size_t plane) {
        for (std::size_t n = 0; n < batch; ++n)
            for (std::size_t c = 0; c < channels; ++c) {
                T* row = y + (n * channels + c) * plane;
                const T b = bias[c];
                for (std::size_t p = 0; p < plane; ++p) row[p] += b;
            }
    }

    // Its gradient: y[c] += sum over n and p of x[n, c, p].
    static void sum_channels(const T* x, T* y, std::size_t batch, std::size_t channels, std::size_t plane) {
        for (std::size_t c = 0; c < channels; ++c) {
            T total = 0;
            for (std::size_t n = 0; n < batch; ++n) {
                const T* row = x + (n * channels + c) * plane;
                for (std::size_t p = 0; p < plane; ++p) total += row[p];
            }
            y[c] += total;
        }
    }

    // x is a rows x cols matrix of contiguous blocks of `block` elements; y = its transpose
    // (cols x rows blocks). (N, C, P) <-> (C, N, P) around a convolution's batch GEMM.
    static void transpose_blocks(const T* x, T* y, std::size_t rows, std::size_t cols, std::size_t block) {
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t c = 0; c < cols; ++c) {
                const T* from = x + (r * cols + c) * block;
                T* to = y + (c * rows + r) * block;
                for (std::size_t i = 0; i < block; ++i) to[i] = from[i];
            }
    }

    // Image (N, C, H, W) -> columns (C*K*K, N*Ho*Wo), and its adjoint (overwrites the image).
    static void im2col(const T* im, T* col, std::size_t batch, const ConvGeometry& geometry) {
        cpu::im2col(im, col, batch, geometry);
    }
    static void col2im(const T* col, T* im, std::size_t batch, const ConvGeometry& geometry) {
        cpu::col2im(col, im, batch, geometry);
    }
};

using Blas = BasicBlas<float>;
using Blas64 = BasicBlas<double>;

}  // namespace ctnn::cpu
