// lenet5 with --arch classic (tanh, average pooling) on the CPU: run<LeNet5, cpu::Blas>.
#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/models/lenet5.hpp>

#include "run.hpp"

int lenet5::run_cpu_classic(const Config& config) {
    return run<ctnn::models::LeNet5, ctnn::cpu::Blas>(config);
}
