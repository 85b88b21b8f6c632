// What lenet5 writes besides the checkpoint and metrics.csv, compiled once in outputs.cpp (the
// picture and JSON translation unit, shared by the CPU and CUDA runs): the confusion matrix (CSV
// and PNG), the grid of misclassified test digits, the loss/accuracy curves, summary.json and,
// for --eval-only, eval.json; the epoch's position as checkpoint metadata; the data sets.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <ctnn/data/dataset.hpp>
#include <ctnn/train/classifier.hpp>
#include <ctnn/train/metrics.hpp>

#include "../common/config.hpp"
#include "../common/history.hpp"
#include "../common/run_dir.hpp"
#include "config.hpp"

namespace lenet5 {

using examples::History;
using examples::RunDir;

// MNIST split into training (less --validation, cut to --train-limit), validation and test;
// refuses an empty training or validation set, naming the option.
struct Sets {
    ctnn::data::Dataset train, validation, test;
};
Sets load_sets(const Config& config);

inline const std::vector<std::string> metrics_columns = {
    "epoch",        "lr",        "train_loss",    "train_accuracy", "val_loss",
    "val_accuracy", "test_loss", "test_accuracy", "seconds",        "images_per_second"};

void write_confusion(const RunDir& dir, const ctnn::ClassificationReport& report);
// Up to 64 test digits whose predicted class is wrong, captioned "true t / pred p".
void write_misclassified(const RunDir& dir, const ctnn::data::Dataset& test,
                         const std::vector<std::int32_t>& predicted);
void write_curves(const RunDir& dir, const History& history);
nlohmann::json report_json(const ctnn::ClassificationReport& report);

// The position inside an interrupted epoch, as checkpoint metadata and back.
std::string progress_text(const ctnn::EpochProgress& progress);
ctnn::EpochProgress parse_progress(const std::string& text, const std::string& checkpoint);

// The checks before --resume: refuses what cannot change, warns about what makes it inexact.
void check_resume(const Config& config, const nlohmann::json& saved);

}  // namespace lenet5
