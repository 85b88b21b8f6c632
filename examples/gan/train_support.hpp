// What `gan train` does that does not depend on the network types, compiled once in train.cpp:
// the training set, GanOptions from the flags, the metrics columns, the epoch line and progress
// figures, the resume check, the position inside an epoch as text, the checkpoint set's
// metadata, the curves and summary.json.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ctnn/data/dataset.hpp>
#include <ctnn/train/gan_options.hpp>

#include "../common/figures.hpp"
#include "../common/history.hpp"
#include "../common/run_dir.hpp"
#include "../common/signals.hpp"
#include "checkpoint_set.hpp"
#include "config.hpp"

namespace gan {

inline const std::vector<std::string> metrics_columns = {
    "epoch", "d_loss", "g_loss", "d_real", "d_fake", "noise_std", "seconds", "images_per_second"};

// MNIST's training digits in [-1, 1] (the first --train-limit); refuses a set too small for a batch.
ctnn::data::Dataset load_training_set(const TrainConfig& config);
ctnn::GanOptions gan_options(const TrainConfig& config);

std::string progress_figures(const ctnn::GanEpochStats& running);
void print_epoch(const ctnn::GanEpochStats& s);
void report_stop(const examples::StopOnSignal& stop, std::size_t epoch, std::size_t batches,
                 const examples::RunDir& out);
std::string sample_name(std::size_t epoch);  // epoch_005.png

std::string progress_text(const ctnn::GanEpochProgress& progress);
ctnn::GanEpochProgress parse_progress(const std::string& text, const CheckpointSet& set);
// Refuses a resume whose architecture or latent size differs, warns about other settings.
void check_resume(const TrainConfig& config, const CheckpointSet& set);
// The set's architecture, latent size and configuration, and each file's metadata.
void describe_set(CheckpointSet& set, const TrainConfig& config);
std::map<std::string, std::string> set_metadata(const CheckpointSet& set, const std::string& role);

// What `gan train` prints and records about its two networks: their summary tables, and for
// summary.json each one's fingerprint, parameter count and multiply-adds. Defined and instantiated
// per (architecture, latent) in load_arch.cpp, whichever backend trains: the per-layer string code
// stays out of the trainers' units.
struct NetworksReport {
    std::string text;
    nlohmann::json generator, discriminator;
};
template <class G, class D>
NetworksReport describe_networks();

void write_curves(const examples::RunDir& out, const examples::History& history, const TrainConfig& config);
void write_summary(const examples::RunDir& out, const TrainConfig& config, const examples::History& history,
                   const std::vector<double>& epoch_seconds, std::size_t epochs, std::size_t skipped_steps,
                   const nlohmann::json& generator, const nlohmann::json& discriminator, bool ema, int ranks);

}  // namespace gan
