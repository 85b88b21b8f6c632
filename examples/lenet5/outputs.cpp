// lenet5's outputs besides the checkpoint (outputs.hpp).
#include "outputs.hpp"

#include <cstdio>
#include <stdexcept>

#include <ctnn/data/mnist.hpp>
#include <ctnn/io/heatmap.hpp>

#include "../common/figures.hpp"
#include "../common/progress.hpp"

namespace lenet5 {

Sets load_sets(const Config& config) {
    const bool files = !config.train_file.empty();
    ctnn::data::Mnist mnist =
        files ? ctnn::data::Mnist{ctnn::data::mnist::load_files(config.train_file, config.train_labels),
                                  ctnn::data::mnist::load_files(config.test_file, config.test_labels)}
              : ctnn::data::mnist::load(config.common.data_dir);
    const std::string source = files ? config.train_file : config.common.data_dir;
    if (config.validation >= mnist.train.size())
        throw std::invalid_argument("--validation " + std::to_string(config.validation) +
                                    " leaves no training images (" + source + " holds " +
                                    std::to_string(mnist.train.size()) + ")");
    auto [train, validation] = ctnn::data::split(mnist.train, config.validation, config.common.seed);
    if (config.train_limit && config.train_limit < train.size())
        train = ctnn::data::take(train, config.train_limit);
    if (mnist.test.size() == 0)
        throw std::invalid_argument((files ? config.test_file : config.common.data_dir) +
                                    ": the test set is empty");
    return {std::move(train), std::move(validation), std::move(mnist.test)};
}

void write_confusion(const RunDir& dir, const ctnn::ClassificationReport& report) {
    std::string csv = "true\\predicted";
    for (std::size_t p = 0; p < report.classes; ++p) csv += ',' + std::to_string(p);
    csv += '\n';
    std::vector<std::vector<double>> matrix(report.classes, std::vector<double>(report.classes));
    for (std::size_t t = 0; t < report.classes; ++t) {
        csv += std::to_string(t);
        for (std::size_t p = 0; p < report.classes; ++p) {
            csv += ',' + std::to_string(report.confusion_at(t, p));
            matrix[t][p] = static_cast<double>(report.confusion_at(t, p));
        }
        csv += '\n';
    }
    dir.write("confusion.csv", csv);
    std::vector<std::string> labels;
    for (std::size_t c = 0; c < report.classes; ++c) labels.push_back(std::to_string(c));
    ctnn::io::plot_heatmap(dir / "confusion.png", "Confusion matrix (rows: true, columns: predicted)", matrix,
                           labels, labels);
}

void write_misclassified(const RunDir& dir, const ctnn::data::Dataset& test,
                         const std::vector<std::int32_t>& predicted) {
    std::vector<float> pixels;
    std::vector<std::string> captions;
    const std::size_t sample = test.sample_size();
    for (std::size_t i = 0; i < test.size() && captions.size() < 64; ++i) {
        if (predicted[i] == test.labels(i)) continue;
        pixels.insert(pixels.end(), test.images.data() + i * sample, test.images.data() + (i + 1) * sample);
        captions.push_back("true " + std::to_string(test.labels(i)) + " / pred " +
                           std::to_string(predicted[i]));
    }
    if (captions.empty()) return;
    examples::write_grid(dir / "misclassified.png", pixels.data(), captions.size(), test.images.shape()[2],
                         test.images.shape()[3], 0.0f, 1.0f, captions, 8, 4);
}

void write_curves(const RunDir& dir, const History& h) {
    examples::plot_history(dir / "loss.png", "LeNet-5 loss", h,
                           {{"train", "train_loss"}, {"validation", "val_loss"}, {"test", "test_loss"}},
                           "cross-entropy");
    examples::plot_history(
        dir / "accuracy.png", "LeNet-5 accuracy", h,
        {{"train", "train_accuracy"}, {"validation", "val_accuracy"}, {"test", "test_accuracy"}}, "accuracy");
}

nlohmann::json report_json(const ctnn::ClassificationReport& report) {
    std::vector<std::vector<std::size_t>> confusion(report.classes);
    for (std::size_t t = 0; t < report.classes; ++t)
        for (std::size_t p = 0; p < report.classes; ++p) confusion[t].push_back(report.confusion_at(t, p));
    return {{"test_accuracy", report.accuracy},
            {"test_loss", report.loss},
            {"count", report.count},
            {"per_class_accuracy", report.per_class_accuracy},
            {"confusion", confusion}};
}

std::string progress_text(const ctnn::EpochProgress& p) {
    return nlohmann::json{{"batches", p.batches}, {"seen", p.seen},         {"correct", p.correct},
                          {"skipped", p.skipped}, {"loss_sum", p.loss_sum}, {"seconds", p.seconds}}
        .dump();
}

ctnn::EpochProgress parse_progress(const std::string& text, const std::string& checkpoint) {
    ctnn::EpochProgress p;
    try {
        const auto j = nlohmann::json::parse(text);
        j.at("batches").get_to(p.batches), j.at("seen").get_to(p.seen), j.at("correct").get_to(p.correct);
        j.at("skipped").get_to(p.skipped), j.at("loss_sum").get_to(p.loss_sum),
            j.at("seconds").get_to(p.seconds);
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(checkpoint +
                                 ": metadata 'epoch_progress' is not a position in an epoch: " + e.what());
    }
    return p;
}

void check_resume(const Config& config, const nlohmann::json& saved) {
    std::vector<std::string> skip;
    if (config.schedule == "constant") skip.push_back("epochs");  // only a schedule depends on it
    examples::report_resume_differences(examples::differences(config, saved, skip), config.common.resume);
}

}  // namespace lenet5
