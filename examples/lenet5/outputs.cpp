// lenet5's outputs besides the checkpoint (outputs.hpp).
#include "outputs.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>

#include <ctnn/io/atomic_file.hpp>
#include <ctnn/io/grid.hpp>
#include <ctnn/io/heatmap.hpp>
#include <ctnn/io/plot.hpp>
#include <ctnn/io/png.hpp>

namespace lenet5 {

void prepare_out_dir(const fs::path& out) {
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec || !fs::is_directory(out))
        throw std::runtime_error("cannot create the --out directory " + out.string() + ": " +
                                 (ec ? ec.message() : std::string("a file of that name exists")));
    if (::access(out.c_str(), W_OK) != 0) throw std::runtime_error("cannot write to --out " + out.string());
}

void write_confusion(const fs::path& dir, const ctnn::ClassificationReport& report) {
    std::ofstream csv(dir / "confusion.csv");
    csv << "true\\predicted";
    for (std::size_t p = 0; p < report.classes; ++p) csv << ',' << p;
    csv << '\n';
    std::vector<std::vector<double>> matrix(report.classes, std::vector<double>(report.classes));
    for (std::size_t t = 0; t < report.classes; ++t) {
        csv << t;
        for (std::size_t p = 0; p < report.classes; ++p) {
            csv << ',' << report.confusion_at(t, p);
            matrix[t][p] = static_cast<double>(report.confusion_at(t, p));
        }
        csv << '\n';
    }
    std::vector<std::string> labels;
    for (std::size_t c = 0; c < report.classes; ++c) labels.push_back(std::to_string(c));
    ctnn::io::plot_heatmap(dir / "confusion.png", "Confusion matrix (rows: true, columns: predicted)", matrix,
                           labels, labels);
}

void write_misclassified(const fs::path& dir, const ctnn::data::Dataset& test,
                         const std::vector<std::int32_t>& predicted) {
    std::vector<float> pixels;
    std::vector<std::string> captions;
    const std::size_t sample = test.sample_size();
    for (std::size_t i = 0; i < test.size() && captions.size() < 64; ++i) {
        if (predicted[i] == test.labels(i)) continue;
        pixels.insert(pixels.end(), test.images.data() + i * sample, test.images.data() + (i + 1) * sample);
        captions.push_back("true " + std::to_string(test.labels(i)) + " / pred " + std::to_string(predicted[i]));
    }
    if (captions.empty()) return;
    ctnn::io::write_png(dir / "misclassified.png", ctnn::io::image_grid(pixels.data(), captions.size(), 28, 28, 8,
                                                                        0.0f, 1.0f, 3, 4, captions));
}

void write_curves(const fs::path& dir, const History& h) {
    ctnn::io::plot_lines(dir / "loss.png", "LeNet-5 loss",
                         {{"train", h.epoch, h.train_loss},
                          {"validation", h.epoch, h.val_loss},
                          {"test", h.epoch, h.test_loss}},
                         "epoch", "cross-entropy");
    ctnn::io::plot_lines(dir / "accuracy.png", "LeNet-5 accuracy",
                         {{"train", h.epoch, h.train_acc},
                          {"validation", h.epoch, h.val_acc},
                          {"test", h.epoch, h.test_acc}},
                         "epoch", "accuracy");
}

void warn_if_config_differs(const Config& config, const ctnn::io::CheckpointInfo& info) {
    const auto it = info.extra.find("config");
    if (it == info.extra.end()) return;
    const auto saved = nlohmann::json::parse(it->second, nullptr, /*allow_exceptions=*/false);
    if (!saved.is_object()) return;
    const auto now = config.to_json();
    for (const std::string key : {"epochs", "batch", "lr", "optimizer", "schedule", "seed", "validation",
                                  "train_limit", "non_finite"}) {
        if (key == "epochs" && config.schedule == "constant") continue;  // only a schedule depends on it
        if (saved.contains(key) && saved[key] != now[key])
            std::fprintf(stderr,
                         "warning: --%s is %s but %s was trained with %s; the run will not continue "
                         "exactly as an uninterrupted one would\n",
                         key.c_str(), now[key].dump().c_str(), config.resume.c_str(), saved[key].dump().c_str());
    }
}

void write_summary(const fs::path& dir, const nlohmann::json& summary) {
    const std::string text = summary.dump(2) + '\n';
    ctnn::io::write_file_atomic(dir / "summary.json", std::as_bytes(std::span(text)));
}

}  // namespace lenet5
