// cpu::Blas: the CPU backend policy. Buffers are xt::xtensor<T, 1>; GEMM goes to ctnn's own
// register-tiled kernel or OpenBLAS, whichever is faster for the product (cpu/gemm.hpp);
// convolutions are chunked im2col + GEMM (cpu/conv.hpp); element-wise kernels are plain loops
// over a per-element body the compiler inlines and vectorizes. Large ops are split over ctnn's
// thread pool (cpu/thread_pool.hpp; OpenBLAS itself runs on one thread). cpu::Blas64 (double)
// serves the finite-difference gradient checks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>

#include "ctnn/backend/cpu/conv.hpp"
#include "ctnn/backend/cpu/extern_kernels.hpp"  // gemm and conv2d extern under CTNN_CPU_EXTERN_KERNELS
#include "ctnn/backend/cpu/gemm.hpp"
#include "ctnn/backend/cpu/im2col.hpp"
#include "ctnn/backend/cpu/simd.hpp"
#include "ctnn/backend/cpu/thread_pool.hpp"
#include "ctnn/backend/layer_ops.hpp"
#include "ctnn/backend/train_ops.hpp"
#include "ctnn/detail/xtensor.hpp"

namespace ctnn::cpu {

namespace detail {
// The loop of for_each, in a function of its own with the body flattened into it: inlined into
// a large caller (a whole network's forward), GCC may leave the body's math as calls and the
// loop scalar.
template <class Kernel>
[[gnu::noinline, gnu::flatten]] void for_range(std::size_t begin, std::size_t end, const Kernel& kernel) {
    for (std::size_t i = begin; i < end; ++i) kernel(i);
}
}  // namespace detail

template <class T>
struct BasicBlas : LayerOps<BasicBlas<T>, T>, TrainOps<BasicBlas<T>, T> {
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
    static void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, T alpha,
                     const T* a, std::size_t lda, const T* b, std::size_t ldb, T beta, T* c,
                     std::size_t ldc) {
        cpu::gemm<T>(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    // Runs kernel(i) for every i in [0, n): the per-element body of an element-wise op. Bodies
    // must be independent (no two write one element); from 16k elements of work the range is
    // split over the thread pool.
    // `work` (optional) is the body's cost in element operations (a row kernel: its length).
    template <class Kernel>
    static void for_each(std::size_t n, Kernel kernel, std::size_t work = 1) {
        const std::size_t parts = parallel_parts(static_cast<double>(n) * static_cast<double>(work), 16384.0);
        if (parts <= 1) return detail::for_range(std::size_t{0}, n, kernel);
        parallel_ranges(n, parts, [&kernel](std::size_t begin, std::size_t end, std::size_t) {
            detail::for_range(begin, end, kernel);
        });
    }

    static void fill(T* x, std::size_t n, T value) { std::fill(x, x + n, value); }

    template <class U>
    static void copy(const U* src, U* dst, std::size_t n) {
        if (n) std::memmove(dst, src, n * sizeof(U));
    }
    // Between backend memory and host memory (the same thing on the CPU).
    template <class U>
    static void to_host(const U* src, U* host_dst, std::size_t n) {
        copy(src, host_dst, n);
    }
    template <class U>
    static void from_host(const U* host_src, U* dst, std::size_t n) {
        copy(host_src, dst, n);
    }

    // Summed in independent lanes (vectors for float), so a long sum is not one add chain.
    static T sum(const T* x, std::size_t n) { return detail::sum(x, n); }

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

    // Convolution of x (N, C, H, W) under geometry g with weight (cout, C, K, K): y (N, cout, Ho, Wo)
    // = conv(x, weight) + bias (bias may be null); backward_data overwrites dx with the adjoint
    // in x applied to dy; backward_weight adds the gradient in weight to dweight and dy summed
    // per channel to dbias (if given). ConvTranspose runs them with x and y swapped.
    // The CPU kernels keep their scratch per thread and pool part (cpu/scratch.hpp), so a caller's
    // ConvWorkspace holds nothing here; on a GPU it holds the chunk buffers.
    struct ConvWorkspace {};
    static void conv2d(const T* x, const T* weight, const T* bias, T* y, std::size_t batch, std::size_t cout,
                       const ConvGeometry& g, ConvWorkspace&) {
        cpu::conv2d(x, weight, bias, y, batch, cout, g);
    }
    static void conv2d_backward_data(const T* dy, const T* weight, T* dx, std::size_t batch, std::size_t cout,
                                     const ConvGeometry& g, ConvWorkspace&) {
        cpu::conv2d_backward_data(dy, weight, dx, batch, cout, g);
    }
    static void conv2d_backward_weight(const T* x, const T* dy, T* dweight, T* dbias, std::size_t batch,
                                       std::size_t cout, const ConvGeometry& g, ConvWorkspace&) {
        cpu::conv2d_backward_weight(x, dy, dweight, dbias, batch, cout, g);
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
