// The checkpoint of a GAN run as one atomic unit: G, D (both with their optimizer state) and the
// moving average of G are saved as files of one set, named by a set id unique to the save
// (checkpoints/<role>.<id>.safetensors, each holding the id as metadata gan.set), then the
// manifest checkpoint.json is written (atomically, last) naming the set, the epoch, the step, the
// position inside an interrupted epoch and the configuration. Only then are the familiar names
// (generator.safetensors, ...) pointed at the new files (hard links, each replaced atomically) and
// the sets no manifest names removed. A run killed at any moment leaves a manifest naming a
// complete set; --resume reads it and checks that every file it loads carries the set's id, epoch
// and step. A run directory of an older gan (no manifest) resumes only when G's and D's epoch and
// step agree. A run without --ema removes a stale generator_ema.safetensors of an earlier one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "../common/run_dir.hpp"

namespace ctnn::io {
struct CheckpointInfo;  // io/checkpoint.hpp
}

namespace gan {

namespace fs = std::filesystem;

struct CheckpointSet {
    std::string id;  // empty for an older run directory without a manifest
    std::uint64_t epoch = 0, step = 0;
    std::string epoch_progress;             // JSON of the position inside the epoch ("" at a boundary)
    std::string arch, latent, config;       // config: the run's settings as JSON
    std::map<std::string, fs::path> files;  // "generator", "discriminator", "generator_ema" -> path
};

inline constexpr const char* manifest_name = "checkpoint.json";

// The set a run directory's manifest names (paths made absolute), or for an older run directory
// its generator/discriminator(/generator_ema).safetensors; throws naming the file when it is not
// one, and when an older directory's G and D are of different moments.
CheckpointSet read_checkpoint_set(const fs::path& dir);

// Throws naming `file` and the field when a loaded member is not of the set (id, epoch, step).
void check_member(const CheckpointSet& set, const fs::path& file, const ctnn::io::CheckpointInfo& info);

// A new set for the moment (epoch, step): its id and the paths of its files in the run directory.
CheckpointSet new_checkpoint_set(const examples::RunDir& dir, std::uint64_t epoch, std::uint64_t step);

// Writes the manifest naming `set` (its files written), points the familiar names at them and
// removes older sets and a stale generator_ema.safetensors.
void commit_checkpoint_set(const examples::RunDir& dir, const CheckpointSet& set);

}  // namespace gan
