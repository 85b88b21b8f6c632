// The device choice (device.hpp).
#include "device.hpp"

#include <cstdio>

namespace examples {

ctnn::DeviceChoice choose_device(const std::string& requested) {
#if defined(CTNN_WITH_CUDA)
    const ctnn::DeviceChoice device = ctnn::select_device(requested, gpu_status);
#else
    const ctnn::DeviceChoice device = ctnn::select_device(requested);
#endif
    std::printf("device: %s\n", device.description.c_str());
    return device;
}

}  // namespace examples
