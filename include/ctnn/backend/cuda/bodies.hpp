// The per-element bodies of cuda::CuBlas's kernels, as plain C++ (no CUDA headers): nvcc
// compiles them into the kernels of backend/cuda/kernels.cuh, and g++ runs them in the CPU tests
// (tests/backend/cuda/bodies.cpp) over the inputs of the cpu::Blas ops they mirror, so their
// index arithmetic is checked where no GPU exists. im2col and col2im use the bodies of
// core/conv_geometry.hpp (detail::im2col_source, detail::col2im_gather).
// Layouts as in cpu::Blas: row-major (rows, cols) matrices, (N, C, P) tensors (P = plane).
#pragma once

#include <cstddef>

#include "ctnn/core/hd.hpp"

namespace ctnn::cuda::detail {

// add_row_vector: element i of the (rows, cols) matrix y gets v[column_of(i)].
constexpr std::size_t row_vector_index(std::size_t i, std::size_t cols) {
    return i % cols;
}

// add_channel_bias: element i of the (N, C, P) tensor y gets bias[channel_of(i)].
constexpr std::size_t channel_of(std::size_t i, std::size_t channels, std::size_t plane) {
    return i / plane % channels;
}

// sum_rows: the sum over r of x[r, c] (one body per column c; consecutive bodies read
// consecutive addresses).
template <class T>
CTNN_HD T column_sum(const T* x, std::size_t rows, std::size_t cols, std::size_t c) {
    T total = 0;
    for (std::size_t r = 0; r < rows; ++r) total += x[r * cols + c];
    return total;
}

// sum_channels: the j-th of the batch * plane values of channel c, j = (n, p), in the (N, C, P)
// tensor (a block of threads strides over j and reduces).
constexpr std::size_t channel_value_index(std::size_t j, std::size_t c, std::size_t channels,
                                          std::size_t plane) {
    return (j / plane * channels + c) * plane + j % plane;
}

// transpose_blocks: element i of y, the (cols, rows) matrix of blocks, comes from this element of
// x, the (rows, cols) matrix of blocks: y[c, r, k] = x[r, c, k].
constexpr std::size_t transpose_blocks_source(std::size_t i, std::size_t rows, std::size_t cols,
                                              std::size_t block) {
    const std::size_t k = i % block, r = i / block % rows, c = i / (block * rows);
    return (r * cols + c) * block + k;
}

// sum: thread t of `threads` adds elements t, t + threads, ... (then the threads' totals are
// reduced in a fixed tree order, so a sum is the same on every run).
template <class T>
CTNN_HD T strided_sum(const T* x, std::size_t n, std::size_t t, std::size_t threads) {
    T total = 0;
    for (std::size_t i = t; i < n; i += threads) total += x[i];
    return total;
}

}  // namespace ctnn::cuda::detail
