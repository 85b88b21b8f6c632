// lenet5 on the GPU (-DCTNN_CUDA=ON builds only): the cuda::CuBlas instantiations of run,
// compiled by nvcc (the GPU probe is examples/common/gpu.cu).
#include <ctnn/cuda.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/models/resnet.hpp>

#include "model_io_impl.hpp"
#include "run.hpp"
#if defined(CTNN_WITH_MPI)
#include "ranks_impl.hpp"  // the data-parallel pieces for cuda::CuBlas
#endif

namespace lenet5 {

int train_cuda(const Config& config) {
    return config.arch == "classic"  ? run<ctnn::models::LeNet5, ctnn::cuda::CuBlas>(config)
           : config.arch == "resnet" ? run<ctnn::models::ResNet28, ctnn::cuda::CuBlas>(config)
                                     : run<ctnn::models::LeNet5Relu, ctnn::cuda::CuBlas>(config);
}

}  // namespace lenet5
