// `gan train` on the GPU (-DCTNN_CUDA=ON builds only): the cuda::CuBlas instantiations of train
// for every --arch and latent size, and the GPU probe main.cpp asks before choosing a device,
// compiled by nvcc.
#include <ctnn/cuda.hpp>

#include "train.hpp"

namespace gan {

int train_cuda(const TrainConfig& config) {
    return with_arch(config.arch, config.latent, [&]<class A>(A) { return train<A, cuda::CuBlas>(config); });
}

GpuStatus gpu_status() { return cuda::gpu_status(); }

}  // namespace gan
