// The device a program trains on, chosen once for every example: --device cpu | cuda | auto,
// probing the GPU only for cuda and auto (gpu.cu in a -DCTNN_CUDA=ON build; a CPU-only build
// says it has no CUDA). Prints "device: ..." and throws (saying why) for --device cuda without a
// usable GPU.
#pragma once

#include <string>

#include <ctnn/backend/device.hpp>

namespace examples {

ctnn::DeviceChoice choose_device(const std::string& requested);

#if defined(CTNN_WITH_CUDA)
ctnn::GpuStatus gpu_status();  // gpu.cu (nvcc)
#endif

}  // namespace examples
