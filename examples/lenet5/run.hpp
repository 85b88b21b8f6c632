// lenet5's run for any network Net and backend B: loads MNIST, trains --epochs with a progress
// line and a line per epoch (train loss/accuracy, validation and test accuracy, seconds),
// checkpoints every epoch (atomically), evaluates on the test set and writes the outputs
// (outputs.hpp). SIGINT/SIGTERM stop after the step in progress: the checkpoint then holds the
// position inside the epoch, and --resume from it finishes as an uninterrupted run would.
// --eval-only evaluates the --resume checkpoint and writes eval.json, touching nothing else.
// cpu_relu.cpp and cpu_classic.cpp instantiate it for cpu::Blas (their checkpoint code is in
// io_relu.cpp and io_classic.cpp, model_io.hpp), cuda.cu for cuda::CuBlas.
#pragma once

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <ctnn/nn/summary.hpp>

#include "../common/progress.hpp"
#include "../common/signals.hpp"
#include "model_io.hpp"
#include "outputs.hpp"

namespace lenet5 {

namespace fs = std::filesystem;

template <class Net, class B>
int run(const Config& config) {
    using namespace ctnn;
    const RunDir out(config.common.out_dir);
    const Sets sets = load_sets(config);
    const std::string source =
        config.train_file.empty() ? config.common.data_dir : config.train_file + " and " + config.test_file;
    std::printf("MNIST from %s: %zu train, %zu validation, %zu test\n", source.c_str(), sets.train.size(),
                sets.validation.size(), sets.test.size());

    const float lr = static_cast<float>(config.lr);
    const Optimizer optimizer{config.optimizer == "sgd" ? Optimizer{SGD{.lr = lr, .momentum = 0.9f}}
                                                        : Optimizer{Adam{.lr = lr}}};
    Trainer<Net, B> clf(optimizer, config.common.seed);
    clf.set_non_finite_policy(config.non_finite == "skip" ? NonFinitePolicy::skip : NonFinitePolicy::stop);
    if (config.schedule == "cosine") clf.set_schedule(LrSchedule::cosine(config.epochs));
    if (config.schedule == "step")
        clf.set_schedule(LrSchedule::step(std::max<std::size_t>(1, config.epochs / 3), 0.3));
    if (config.augment) clf.set_augmentation(data::Augment{.max_shift = 2, .max_degrees = 10.0f});
    std::printf("%s", summary<Net>().c_str());

    History history(out, "metrics.csv", metrics_columns);
    if (!config.common.resume.empty()) {
        const auto info = load_model(clf, config.common.resume, config.eval_only);
        clf.set_epoch(info.epoch);  // the shuffle order and learning rate follow the epoch
        clf.set_step(info.step);
        std::printf("resumed from %s after epoch %llu (step %llu)\n", config.common.resume.c_str(),
                    static_cast<unsigned long long>(info.epoch), static_cast<unsigned long long>(info.step));
        if (config.eval_only) {
            const auto test = clf.evaluate(sets.test);
            std::printf("test accuracy %.2f%% (%zu images), loss %.4f\n", 100 * test.accuracy, test.count,
                        test.loss);
            auto result = report_json(test);
            result["checkpoint"] = config.common.resume;
            result["epochs"] = info.epoch;
            result["config"] = examples::to_json(config);
            out.write_json("eval.json", result);
            std::printf("outputs in %s: eval.json\n", out.path().c_str());
            return 0;
        }
        const auto saved = info.extra.find("config");
        if (saved != info.extra.end()) check_resume(config, examples::saved_config(saved->second));
        if (const auto p = info.extra.find("epoch_progress"); p != info.extra.end())
            clf.set_epoch_progress(parse_progress(p->second, config.common.resume));
        history.resume(fs::path(config.common.resume).parent_path() / "metrics.csv", info.epoch);
    }

    const examples::StopOnSignal stop;
    clf.set_stop_flag(stop.flag());
    if (config.raise_signal_at_step)  // tests: a SIGINT at a known step
        clf.optimization_step().add_hook([&, at = config.raise_signal_at_step](const auto&) {
            if (clf.step() == at) std::raise(SIGINT);
        });
    const auto save = [&] {
        std::map<std::string, std::string> extra = {{"config", examples::to_json(config).dump()}};
        if (clf.epoch_progress().batches) extra["epoch_progress"] = progress_text(clf.epoch_progress());
        save_model(clf, out / "model.safetensors",
                   {.epoch = clf.epoch(), .step = clf.step(), .extra = extra});
    };
    std::vector<double> epoch_seconds;
    examples::ProgressLine line;
    while (clf.epoch() < config.epochs) {
        const auto stats = clf.fit_epoch(
            sets.train, config.batch, [&](std::size_t done, std::size_t total, double loss, double rate) {
                char text[32];
                std::snprintf(text, sizeof text, "loss %.4f", loss);
                line.update(clf.epoch() + 1, config.epochs, done, total, rate, text);
            });
        line.clear();
        if (!stats.complete) {
            save();
            std::printf(
                "%s: stopped in epoch %zu after %zu batches; %s holds the position (--resume it to go on)\n",
                stop.signal_name(), clf.epoch() + 1, clf.epoch_progress().batches,
                (out / "model.safetensors").c_str());
            return stop.exit_code();
        }
        const auto val = clf.evaluate(sets.validation);
        const auto test = clf.evaluate(sets.test);
        epoch_seconds.push_back(stats.seconds);
        std::printf(
            "epoch %2zu  lr %.2e  train loss %.4f acc %.2f%%  val acc %.2f%%  test acc %.2f%%  %.1f s (%.0f "
            "img/s)\n",
            stats.epoch + 1, stats.learning_rate, stats.loss, 100 * stats.accuracy, 100 * val.accuracy,
            100 * test.accuracy, stats.seconds, stats.images_per_second);
        if (stats.skipped_steps)
            std::printf("  %zu steps skipped (NaN/Inf loss or gradient, --non-finite skip)\n",
                        stats.skipped_steps);
        std::fflush(stdout);
        history.add({double(stats.epoch + 1), stats.learning_rate, stats.loss, stats.accuracy, val.loss,
                     val.accuracy, test.loss, test.accuracy, stats.seconds, stats.images_per_second});
        save();
    }

    const auto test = clf.evaluate(sets.test);
    std::printf("test accuracy %.2f%% (%zu images), loss %.4f\n", 100 * test.accuracy, test.count, test.loss);
    std::printf("per-class accuracy:");
    for (std::size_t c = 0; c < test.classes; ++c)
        std::printf(" %zu:%.1f%%", c, 100 * test.per_class_accuracy[c]);
    std::printf("\n");
    write_confusion(out, test);
    std::vector<std::int32_t> predicted;
    std::vector<float> confidence;
    clf.predict(sets.test, predicted, confidence);
    write_misclassified(out, sets.test, predicted);
    write_curves(out, history);
    auto summary_json = report_json(test);
    summary_json.erase("count"), summary_json.erase("confusion");
    summary_json.update(nlohmann::json{{"epochs", clf.epoch()},
                                       {"epochs_this_run", epoch_seconds.size()},
                                       {"seconds_per_epoch", examples::mean(epoch_seconds)},
                                       {"param_count", Net::param_count},
                                       {"flops_per_image", Net::flops},
                                       {"architecture", Net::fingerprint()},
                                       {"config", examples::to_json(config)}});
    out.write_json("summary.json", summary_json);
    std::printf(
        "outputs in %s: metrics.csv summary.json model.safetensors confusion.csv confusion.png "
        "misclassified.png loss.png accuracy.png\n",
        out.path().c_str());
    return 0;
}

}  // namespace lenet5
