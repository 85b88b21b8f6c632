// lenet5's run for any network Net and backend B: loads MNIST, trains --epochs with a progress
// line and a line per epoch (train loss/accuracy, validation and test accuracy, seconds),
// checkpoints every epoch (atomically), evaluates on the test set and writes the outputs
// (outputs.hpp). SIGINT/SIGTERM stop after the step in progress: the checkpoint then holds the
// position inside the epoch, and --resume from it finishes as an uninterrupted run would.
// --eval-only evaluates the --resume checkpoint and writes eval.json, touching nothing else.
// With config.ranks of more than one rank (mpirun, CTNN_WITH_MPI builds) the ranks train one model
// data-parallel: every rank loads the data and any --resume checkpoint, dist::attach then gives
// them rank 0's model and adds the gradient allreduce, each epoch is dist::fit_epoch (--batch the
// global batch) and the BatchNorm state is averaged before an evaluation or a save. Rank 0 alone
// opens --out (its lock), shows the progress line, evaluates and writes every file; the others
// wait for it in the next collective.
// cpu_relu.cpp and cpu_classic.cpp instantiate it for cpu::Blas (their checkpoint code is in
// io_relu.cpp and io_classic.cpp, model_io.hpp), cuda.cu for cuda::CuBlas.
#pragma once

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <ctnn/nn/summary.hpp>

#include "../common/progress.hpp"
#include "../common/signals.hpp"
#include "model_io.hpp"
#include "outputs.hpp"

#if defined(CTNN_WITH_MPI)
#include <ctnn/dist/classifier.hpp>
#include <ctnn/dist/gradient_allreduce.hpp>
#include <ctnn/dist/model_sync.hpp>
#endif

