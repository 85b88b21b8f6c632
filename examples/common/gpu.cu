// The GPU probe of the examples' --device (device.hpp), compiled by nvcc in -DCTNN_CUDA=ON builds.
#include <ctnn/cuda.hpp>

#include "device.hpp"

namespace examples {

ctnn::GpuStatus gpu_status() {
    return ctnn::cuda::gpu_status();
}

}  // namespace examples
