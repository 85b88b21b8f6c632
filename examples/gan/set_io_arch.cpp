// The checkpoint-set code (set_io_impl.hpp) of one (architecture, latent size) on the CPU, in a
// unit of its own: examples/CMakeLists.txt compiles this file per registry entry CTNN_GAN_ARCH and
// latent CTNN_GAN_LATENT, beside train_arch.cpp, which calls these instantiations.
#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/losses/bce.hpp>
#include <ctnn/optim/adam.hpp>
#include <ctnn/train/gan.hpp>

#include "archs.hpp"
#include "set_io_impl.hpp"

namespace gan {

using Arch = std::tuple_element_t<CTNN_GAN_ARCH, Registry>;
using CpuGan = ctnn::Gan<typename Arch::template generator<CTNN_GAN_LATENT>, typename Arch::discriminator,
                         ctnn::BCEWithLogits, ctnn::Adam, ctnn::Adam, ctnn::cpu::Blas>;

template void load_set<CpuGan>(CpuGan&, const CheckpointSet&, const std::string&);
template void save_set<CpuGan>(CpuGan&, const CheckpointSet&);
template void load_generator_weights<CpuGan>(CpuGan&, const std::filesystem::path&);

}  // namespace gan
