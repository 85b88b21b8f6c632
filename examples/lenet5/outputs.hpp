// What lenet5 writes besides the checkpoint, in outputs.cpp (the C++ compiler's translation unit
// of the PNG, plot and JSON code, shared by the CPU and CUDA runs): the --out checks, the
// confusion matrix (CSV and PNG), the grid of misclassified test digits, the loss/accuracy
// curves, the resume check and summary.json (atomically: its presence means "done").
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <vector>

#include <ctnn/data/dataset.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/train/metrics.hpp>

#include "config.hpp"

namespace lenet5 {

namespace fs = std::filesystem;

struct History {
    std::vector<double> epoch, train_loss, val_loss, test_loss, train_acc, val_acc, test_acc;
};

// Creates --out if needed; throws naming it when it cannot be created or written.
void prepare_out_dir(const fs::path& out);
void write_confusion(const fs::path& dir, const ctnn::ClassificationReport& report);
// Up to 64 test digits whose predicted class is wrong, captioned "true t / pred p".
void write_misclassified(const fs::path& dir, const ctnn::data::Dataset& test,
                         const std::vector<std::int32_t>& predicted);
void write_curves(const fs::path& dir, const History& history);
// A resumed run continues exactly only with the settings that shaped the original's trajectory.
void warn_if_config_differs(const Config& config, const ctnn::io::CheckpointInfo& info);
void write_summary(const fs::path& dir, const nlohmann::json& summary);

}  // namespace lenet5
