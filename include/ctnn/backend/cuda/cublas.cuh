// cuda::CuBlas: the GPU backend policy, the same op set as cpu::Blas (core/concepts.hpp) on
// float. Buffers are DeviceBuffer<T> (GPU memory, zero-filled by allocate); GEMM goes to cuBLAS
// (row-major, as cpu::Blas: the column-major call computes C^T = op(B)^T op(A)^T); convolutions
// are im2col + GEMM (Im2colConv, with the caller's ConvWorkspace); the layer and training ops
// come from cuda::LayerOps and cuda::TrainOps (block reductions where the CPU runs a body per
// channel or row); the rest are the kernels of backend/cuda/kernels.cuh, all on one stream
// (backend/cuda/device.cuh). Host memory is touched only by to_host / from_host (data in;
// metrics and checkpoints out) and sum, which wait for the stream, so what they return is ready.
// for_each runs a CTNN_HD functor body (backend/*_bodies.hpp) on the device; needs nvcc.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "ctnn/backend/cuda/buffer.hpp"
#include "ctnn/backend/cuda/device.cuh"
#include "ctnn/backend/cuda/error.hpp"
#include "ctnn/backend/cuda/kernels.cuh"
#include "ctnn/backend/cuda/layer_ops.cuh"
#include "ctnn/backend/cuda/train_ops.cuh"
#include "ctnn/backend/im2col_conv.hpp"
#include "ctnn/core/conv_geometry.hpp"

namespace ctnn::cuda {

struct CuBlas : LayerOps<CuBlas>, TrainOps<CuBlas> {
    using value_type = float;
    using T = value_type;
    template <class U>
    using buffer = DeviceBuffer<U>;

    static constexpr const char* name = "cuda";

    // A zero-filled buffer of n elements in GPU memory.
    template <class U>
    static buffer<U> allocate(std::size_t n) {
        const cudaStream_t s = stream();  // first: no device -> a clear cuda::Error
        buffer<U> result(n);
        if (n) CTNN_CUDA_CHECK(cudaMemsetAsync(result.data(), 0, n * sizeof(U), s));
        return result;
    }

    // C[m x n] = alpha * op(A)[m x k] * op(B)[k x n] + beta * C, all row-major.
    static void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, T alpha,
                     const T* a, std::size_t lda, const T* b, std::size_t ldb, T beta, T* c,
                     std::size_t ldc) {
        if (m == 0 || n == 0) return;
        // Row-major X is column-major X^T: C^T (n x m) = op(B)^T (n x k) op(A)^T (k x m).
        const auto op = [](bool t) { return t ? CUBLAS_OP_T : CUBLAS_OP_N; };
        const auto ld = [](std::size_t x) { return static_cast<int>(std::max<std::size_t>(x, 1)); };
        CTNN_CUBLAS_CHECK(cublasSgemm(Context::get().cublas(), op(transpose_b), op(transpose_a),
                                      static_cast<int>(n), static_cast<int>(m), static_cast<int>(k), &alpha,
                                      b, ld(ldb), a, ld(lda), &beta, c, ld(ldc)));
    }

    // Runs kernel(i) on the GPU for every i in [0, n): kernel must be a __host__ __device__
    // function object (a `[captures] CTNN_HD (std::size_t i) { ... }` lambda) that captures
    // device pointers and values by copy.
    template <class Kernel>
    static void for_each(std::size_t n, Kernel kernel) {
        detail::launch_for_each(stream(), n, kernel);
    }

    static void fill(T* x, std::size_t n, T value) {
        if (value == T(0) && !std::signbit(value))
            CTNN_CUDA_CHECK(cudaMemsetAsync(x, 0, n * sizeof(T), stream()));
        else
            detail::launch_fill(stream(), x, n, value);
    }

    // Device to device (overlapping ranges allowed, as cpu::Blas's memmove).
    template <class U>
    static void copy(const U* src, U* dst, std::size_t n) {
        if (n == 0 || src == dst) return;
        if (dst < src + n && src < dst + n) {  // overlapping: cudaMemcpy's result is undefined, stage it
            buffer<U> staging(n);
            CTNN_CUDA_CHECK(
                cudaMemcpyAsync(staging.data(), src, n * sizeof(U), cudaMemcpyDeviceToDevice, stream()));
            CTNN_CUDA_CHECK(
                cudaMemcpyAsync(dst, staging.data(), n * sizeof(U), cudaMemcpyDeviceToDevice, stream()));
            return;
        }
        CTNN_CUDA_CHECK(cudaMemcpyAsync(dst, src, n * sizeof(U), cudaMemcpyDeviceToDevice, stream()));
    }
    // GPU -> host memory; returns when the values are in host_dst.
    template <class U>
    static void to_host(const U* src, U* host_dst, std::size_t n) {
        if (n == 0) return;
        CTNN_CUDA_CHECK(cudaMemcpyAsync(host_dst, src, n * sizeof(U), cudaMemcpyDeviceToHost, stream()));
        CTNN_CUDA_CHECK(cudaStreamSynchronize(stream()));
    }
    // Host memory -> GPU; host_src may be reused as soon as this returns.
    template <class U>
    static void from_host(const U* host_src, U* dst, std::size_t n) {
        if (n == 0) return;
        CTNN_CUDA_CHECK(cudaMemcpyAsync(dst, host_src, n * sizeof(U), cudaMemcpyHostToDevice, stream()));
        CTNN_CUDA_CHECK(cudaStreamSynchronize(stream()));
    }

