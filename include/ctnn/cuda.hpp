// ctnn's CUDA backend, cuda::CuBlas: include this (after or instead of ctnn/ctnn.hpp) in a source
// compiled by nvcc with --extended-lambda and --expt-relaxed-constexpr (CMake: link ctnn::cuda,
// built with -DCTNN_CUDA=ON, and compile the file as CUDA). Then
//   Classifier<models::LeNet5, SoftmaxCrossEntropy, Adam, cuda::CuBlas> clf;
// trains on the GPU; cuda::device_status() says whether one is usable, cuda::gpu_status() says it
// in the form select_device (backend/device.hpp) takes, for a program's C++ translation units.
#pragma once

#if !defined(__CUDACC__)
#error "ctnn/cuda.hpp needs nvcc: compile this source as CUDA and link ctnn::cuda (see cmake/ctnnCuda.cmake)"
#endif

#include "ctnn/backend/cuda/cublas.cuh"
#include "ctnn/backend/device.hpp"
#include "ctnn/core/concepts.hpp"

static_assert(ctnn::Backend<ctnn::cuda::CuBlas>, "cuda::CuBlas must provide the whole Backend op set");

namespace ctnn::cuda {

inline GpuStatus gpu_status() {
    const DeviceStatus& status = device_status();
    return {status.usable, status.describe()};
}

}  // namespace ctnn::cuda
