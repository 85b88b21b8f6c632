// lenet5 on the CPU: the cpu::Blas instantiations of run, compiled by the C++ compiler (in a
// -DCTNN_CUDA=ON build too, so the CPU path is the plain build's).
#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/models/lenet5.hpp>

#include "run.hpp"

namespace lenet5 {

int train_cpu(const Config& config, const Optimizer& optimizer) {
    return config.arch == "classic" ? run<ctnn::models::LeNet5, ctnn::cpu::Blas>(config, optimizer)
                                    : run<ctnn::models::LeNet5Relu, ctnn::cpu::Blas>(config, optimizer);
}

}  // namespace lenet5