    // The sum of x[0, n), brought to the host (waits for the stream), through the caller's
    // scratch (detail::sum_blocks + 1 values of device memory: the partial sums, then the result).
    static T sum(const T* x, std::size_t n, T* scratch) {
        if (n == 0) return T(0);
        detail::launch_sum(stream(), x, n, scratch, scratch + detail::sum_blocks);
        T total = 0;
        to_host(scratch + detail::sum_blocks, &total, 1);
        return total;
    }
    // The same with scratch of its own for this call (one allocation; a training step never
    // calls it: losses and finite checks reduce into DeviceSums they own).
    static T sum(const T* x, std::size_t n) {
        if (n == 0) return T(0);
        buffer<T> scratch(detail::sum_blocks + 1);
        return sum(x, n, scratch.data());
    }

    // y[r, c] += v[c] for a row-major rows x cols matrix y.
    static void add_row_vector(T* y, const T* v, std::size_t rows, std::size_t cols) {
        detail::launch_add_row_vector(stream(), y, v, rows, cols);
    }

    // y[c] += sum over r of x[r, c] (a bias gradient: reduce over the batch).
    static void sum_rows(const T* x, T* y, std::size_t rows, std::size_t cols) {
        detail::launch_sum_rows(stream(), x, y, rows, cols);
    }

    // Per-channel bias of an (N, C, P) tensor: y[n, c, p] += bias[c].
    static void add_channel_bias(T* y, const T* bias, std::size_t batch, std::size_t channels,
                                 std::size_t plane) {
        detail::launch_add_channel_bias(stream(), y, bias, batch, channels, plane);
    }

    // Its gradient: y[c] += sum over n and p of x[n, c, p].
    static void sum_channels(const T* x, T* y, std::size_t batch, std::size_t channels, std::size_t plane) {
        detail::launch_sum_channels(stream(), x, y, batch, channels, plane);
    }

    // x is a rows x cols matrix of contiguous blocks of `block` elements; y = its transpose.
    static void transpose_blocks(const T* x, T* y, std::size_t rows, std::size_t cols, std::size_t block) {
        detail::launch_transpose_blocks(stream(), x, y, rows, cols, block);
    }

    // Convolution of x (N, C, H, W) under geometry g with weight (cout, C, K, K): y = conv(x, weight)
    // + bias (bias may be null); backward_data overwrites dx with the adjoint in x applied to dy;
    // backward_weight adds the weight gradient to dweight and dy summed per channel to dbias (if
    // given). Chunked im2col + cuBLAS GEMM, through the backend-generic Im2colConv, whose chunk
    // buffers the caller's ConvWorkspace owns (each convolution layer of a model holds one).
    using ConvWorkspace = Im2colConv<CuBlas>::Workspace;
    static void conv2d(const T* x, const T* weight, const T* bias, T* y, std::size_t batch, std::size_t cout,
                       const ConvGeometry& g, ConvWorkspace& workspace) {
        Im2colConv<CuBlas>::conv2d(x, weight, bias, y, batch, cout, g, workspace);
    }
    static void conv2d_backward_data(const T* dy, const T* weight, T* dx, std::size_t batch, std::size_t cout,
                                     const ConvGeometry& g, ConvWorkspace& workspace) {
        Im2colConv<CuBlas>::conv2d_backward_data(dy, weight, dx, batch, cout, g, workspace);
    }
    static void conv2d_backward_weight(const T* x, const T* dy, T* dweight, T* dbias, std::size_t batch,
                                       std::size_t cout, const ConvGeometry& g, ConvWorkspace& workspace) {
        Im2colConv<CuBlas>::conv2d_backward_weight(x, dy, dweight, dbias, batch, cout, g, workspace);
    }

    // Image (N, C, H, W) -> columns (C*K*K, N*Ho*Wo), and its adjoint (overwrites the image).
    static void im2col(const T* im, T* col, std::size_t batch, const ConvGeometry& geometry) {
        detail::launch_im2col(stream(), im, col, batch, geometry);
    }
    static void col2im(const T* col, T* im, std::size_t batch, const ConvGeometry& geometry) {
        detail::launch_col2im(stream(), col, im, batch, geometry);
    }

    // Waits for every op queued so far (timing; the ops themselves never need it).
    static void synchronize() { CTNN_CUDA_CHECK(cudaStreamSynchronize(stream())); }
};

}  // namespace ctnn::cuda
