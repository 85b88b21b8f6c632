// lenet5's training run, for any network Net and backend B: loads MNIST, trains --epochs with
// a progress line and a line per epoch (train loss/accuracy, validation and test accuracy,
// seconds), checkpoints every epoch (atomically), evaluates on the test set and writes the
// outputs (outputs.hpp). cpu.cpp instantiates it for cpu::Blas, cuda.cu for cuda::CuBlas.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <ctnn/nn/summary.hpp>
#include <ctnn/data/data.hpp>
#include <ctnn/train/checkpoint.hpp>
#include <ctnn/io/csv_log.hpp>
#include <ctnn/losses/softmax_cross_entropy.hpp>
#include <ctnn/train/classifier.hpp>

#include "config.hpp"
#include "outputs.hpp"

namespace lenet5 {

inline bool on_terminal() { return ::isatty(::fileno(stderr)) != 0; }

template <class Net, class B>
int run(const Config& config, const Optimizer& optimizer) {
    using namespace ctnn;
    const fs::path out = config.out_dir;
    prepare_out_dir(out);

    const auto load_start = std::chrono::steady_clock::now();
    data::Mnist mnist = data::mnist::load(config.data_dir);
    auto [train, validation] = data::split(mnist.train, config.validation, config.seed);
    if (config.train_limit && config.train_limit < train.size()) train = data::take(train, config.train_limit);
    std::printf("MNIST from %s: %zu train, %zu validation, %zu test (%.1f s to load)\n", config.data_dir.c_str(),
                train.size(), validation.size(), mnist.test.size(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count());

    Classifier<Net, SoftmaxCrossEntropy, Optimizer, B> clf(optimizer, config.seed);
    clf.set_non_finite_policy(config.non_finite == "skip" ? NonFinitePolicy::skip : NonFinitePolicy::stop);
    if (config.schedule == "cosine") clf.set_schedule(LrSchedule::cosine(config.epochs));
    if (config.schedule == "step")
        clf.set_schedule(LrSchedule::step(std::max<std::size_t>(1, config.epochs / 3), 0.3));
    std::printf("%s", summary<Net>().c_str());

    const fs::path checkpoint = out / "model.safetensors";
    if (!config.resume.empty()) {
        const auto info =
            io::load_checkpoint(config.resume, clf.model(), config.eval_only ? nullptr : &clf.optimizer());
        clf.set_epoch(info.epoch);  // the shuffle order and learning rate follow the epoch
        clf.set_step(info.step);
        std::printf("resumed from %s after epoch %llu (step %llu)\n", config.resume.c_str(),
                    static_cast<unsigned long long>(info.epoch), static_cast<unsigned long long>(info.step));
        if (!config.eval_only) warn_if_config_differs(config, info);
    }

    History history;
    std::vector<double> epoch_seconds;
    const bool resumed = !config.resume.empty() && !config.eval_only;
    io::CsvLog log(out / "metrics.csv",
                   {"epoch", "lr", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_loss",
                    "test_accuracy", "seconds", "images_per_second"},
                   /*append=*/resumed);
    const bool terminal = on_terminal();
    while (!config.eval_only && clf.epoch() < config.epochs) {
        const auto stats =
            clf.fit_epoch(train, config.batch, [&](std::size_t done, std::size_t total, double loss, double rate) {
                if (terminal)
                    std::fprintf(stderr, "\r  epoch %zu/%zu  %6zu/%zu  loss %.4f  %7.0f img/s ", clf.epoch() + 1,
                                 config.epochs, done, total, loss, rate);
            });
        if (terminal) std::fprintf(stderr, "\r%80s\r", "");
        const auto val = clf.evaluate(validation);
        const auto test = clf.evaluate(mnist.test);
        epoch_seconds.push_back(stats.seconds);
        std::printf(
            "epoch %2zu  lr %.2e  train loss %.4f acc %.2f%%  val acc %.2f%%  test acc %.2f%%  %.1f s (%.0f img/s)\n",
            stats.epoch + 1, stats.learning_rate, stats.loss, 100 * stats.accuracy, 100 * val.accuracy,
            100 * test.accuracy, stats.seconds, stats.images_per_second);
        if (stats.skipped_steps)
            std::printf("  %zu steps skipped (NaN/Inf loss or gradient, --non-finite skip)\n", stats.skipped_steps);
        std::fflush(stdout);
        log.row(stats.epoch + 1, stats.learning_rate, stats.loss, stats.accuracy, val.loss, val.accuracy, test.loss,
                test.accuracy, stats.seconds, stats.images_per_second);
        history.epoch.push_back(double(stats.epoch + 1));
        history.train_loss.push_back(stats.loss);
        history.train_acc.push_back(stats.accuracy);
        history.val_loss.push_back(val.loss);
        history.val_acc.push_back(val.accuracy);
        history.test_loss.push_back(test.loss);
        history.test_acc.push_back(test.accuracy);
        io::save_checkpoint(checkpoint, clf.model(),
                            {.epoch = clf.epoch(), .step = clf.step(), .extra = {{"config", config.to_json().dump()}}},
                            &clf.optimizer());
    }

    const auto test = clf.evaluate(mnist.test);
    std::printf("test accuracy %.2f%% (%zu images), loss %.4f\n", 100 * test.accuracy, test.count, test.loss);
    std::printf("per-class accuracy:");
    for (std::size_t c = 0; c < test.classes; ++c) std::printf(" %zu:%.1f%%", c, 100 * test.per_class_accuracy[c]);
    std::printf("\n");

    write_confusion(out, test);
    std::vector<std::int32_t> predicted;
    std::vector<float> confidence;
    clf.predict(mnist.test, predicted, confidence);
    write_misclassified(out, mnist.test, predicted);
    if (!history.epoch.empty()) write_curves(out, history);
    double mean_seconds = 0;
    for (double s : epoch_seconds) mean_seconds += s / double(epoch_seconds.size());
    write_summary(out, {
                           {"test_accuracy", test.accuracy},
                           {"test_loss", test.loss},
                           {"epochs", clf.epoch()},
                           {"epochs_this_run", epoch_seconds.size()},
                           {"seconds_per_epoch", mean_seconds},
                           {"param_count", Net::param_count},
                           {"flops_per_image", Net::flops},
                           {"architecture", Net::fingerprint()},
                           {"per_class_accuracy", test.per_class_accuracy},
                           {"config", config.to_json()},
                       });
    std::printf("outputs in %s: metrics.csv summary.json model.safetensors confusion.csv confusion.png "
                "misclassified.png loss.png accuracy.png\n",
                out.c_str());
    return 0;
}

}  // namespace lenet5
