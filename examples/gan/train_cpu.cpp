// `gan train` on the CPU: the cpu::Blas instantiations of train for every --arch and latent size,
// compiled by the C++ compiler (in a -DCTNN_CUDA=ON build too, so the CPU path is the plain
// build's).
#include <ctnn/backend/cpu/blas.hpp>

#include "train.hpp"

namespace gan {

int train_cpu(const TrainConfig& config) {
    return with_arch(config.arch, config.latent, [&]<class A>(A) { return train<A, cpu::Blas>(config); });
}

}  // namespace gan
