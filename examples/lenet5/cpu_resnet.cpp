// lenet5 with --arch resnet on the CPU: run<ResNet28, cpu::Blas> (models/resnet.hpp: residual
// blocks with BatchNorm, global average pooling), in a unit of its own like the other archs.
#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/models/resnet.hpp>

#include "run.hpp"

int lenet5::run_cpu_resnet(const Config& config) {
    return run<ctnn::models::ResNet28, ctnn::cpu::Blas>(config);
}
