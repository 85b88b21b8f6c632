// The layer ops' reduction kernels of cuda::CuBlas, then their launchers (llm.c's layout):
// softmax with a warp per row, BatchNorm statistics and backward sums with a block per channel
// (over its N * S values), MinibatchStddev with a block per group. Each thread's share comes
// from a CTNN_HD partial of backend/layer_bodies.hpp (also run by the CPU tests); the shares are
// combined in a fixed order (a shared-memory tree, or a warp butterfly), so results are the same
// on every run. A launcher takes the stream, returns at once for empty work, and checks the launch.
// N batch, C channels, S = H * W, F features; `block_size` threads per block (kernels.cuh).
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

#include "ctnn/backend/cuda/error.hpp"
#include "ctnn/backend/cuda/kernels.cuh"
#include "ctnn/backend/layer_bodies.hpp"
#include "ctnn/core/layer_ops.hpp"

namespace ctnn::cuda::detail {

inline constexpr unsigned warp_size = 32;

// A geometry (core/layer_ops.hpp) as a type: kernel templates take it so (nvcc's host stubs cannot
// name a class-type template argument of a __global__ function template).
template <auto G>
struct Geometry {
    static constexpr auto value = G;
};

// ---------------------------------------------------------------------------- kernels

// The total of the block's `value`s (every thread gets it), through `shared` (block_size
// elements). Ends with a barrier, so it may be called again at once.
template <class T>
__device__ T block_total(T value, T* shared) {
    shared[threadIdx.x] = value;
    __syncthreads();
    for (unsigned half = block_size / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) shared[threadIdx.x] += shared[threadIdx.x + half];
        __syncthreads();
    }
    const T total = shared[0];
    __syncthreads();
    return total;
}

// Butterfly over the 32 lanes of a warp: every lane ends with the same result (a + b == b + a).
template <class T>
__device__ T warp_max(T value) {
    for (unsigned offset = warp_size / 2; offset > 0; offset /= 2) {
        const T other = __shfl_xor_sync(0xFFFFFFFFu, value, offset);
        value = other > value ? other : value;
    }
    return value;
}
template <class T>
__device__ T warp_total(T value) {
    for (unsigned offset = warp_size / 2; offset > 0; offset /= 2)
        value += __shfl_xor_sync(0xFFFFFFFFu, value, offset);
    return value;
}

// Softmax: warp w of the grid takes rows w, w + warps, ... (a whole warp on one row, so the
// shuffles see every lane).
template <class T>
__global__ void softmax_rows_kernel(const T* in, T* out, std::size_t rows, std::size_t cols) {
    const std::size_t lane = threadIdx.x % warp_size, warps = thread_count() / warp_size;
    for (std::size_t r = thread_index() / warp_size; r < rows; r += warps) {
        const T* x = in + r * cols;
        T* y = out + r * cols;
        const T max = warp_max(bodies::lane_max(x, cols, lane, warp_size));
        const T total = warp_total(bodies::lane_exp_sum(x, y, cols, max, lane, warp_size));
        for (std::size_t k = lane; k < cols; k += warp_size) y[k] /= total;
    }
}

template <class T>
__global__ void softmax_rows_backward_kernel(const T* out, const T* dout, T* dinp, std::size_t rows,
                                             std::size_t cols) {
    const std::size_t lane = threadIdx.x % warp_size, warps = thread_count() / warp_size;
    for (std::size_t r = thread_index() / warp_size; r < rows; r += warps) {
        const T* y = out + r * cols;
        const T* dy = dout + r * cols;
        const T dot = warp_total(bodies::lane_dot(dy, y, cols, lane, warp_size));
        for (std::size_t k = lane; k < cols; k += warp_size) dinp[r * cols + k] = y[k] * (dy[k] - dot);
    }
}

// BatchNorm train statistics: block c reduces channel c (mean, then squared deviations, in double).
template <class T, class Geo>
__global__ void batch_norm_moments_kernel(const T* in, std::size_t batch, const T* gamma, T* running_mean,
                                          T* running_var, T* stats, double momentum, double eps) {
    constexpr BatchNormGeometry G = Geo::value;
    __shared__ double shared[block_size];
    const std::size_t c = blockIdx.x, count = batch * G.spatial;
    const double sum =
        block_total(bodies::batch_norm_thread_sum<T, G>(in, batch, c, threadIdx.x, blockDim.x), shared);
    const double mu = sum / static_cast<double>(count);
    const double squares = block_total(
        bodies::batch_norm_thread_squares<T, G>(in, batch, c, mu, threadIdx.x, blockDim.x), shared);
    if (threadIdx.x == 0)
        bodies::batch_norm_finish_moments<T, G>(c, mu, squares, count, gamma, running_mean, running_var,
                                                stats, momentum, eps);
}

// BatchNorm backward sums: block c reduces sum(dout) and sum(dout * xhat) of channel c.
template <class T, class Geo>
__global__ void batch_norm_backward_sums_kernel(const T* in, const T* dout, std::size_t batch, T* stats,
                                                T* dgamma, T* dbeta) {
    constexpr BatchNormGeometry G = Geo::value;
    __shared__ double shared[block_size];
    const std::size_t c = blockIdx.x;
    double sum = 0, sum_xhat = 0;
    bodies::batch_norm_thread_backward_sums<T, G>(in, dout, batch, c, stats, threadIdx.x, blockDim.x, sum,
                                                  sum_xhat);
    sum = block_total(sum, shared);
    sum_xhat = block_total(sum_xhat, shared);
    if (threadIdx.x == 0)
        bodies::batch_norm_finish_backward<T, G>(c, sum, sum_xhat, static_cast<double>(batch * G.spatial),
                                                 stats, dgamma, dbeta);
}