namespace lenet5 {

namespace fs = std::filesystem;

template <class Net, class B>
int run(const Config& config) {
    using namespace ctnn;
#if defined(CTNN_WITH_MPI)
    dist::Communicator* const comm = config.ranks;
    const bool root = !comm || comm->is_root();
    const bool parallel = comm && comm->size() > 1;  // one rank trains as one process does
#else
    constexpr bool root = true;
#endif
    std::optional<RunDir> out;  // rank 0's: the others write nothing and take no lock
    if (root) out.emplace(config.common.out_dir);
    const Sets sets = load_sets(config);
    std::printf("MNIST from %s: %zu train, %zu validation, %zu test\n", config.common.data_dir.c_str(),
                sets.train.size(), sets.validation.size(), sets.test.size());

    const float lr = static_cast<float>(config.lr);
    const Optimizer optimizer{config.optimizer == "sgd" ? Optimizer{SGD{.lr = lr, .momentum = 0.9f}}
                                                        : Optimizer{Adam{.lr = lr}}};
    Trainer<Net, B> clf(optimizer, config.common.seed);
    clf.set_non_finite_policy(config.non_finite == "skip" ? NonFinitePolicy::skip : NonFinitePolicy::stop);
    if (config.schedule == "cosine") clf.set_schedule(LrSchedule::cosine(config.epochs));
    if (config.schedule == "step")
        clf.set_schedule(LrSchedule::step(std::max<std::size_t>(1, config.epochs / 3), 0.3));
    std::printf("%s", summary<Net>().c_str());

    std::optional<History> history;
    if (root) history.emplace(*out, "metrics.csv", metrics_columns);
    if (!config.common.resume.empty()) {
        // Every rank reads the checkpoint: the same epoch, step and position in the epoch.
        const auto info = load_model(clf, config.common.resume, config.eval_only);
        clf.set_epoch(info.epoch);  // the shuffle order and learning rate follow the epoch
        clf.set_step(info.step);
        std::printf("resumed from %s after epoch %llu (step %llu)\n", config.common.resume.c_str(),
                    static_cast<unsigned long long>(info.epoch), static_cast<unsigned long long>(info.step));
        if (config.eval_only) {
            if (!root) return 0;
            const auto test = clf.evaluate(sets.test);
            std::printf("test accuracy %.2f%% (%zu images), loss %.4f\n", 100 * test.accuracy, test.count,
                        test.loss);
            auto result = report_json(test);
            result["checkpoint"] = config.common.resume;
            result["epochs"] = info.epoch;
            result["config"] = examples::to_json(config);
            out->write_json("eval.json", result);
            std::printf("outputs in %s: eval.json\n", out->path().c_str());
            return 0;
        }
        const auto saved = info.extra.find("config");
        if (root && saved != info.extra.end()) check_resume(config, examples::saved_config(saved->second));
        if (const auto p = info.extra.find("epoch_progress"); p != info.extra.end())
            clf.set_epoch_progress(parse_progress(p->second, config.common.resume));
        if (history)
            history->resume(fs::path(config.common.resume).parent_path() / "metrics.csv", info.epoch);
    }

    const examples::StopOnSignal stop;
    clf.set_stop_flag(stop.flag());
    if (config.raise_signal_at_step)  // tests: a SIGINT at a known step
        clf.optimization_step().add_hook([&, at = config.raise_signal_at_step](const auto&) {
            if (clf.step() == at) std::raise(SIGINT);
        });
#if defined(CTNN_WITH_MPI)
    std::optional<dist::GradientAllreduce<B>> sync;
    if (parallel) {  // after the checkpoint load and the hook above: a raised flag rides in this step
        sync.emplace(*comm);
        sync->watch(stop.flag());
        dist::attach(*comm, clf, *sync);
    }
#endif
    const auto average_state = [&] {  // before an evaluation or a save
#if defined(CTNN_WITH_MPI)
        if (parallel) dist::average_state(*comm, clf.model());
#endif
    };
    const auto save = [&] {
        std::map<std::string, std::string> extra = {{"config", examples::to_json(config).dump()}};
        if (clf.epoch_progress().batches) extra["epoch_progress"] = progress_text(clf.epoch_progress());
        save_model(clf, *out / "model.safetensors",
                   {.epoch = clf.epoch(), .step = clf.step(), .extra = extra});
    };
    std::vector<double> epoch_seconds;
    examples::ProgressLine line;
    ProgressCallback progress;
    if (root)
        progress = [&](std::size_t done, std::size_t total, double loss, double rate) {
            char text[32];
            std::snprintf(text, sizeof text, "loss %.4f", loss);
            line.update(clf.epoch() + 1, config.epochs, done, total, rate, text);
        };
    const auto fit_epoch = [&] {
#if defined(CTNN_WITH_MPI)
        if (parallel) return dist::fit_epoch(*comm, clf, *sync, sets.train, config.batch, progress);
#endif
        return clf.fit_epoch(sets.train, config.batch, progress);
    };
    while (clf.epoch() < config.epochs) {
        const auto stats = fit_epoch();
        if (root) line.clear();
        average_state();
        if (!stats.complete) {
            if (!root) return stop.exit_code();
            save();
            std::printf(
                "%s: stopped in epoch %zu after %zu batches; %s holds the position (--resume it to go on)\n",
                stop.signal_name(), clf.epoch() + 1, clf.epoch_progress().batches,
                (*out / "model.safetensors").c_str());
            return stop.exit_code();
        }
        if (!root) continue;
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
        history->add({double(stats.epoch + 1), stats.learning_rate, stats.loss, stats.accuracy, val.loss,
                      val.accuracy, test.loss, test.accuracy, stats.seconds, stats.images_per_second});
        save();
    }

    if (!root) return 0;
    const auto test = clf.evaluate(sets.test);
    std::printf("test accuracy %.2f%% (%zu images), loss %.4f\n", 100 * test.accuracy, test.count, test.loss);
    std::printf("per-class accuracy:");
    for (std::size_t c = 0; c < test.classes; ++c)
        std::printf(" %zu:%.1f%%", c, 100 * test.per_class_accuracy[c]);
    std::printf("\n");
    write_confusion(*out, test);
    std::vector<std::int32_t> predicted;
    std::vector<float> confidence;
    clf.predict(sets.test, predicted, confidence);
    write_misclassified(*out, sets.test, predicted);
    write_curves(*out, *history);
    auto summary_json = report_json(test);
    summary_json.erase("count"), summary_json.erase("confusion");
    summary_json.update(nlohmann::json{{"epochs", clf.epoch()},
                                       {"epochs_this_run", epoch_seconds.size()},
                                       {"seconds_per_epoch", examples::mean(epoch_seconds)},
                                       {"param_count", Net::param_count},
                                       {"flops_per_image", Net::flops},
                                       {"architecture", Net::fingerprint()},
                                       {"config", examples::to_json(config)}});
#if defined(CTNN_WITH_MPI)
    if (parallel) summary_json["ranks"] = comm->size();
#endif
    out->write_json("summary.json", summary_json);
    std::printf(
        "outputs in %s: metrics.csv summary.json model.safetensors confusion.csv confusion.png "
        "misclassified.png loss.png accuracy.png\n",
        out->path().c_str());
    return 0;
}

}  // namespace lenet5
