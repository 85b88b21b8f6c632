// The device choice (device.hpp).
#include "device.hpp"

#include <cstdio>

#include <ctnn/backend/cpu/openblas_core.hpp>

namespace examples {

ctnn::DeviceChoice choose_device(const std::string& requested) {
#if defined(CTNN_WITH_CUDA)
    const ctnn::DeviceChoice device = ctnn::select_device(requested, gpu_status);
#else
    const ctnn::DeviceChoice device = ctnn::select_device(requested);
#endif
    std::printf("device: %s\n", device.description.c_str());
    if (const std::string mismatch = ctnn::cpu::openblas_core_mismatch();
        device.device == ctnn::Device::cpu && !mismatch.empty())
        std::printf("%s\n", mismatch.c_str());
    return device;
}

}  // namespace examples
