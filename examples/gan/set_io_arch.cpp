// The checkpoint-set code (set_io_impl.hpp) of one (architecture, latent size) on the CPU, in a
// unit of its own: examples/CMakeLists.txt compiles this file per registry entry CTNN_GAN_ARCH and
// latent CTNN_GAN_LATENT, beside train_arch.cpp, which calls these instantiations (for every loss
// of the entry: they take the Gan's models and optimizer states, which no loss changes).
#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/nn/model.hpp>
#include <ctnn/optim/adam.hpp>

#include "archs.hpp"
#include "set_io_impl.hpp"

namespace gan {

using Arch = std::tuple_element_t<CTNN_GAN_ARCH, Registry>;
using GM = ctnn::Model<typename Arch::template generator<CTNN_GAN_LATENT>, ctnn::cpu::Blas>;
using DM = ctnn::Model<typename Arch::discriminator, ctnn::cpu::Blas>;
using Opt = ctnn::Adam::impl<ctnn::cpu::Blas>;

template void load_set<GM, DM, Opt>(GM&, DM&, Opt&, Opt&, GM*, const CheckpointSet&, const std::string&);
template void save_set<GM, DM, Opt>(GM&, DM&, Opt&, Opt&, GM*, const CheckpointSet&);
template void load_generator_weights<GM>(GM&, const std::filesystem::path&);

}  // namespace gan
