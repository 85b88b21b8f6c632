// The loss kernels of cuda::TrainOps, then their launchers (llm.c's layout). A loss kernel runs
// a loss body of backend/train_bodies.hpp (body.term(i): writes the gradient, returns the scaled
// loss) over a grid-stride loop, each block sums its threads' terms in shared memory in a fixed
// tree order (block_sum of kernels.cuh) into partials[block], and final_sum_kernel adds the
// partials into the device scalar: deterministic, and nothing is copied to the host.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>

#include "ctnn/backend/cuda/error.hpp"
#include "ctnn/backend/cuda/kernels.cuh"

namespace ctnn::cuda::detail {

// ---------------------------------------------------------------------------- kernels

// Block b writes the sum of its threads' strided body terms to partials[b].
template <class T, class Body>
__global__ void loss_partials_kernel(std::size_t n, Body body, T* partials) {
    T total = 0;
    for (std::size_t i = thread_index(); i < n; i += thread_count()) total += body.term(i);
    total = block_sum(total);
    if (threadIdx.x == 0) partials[blockIdx.x] = total;
}

// ---------------------------------------------------------------------------- launchers

// Runs body over [0, n) and leaves the sum of its terms in *sum (device memory), through
// `partials` (sum_blocks values). An empty range sums to 0.
template <class T, class Body>
void launch_loss_sum(cudaStream_t stream, std::size_t n, Body body, T* partials, T* sum) {
    if (n == 0) {
        CTNN_CUDA_CHECK(cudaMemsetAsync(sum, 0, sizeof(T), stream));
        return;
    }
    const unsigned blocks = std::min(blocks_for(n), sum_blocks);
    loss_partials_kernel<T><<<blocks, block_size, 0, stream>>>(n, body, partials);
    check_launch("loss_partials_kernel", stream);
    final_sum_kernel<<<1, block_size, 0, stream>>>(partials, blocks, sum);
    check_launch("final_sum_kernel", stream);
}

}  // namespace ctnn::cuda::detail
