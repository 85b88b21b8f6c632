// `gan train` on the GPU (-DCTNN_CUDA=ON builds only): the cuda::CuBlas instantiations of train
// for every registry entry and latent size, compiled by nvcc (the GPU probe is
// examples/common/gpu.cu).
#include <ctnn/cuda.hpp>

#include "archs.hpp"
#include "set_io_impl.hpp"
#include "train.hpp"

namespace gan {

int train_cuda(const TrainConfig& config) {
    return with_entry(config.arch, config.latent, [&]<std::size_t I, std::size_t Z>() {
        using Arch = std::tuple_element_t<I, Registry>;
        return with_loss<Arch>(config.loss, [&]<std::size_t K>() {
            return train_entry<Arch, Z, K, ctnn::cuda::CuBlas>(config);
        });
    });
}

}  // namespace gan
