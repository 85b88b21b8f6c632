// The C++ half of the consumer, compiled by the C++ compiler: ctnn::ctnn (through ctnn::cuda),
// CTNN_WITH_CUDA defined by the package, and the device choice. Without a usable GPU it says so
// and passes (the build is what this test checks); with one it trains a step on the GPU.
#include <ctnn/backend/device.hpp>
#include <ctnn/ctnn.hpp>

#include <cmath>
#include <cstdio>

#if !defined(CTNN_WITH_CUDA)
#error "ctnn::cuda must define CTNN_WITH_CUDA"
#endif
static_assert(ctnn::cuda_built);

ctnn::GpuStatus consumer_gpu_status();
double consumer_gpu_step();

int main() {
    const ctnn::DeviceChoice device = ctnn::select_device("auto", consumer_gpu_status);
    std::printf("device: %s\n", device.description.c_str());
    if (device.device != ctnn::Device::cuda) return 0;
    const double loss = consumer_gpu_step();
    std::printf("one LeNet-5 step on the GPU: loss %.4f\n", loss);
    return std::isfinite(loss) ? 0 : 1;
}
