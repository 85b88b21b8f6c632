// Loading and saving a Gan's checkpoint set (checkpoint_set.hpp): G and D with their optimizer
// states and the moving average of G, each file checked against the set on load. These are the
// safetensors/JSON templates, the costliest code to compile, so on the CPU they are compiled in
// their own unit per (architecture, latent) (set_io_arch.cpp); train.hpp sees only these
// declarations there, and the CUDA unit includes set_io_impl.hpp as well.
#pragma once

#include <filesystem>
#include <string>

#include "checkpoint_set.hpp"

namespace gan {

// They take a Gan's parts (the models and optimizer states), not the Gan, so one instantiation
// per (architecture, latent) serves every loss the trainer is compiled for.
// Loads the set into G, D, their optimizer states and the average of G (ema, null when none).
template <class GM, class DM, class Opt>
void load_set(GM& g, DM& d, Opt& opt_g, Opt& opt_d, GM* ema, const CheckpointSet& set,
              const std::string& resume);
// Saves them as the files of `set` (commit_checkpoint_set then names them).
template <class GM, class DM, class Opt>
void save_set(GM& g, DM& d, Opt& opt_g, Opt& opt_d, GM* ema, const CheckpointSet& set);
// G's weights only (gan generate / gan eval).
template <class GM>
void load_generator_weights(GM& g, const std::filesystem::path& checkpoint);

// The same for a whole Gan (its parts).
template <class GanT>
void load_set(GanT& gan, const CheckpointSet& set, const std::string& resume) {
    load_set(gan.generator(), gan.discriminator(), gan.generator_optimizer_state(),
             gan.discriminator_optimizer_state(),
             gan.has_generator_ema() ? &gan.sampling_generator() : nullptr, set, resume);
}
template <class GanT>
void save_set(GanT& gan, const CheckpointSet& set) {
    save_set(gan.generator(), gan.discriminator(), gan.generator_optimizer_state(),
             gan.discriminator_optimizer_state(),
             gan.has_generator_ema() ? &gan.sampling_generator() : nullptr, set);
}

}  // namespace gan
