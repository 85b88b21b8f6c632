// lenet5's run for any network Net and backend B: loads MNIST, trains --epochs with a progress
// line and a line per epoch (train loss/accuracy, validation and test accuracy, seconds),
// checkpoints every epoch (atomically), evaluates on the test set and writes the outputs
// (outputs.hpp). SIGINT/SIGTERM stop after the step in progress: the checkpoint then holds the
// position inside the epoch, and --resume from it finishes as an uninterrupted run would.
// --eval-only evaluates the --resume checkpoint and writes eval.json, touching nothing else.
// cpu_relu.cpp, cpu_classic.cpp and cpu_resnet.cpp instantiate it for cpu::Blas (their checkpoint
// code is in io_*.cpp, model_io.hpp; their data-parallel pieces in ranks_*.cpp), cuda.cu for
// cuda::CuBlas.
// Under mpirun (a CTNN_MPI build; Config::comm set), rank 0 runs this with the gradient allreduce
// attached and dist::fit_epoch in place of fit_epoch (--batch is the global batch, each rank takes
// its share of one global shuffle); it alone writes and evaluates. The other ranks run follow():
// the same data, model and steps, no output.
#pragma once

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#if defined(CTNN_WITH_MPI)
#include <memory>

#include <ctnn/dist/communicator.hpp>
#endif

#include "../common/progress.hpp"
#include "../common/signals.hpp"
#include "model_io.hpp"
#include "outputs.hpp"

namespace lenet5 {

namespace fs = std::filesystem;

// The trainer of a configuration: optimizer, NaN/Inf policy, schedule and augmentation.
template <class Net, class B>
void configure(Trainer<Net, B>& clf, const Config& config) {
    using namespace ctnn;
    clf.set_non_finite_policy(config.non_finite == "skip" ? NonFinitePolicy::skip : NonFinitePolicy::stop);
    if (config.schedule == "cosine") clf.set_schedule(LrSchedule::cosine(config.epochs));
    if (config.schedule == "step")
        clf.set_schedule(LrSchedule::step(std::max<std::size_t>(1, config.epochs / 3), 0.3));
    if (config.augment) clf.set_augmentation(data::Augment{.max_shift = 2, .max_degrees = 10.0f});
}
inline Optimizer make_optimizer(const Config& config) {
    const float lr = static_cast<float>(config.lr);
    return config.optimizer == "sgd" ? Optimizer{ctnn::SGD{.lr = lr, .momentum = 0.9f}}
                                     : Optimizer{ctnn::Adam{.lr = lr}};
}

#if defined(CTNN_WITH_MPI)
// The data-parallel pieces, declared only: ranks_impl.hpp defines them with dist/'s templates and
// ranks_<arch>.cpp instantiates them, so that cpu_<arch>.cpp does not compile those too.
// Rank 0's side: attaches the gradient allreduce to clf (after any checkpoint load); fit_epoch is
// dist::fit_epoch (the global batch shared out) followed, when complete, by the BatchNorm average.
template <class Net, class B>
class Ranks {
  public:
    Ranks(ctnn::dist::Communicator& comm, Trainer<Net, B>& clf);
    ~Ranks();
    ctnn::EpochStats fit_epoch(const ctnn::data::Dataset& train, std::size_t batch,
                               const ctnn::ProgressCallback& tick);

  private:
    struct State;
    std::unique_ptr<State> m_state;
};
// A rank other than 0: the model, data and steps of rank 0, in step with it, writing nothing.
template <class Net, class B>
int follow(const Config& config, ctnn::dist::Communicator& comm);
#endif

template <class Net, class B>
int run(const Config& config) {
    using namespace ctnn;
#if defined(CTNN_WITH_MPI)
    if (config.comm && !config.comm->is_root()) return follow<Net, B>(config, *config.comm);
#endif
    const RunDir out(config.common.out_dir);
    const Sets sets = load_sets(config);
    const std::string source =
        config.train_file.empty() ? config.common.data_dir : config.train_file + " and " + config.test_file;
    std::printf("MNIST from %s: %zu train, %zu validation, %zu test\n", source.c_str(), sets.train.size(),
                sets.validation.size(), sets.test.size());

    Trainer<Net, B> clf(make_optimizer(config), config.common.seed);
    configure(clf, config);
    std::printf("%s", network_summary<Net>().c_str());

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

#if defined(CTNN_WITH_MPI)
    std::unique_ptr<Ranks<Net, B>> ranks;  // under mpirun: the gradient average
    if (config.comm) {
        ranks = std::make_unique<Ranks<Net, B>>(*config.comm, clf);
        std::printf("data-parallel over %d ranks: %zu images per rank per global batch of %zu\n",
                    config.comm->size(), config.batch / std::size_t(config.comm->size()), config.batch);
    }
#endif
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
        const auto tick = [&](std::size_t done, std::size_t total, double loss, double rate) {
            char text[32];
            std::snprintf(text, sizeof text, "loss %.4f", loss);
            line.update(clf.epoch() + 1, config.epochs, done, total, rate, text);
        };
#if defined(CTNN_WITH_MPI)
        const auto stats = ranks ? ranks->fit_epoch(sets.train, config.batch, tick)
                                 : clf.fit_epoch(sets.train, config.batch, tick);
#else
        const auto stats = clf.fit_epoch(sets.train, config.batch, tick);
#endif
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
    int rank_count = 1;  // processes that trained it (mpirun -np)
#if defined(CTNN_WITH_MPI)
    if (config.comm) rank_count = config.comm->size();
#endif
    auto summary_json = report_json(test);
    summary_json.erase("count"), summary_json.erase("confusion");
    summary_json.update(nlohmann::json{{"epochs", clf.epoch()},
                                       {"epochs_this_run", epoch_seconds.size()},
                                       {"seconds_per_epoch", examples::mean(epoch_seconds)},
                                       {"param_count", Net::param_count},
                                       {"flops_per_image", Net::flops},
                                       {"architecture", Net::fingerprint()},
                                       {"ranks", rank_count},
                                       {"config", examples::to_json(config)}});
    out.write_json("summary.json", summary_json);
    std::printf(
        "outputs in %s: metrics.csv summary.json model.safetensors confusion.csv confusion.png "
        "misclassified.png loss.png accuracy.png\n",
        out.path().c_str());
    return 0;
}

}  // namespace lenet5
