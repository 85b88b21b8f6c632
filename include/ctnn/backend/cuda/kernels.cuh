// The kernels of cuda::CuBlas, then their launchers (llm.c's layout). Every kernel runs a
// per-element body from backend/cuda/bodies.hpp or core/conv_geometry.hpp (also run by the CPU
// tests) over a grid-stride loop; sum and sum_channels reduce in shared memory in a fixed order
// (deterministic). A launcher takes the stream, returns at once for empty work, and checks
// the launch (check_launch).
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>

#include "ctnn/backend/cuda/bodies.hpp"
#include "ctnn/backend/cuda/error.hpp"
#include "ctnn/core/conv_geometry.hpp"

namespace ctnn::cuda::detail {

inline constexpr unsigned block_size = 256;   // threads per block (a power of two: the reductions halve it)
inline constexpr unsigned max_blocks = 4096;  // grid-stride loops cover the rest
inline constexpr unsigned sum_blocks = 256;   // partial sums of sum(): one per block

// ---------------------------------------------------------------------------- kernels

// Thread i of the grid and the grid's thread count, for grid-stride loops.
__device__ inline std::size_t thread_index() {
    return static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ inline std::size_t thread_count() {
    return static_cast<std::size_t>(gridDim.x) * blockDim.x;
}

template <class Body>
__global__ void for_each_kernel(std::size_t n, Body body) {
    for (std::size_t i = thread_index(); i < n; i += thread_count()) body(i);
}

template <class T>
__global__ void fill_kernel(T* x, std::size_t n, T value) {
    for (std::size_t i = thread_index(); i < n; i += thread_count()) x[i] = value;
}

template <class T>
__global__ void add_row_vector_kernel(T* y, const T* v, std::size_t n, std::size_t cols) {
    for (std::size_t i = thread_index(); i < n; i += thread_count()) y[i] += v[row_vector_index(i, cols)];
}

template <class T>
__global__ void sum_rows_kernel(const T* x, T* y, std::size_t rows, std::size_t cols) {
    for (std::size_t c = thread_index(); c < cols; c += thread_count()) y[c] += column_sum(x, rows, cols, c);
}

template <class T>
__global__ void add_channel_bias_kernel(T* y, const T* bias, std::size_t n, std::size_t channels,
                                        std::size_t plane) {
    for (std::size_t i = thread_index(); i < n; i += thread_count())
        y[i] += bias[channel_of(i, channels, plane)];
}

template <class T>
__global__ void transpose_blocks_kernel(const T* x, T* y, std::size_t rows, std::size_t cols,
                                        std::size_t block) {
    const std::size_t n = rows * cols * block;
    for (std::size_t i = thread_index(); i < n; i += thread_count())
        y[i] = x[transpose_blocks_source(i, rows, cols, block)];
}

template <class T>
__global__ void im2col_kernel(const T* im, T* col, std::size_t batch, ConvGeometry g) {
    const std::size_t n = g.col_rows() * g.col_cols(batch);
    for (std::size_t i = thread_index(); i < n; i += thread_count()) {
        const std::ptrdiff_t source = ctnn::detail::im2col_source(g, batch, i);
        col[i] = source < 0 ? T(0) : im[source];
    }
}

template <class T>
__global__ void col2im_kernel(const T* col, T* im, std::size_t batch, ConvGeometry g) {
    const std::size_t n = batch * g.image_size();
    for (std::size_t i = thread_index(); i < n; i += thread_count())
        im[i] = ctnn::detail::col2im_gather(g, batch, i, col);
}

// The block's threads each hold `value`; returns their total in thread 0 (tree order).
template <class T>
__device__ T block_sum(T value) {
    __shared__ T partial[block_size];
    partial[threadIdx.x] = value;
    __syncthreads();
    for (unsigned half = block_size / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
        __syncthreads();
    }
    return partial[0];
}

// sum, pass 1: block b writes the sum of its threads' strided sums to partials[b].
template <class T>
__global__ void partial_sums_kernel(const T* x, std::size_t n, T* partials) {
    const T total = block_sum(strided_sum(x, n, thread_index(), thread_count()));
    if (threadIdx.x == 0) partials[blockIdx.x] = total;
}

// sum, pass 2 (one block): *result = the sum of `count` partials.
template <class T>
__global__ void final_sum_kernel(const T* partials, std::size_t count, T* result) {
    const T total = block_sum(strided_sum(partials, count, threadIdx.x, blockDim.x));
    if (threadIdx.x == 0) *result = total;
}

// sum_channels: block c sums channel c's batch * plane values and adds the total to y[c].
template <class T>
__global__ void sum_channels_kernel(const T* x, T* y, std::size_t batch, std::size_t channels,
                                    std::size_t plane) {
    const std::size_t c = blockIdx.x, count = batch * plane;
    T total = 0;
    for (std::size_t j = threadIdx.x; j < count; j += blockDim.x)
        total += x[channel_value_index(j, c, channels, plane)];
    total = block_sum(total);
    if (threadIdx.x == 0) y[c] += total;
}

// ---------------------------------------------------------------------------- launchers

// Blocks for n independent elements (at least 1, at most max_blocks).
inline unsigned blocks_for(std::size_t n) {
    return static_cast<unsigned>(std::clamp<std::size_t>((n + block_size - 1) / block_size, 1, max_blocks));
}

template <class Body>
void launch_for_each(cudaStream_t stream, std::size_t n, Body body) {
    if (n == 0) return;
    for_each_kernel<<<blocks_for(n), block_size, 0, stream>>>(n, body);
    check_launch("for_each_kernel", stream);
}

template <class T>
void launch_fill(cudaStream_t stream, T* x, std::size_t n, T value) {
    if (n == 0) return;
    fill_kernel<<<blocks_for(n), block_size, 0, stream>>>(x, n, value);
    check_launch("fill_kernel", stream);
}

template <class T>
void launch_add_row_vector(cudaStream_t stream, T* y, const T* v, std::size_t rows, std::size_t cols) {
    if (rows * cols == 0) return;
    add_row_vector_kernel<<<blocks_for(rows * cols), block_size, 0, stream>>>(y, v, rows * cols, cols);
    check_launch("add_row_vector_kernel", stream);
}

template <class T>
void launch_sum_rows(cudaStream_t stream, const T* x, T* y, std::size_t rows, std::size_t cols) {
    if (cols == 0) return;
    sum_rows_kernel<<<blocks_for(cols), block_size, 0, stream>>>(x, y, rows, cols);
    check_launch("sum_rows_kernel", stream);
}

template <class T>
void launch_add_channel_bias(cudaStream_t stream, T* y, const T* bias, std::size_t batch,
                             std::size_t channels, std::size_t plane) {
    const std::size_t n = batch * channels * plane;
    if (n == 0) return;
    add_channel_bias_kernel<<<blocks_for(n), block_size, 0, stream>>>(y, bias, n, channels, plane);
    check_launch("add_channel_bias_kernel", stream);
}

template <class T>
void launch_sum_channels(cudaStream_t stream, const T* x, T* y, std::size_t batch, std::size_t channels,
                         std::size_t plane) {
    if (channels == 0) return;
    // One block per channel; the grid's x dimension holds up to 2^31 - 1 blocks.
    sum_channels_kernel<<<static_cast<unsigned>(channels), block_size, 0, stream>>>(x, y, batch, channels,
                                                                                    plane);
    check_launch("sum_channels_kernel", stream);
}

template <class T>
void launch_transpose_blocks(cudaStream_t stream, const T* x, T* y, std::size_t rows, std::size_t cols,
                             std::size_t block) {
    const std::size_t n = rows * cols * block;
    if (n == 0) return;
    transpose_blocks_kernel<<<blocks_for(n), block_size, 0, stream>>>(x, y, rows, cols, block);
    check_launch("transpose_blocks_kernel", stream);
}

template <class T>
void launch_im2col(cudaStream_t stream, const T* im, T* col, std::size_t batch, const ConvGeometry& g) {
    const std::size_t n = g.col_rows() * g.col_cols(batch);
    if (n == 0) return;
    im2col_kernel<<<blocks_for(n), block_size, 0, stream>>>(im, col, batch, g);
    check_launch("im2col_kernel", stream);
}

template <class T>
void launch_col2im(cudaStream_t stream, const T* col, T* im, std::size_t batch, const ConvGeometry& g) {
    const std::size_t n = batch * g.image_size();
    if (n == 0) return;
    col2im_kernel<<<blocks_for(n), block_size, 0, stream>>>(col, im, batch, g);
    check_launch("col2im_kernel", stream);
}

// *result (device memory) = the sum of x[0, n), through `partials` (sum_blocks elements).
template <class T>
void launch_sum(cudaStream_t stream, const T* x, std::size_t n, T* partials, T* result) {
    const unsigned blocks = std::min(blocks_for(n), sum_blocks);
    partial_sums_kernel<<<blocks, block_size, 0, stream>>>(x, n, partials);
    check_launch("partial_sums_kernel", stream);
    final_sum_kernel<<<1, block_size, 0, stream>>>(partials, blocks, result);
    check_launch("final_sum_kernel", stream);
}

}  // namespace ctnn::cuda::detail