// MinibatchStddev forward, the spread: block g reduces group g's features and fills its
// appended values.
template <class T, class Geo>
__global__ void minibatch_stddev_group_kernel(const T* in, T* out, std::size_t batch, double eps) {
    constexpr MinibatchStddevGeometry G = Geo::value;
    __shared__ double shared[block_size];
    const std::size_t g = blockIdx.x, first = g * G.group, count = G.group_size(g, batch);
    const double spread = block_total(
        bodies::minibatch_stddev_thread_spread<T, G>(in, first, count, eps, threadIdx.x, blockDim.x), shared);
    const T m = static_cast<T>(spread / static_cast<double>(G.features));
    for (std::size_t j = threadIdx.x; j < count * G.appended; j += blockDim.x)
        out[bodies::appended_index<G>(first, j)] = m;
}

// MinibatchStddev backward: block g reduces dm over group g's appended values, then its threads
// write the input gradient feature by feature.
template <class T, class Geo>
__global__ void minibatch_stddev_backward_kernel(const T* in, const T* dout, T* dinp, std::size_t batch,
                                                 double eps) {
    constexpr MinibatchStddevGeometry G = Geo::value;
    __shared__ double shared[block_size];
    const std::size_t g = blockIdx.x, first = g * G.group, count = G.group_size(g, batch);
    const double dm = block_total(
        bodies::minibatch_stddev_thread_dm<T, G>(dout, first, count, threadIdx.x, blockDim.x), shared);
    const double scale = dm / (static_cast<double>(count) * static_cast<double>(G.features));
    for (std::size_t f = threadIdx.x; f < G.features; f += blockDim.x)
        bodies::minibatch_stddev_feature_backward<T, G>(in, dout, dinp, f, first, count, scale, eps);
}

// ---------------------------------------------------------------------------- launchers

template <class T>
void launch_softmax_rows(cudaStream_t stream, const T* in, T* out, std::size_t rows, std::size_t cols) {
    if (rows == 0 || cols == 0) return;
    softmax_rows_kernel<<<blocks_for(rows * warp_size), block_size, 0, stream>>>(in, out, rows, cols);
    check_launch("softmax_rows_kernel", stream);
}

template <class T>
void launch_softmax_rows_backward(cudaStream_t stream, const T* out, const T* dout, T* dinp, std::size_t rows,
                                  std::size_t cols) {
    if (rows == 0 || cols == 0) return;
    softmax_rows_backward_kernel<<<blocks_for(rows * warp_size), block_size, 0, stream>>>(out, dout, dinp,
                                                                                          rows, cols);
    check_launch("softmax_rows_backward_kernel", stream);
}

// One block per channel (the grid's x dimension holds up to 2^31 - 1 blocks).
template <class T, BatchNormGeometry G>
void launch_batch_norm_moments(cudaStream_t stream, const T* in, std::size_t batch, const T* gamma,
                               T* running_mean, T* running_var, T* stats, double momentum, double eps) {
    if (batch == 0 || G.channels == 0) return;
    batch_norm_moments_kernel<T, Geometry<G>><<<static_cast<unsigned>(G.channels), block_size, 0, stream>>>(
        in, batch, gamma, running_mean, running_var, stats, momentum, eps);
    check_launch("batch_norm_moments_kernel", stream);
}

template <class T, BatchNormGeometry G>
void launch_batch_norm_backward_sums(cudaStream_t stream, const T* in, const T* dout, std::size_t batch,
                                     T* stats, T* dgamma, T* dbeta) {
    if (batch == 0 || G.channels == 0) return;
    batch_norm_backward_sums_kernel<T, Geometry<G>>
        <<<static_cast<unsigned>(G.channels), block_size, 0, stream>>>(in, dout, batch, stats, dgamma, dbeta);
    check_launch("batch_norm_backward_sums_kernel", stream);
}

// One block per group.
template <class T, MinibatchStddevGeometry G>
void launch_minibatch_stddev_group(cudaStream_t stream, const T* in, T* out, std::size_t batch, double eps) {
    if (batch == 0) return;
    minibatch_stddev_group_kernel<T, Geometry<G>>
        <<<static_cast<unsigned>(G.groups(batch)), block_size, 0, stream>>>(in, out, batch, eps);
    check_launch("minibatch_stddev_group_kernel", stream);
}

template <class T, MinibatchStddevGeometry G>
void launch_minibatch_stddev_backward(cudaStream_t stream, const T* in, const T* dout, T* dinp,
                                      std::size_t batch, double eps) {
    if (batch == 0) return;
    minibatch_stddev_backward_kernel<T, Geometry<G>>
        <<<static_cast<unsigned>(G.groups(batch)), block_size, 0, stream>>>(in, dout, dinp, batch, eps);
    check_launch("minibatch_stddev_backward_kernel", stream);
}

}  // namespace ctnn::cuda::detail
