// lenet5 with --arch relu on the CPU: run<LeNet5Relu, cpu::Blas>, one translation unit per
// architecture so that each compiles in its own time and memory (cpu_classic.cpp: the other).
#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/models/lenet5.hpp>

#include "run.hpp"

int lenet5::run_cpu_relu(const Config& config) {
    return run<ctnn::models::LeNet5Relu, ctnn::cpu::Blas>(config);
}
