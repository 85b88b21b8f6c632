// One (architecture, latent size, loss) of the registry on the CPU: `gan train`'s trainer.
// examples/CMakeLists.txt compiles this file once per registry entry CTNN_GAN_ARCH, latent
// CTNN_GAN_LATENT and index CTNN_GAN_LOSS into the entry's losses (generated units that define
// them and include it), so each trainer has a translation unit of its own.
#include <ctnn/backend/cpu/blas.hpp>

#include "archs.hpp"
#include "train.hpp"

namespace gan {

template <std::size_t I, std::size_t Z, std::size_t K>
int train_cpu(const TrainConfig& config) {
    return train_entry<std::tuple_element_t<I, Registry>, Z, K, ctnn::cpu::Blas>(config);
}

// This unit's instantiation; train.cpp calls it through the declaration.
template int train_cpu<CTNN_GAN_ARCH, CTNN_GAN_LATENT, CTNN_GAN_LOSS>(const TrainConfig&);

}  // namespace gan
