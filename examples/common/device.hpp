// The device a program trains on, chosen once for every example: --device cpu | cuda | auto,
// probing the GPU only for cuda and auto (gpu.cu in a -DCTNN_CUDA=ON build; a CPU-only build
// says it has no CUDA). Prints "device: ..." and throws (saying why) for --device cuda without a
// usable GPU. run_on_device then calls the program's CPU or GPU entry point.
#pragma once

#include <string>
#include <type_traits>

#include <ctnn/backend/device.hpp>

namespace examples {

ctnn::DeviceChoice choose_device(const std::string& requested);

// The program's GPU entry point in a CUDA build, null in a CPU-only one (where it is not defined).
#if defined(CTNN_WITH_CUDA)
#define CTNN_EXAMPLES_CUDA_ENTRY(f) (f)
#else
#define CTNN_EXAMPLES_CUDA_ENTRY(f) nullptr
#endif

// Runs `cuda` when --device chose the GPU, else `cpu`; returns the exit status.
template <class Config>
int run_on_device(const Config& config, const std::string& requested, int (*cpu)(const Config&),
                  std::type_identity_t<int (*)(const Config&)> cuda) {
    const ctnn::DeviceChoice device = choose_device(requested);
    return device.device == ctnn::Device::cuda && cuda ? cuda(config) : cpu(config);
}

#if defined(CTNN_WITH_CUDA)
ctnn::GpuStatus gpu_status();  // gpu.cu (nvcc)
#endif

}  // namespace examples
