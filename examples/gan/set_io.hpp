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

// Loads the set into `gan` (G, D, their optimizer states, the average when the Gan keeps one).
template <class GanT>
void load_set(GanT& gan, const CheckpointSet& set, const std::string& resume);
// Saves `gan` as the files of `set` (commit_checkpoint_set then names them).
template <class GanT>
void save_set(GanT& gan, const CheckpointSet& set);
// G's weights only (gan generate / gan eval).
template <class GanT>
void load_generator_weights(GanT& gan, const std::filesystem::path& checkpoint);

}  // namespace gan
