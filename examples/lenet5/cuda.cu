// lenet5 on the GPU (-DCTNN_CUDA=ON builds only): the cuda::CuBlas instantiations of run and the
// GPU probe main.cpp asks before choosing a device, compiled by nvcc.
#include <ctnn/cuda.hpp>
#include <ctnn/models/lenet5.hpp>

#include "run.hpp"

namespace lenet5 {

int train_cuda(const Config& config, const Optimizer& optimizer) {
    return config.arch == "classic" ? run<ctnn::models::LeNet5, ctnn::cuda::CuBlas>(config, optimizer)
                                    : run<ctnn::models::LeNet5Relu, ctnn::cuda::CuBlas>(config, optimizer);
}

ctnn::GpuStatus gpu_status() { return ctnn::cuda::gpu_status(); }

}  // namespace lenet5
