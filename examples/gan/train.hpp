// `gan train` for a generator G, a discriminator D, a loss, classes (a conditional GAN: a 10x10
// grid, one row per digit) and a backend B: trains G against D with a
// progress line and a line per epoch (D loss, G loss, D(x), D(G(z)), seconds), saves the
// checkpoint set every epoch (checkpoint_set.hpp: G, D, the averaged G, one atomic unit; the
// safetensors code is set_io.hpp's, compiled in its own unit on the CPU), writes
// sample grids, curves, metrics.csv and summary.json; SIGINT/SIGTERM save the position inside the
// epoch and exit 130/143. The parts that do not depend on the types are train.cpp's
// (train_support.hpp). train_entry is one (entry, latent, loss); train_arch.cpp instantiates it
// per (architecture, latent, loss) for cpu::Blas, train_cuda.cu for cuda::CuBlas. Under mpirun every
// rank runs it (ranks.hpp): --batch is the global batch, each rank trains on its share, and rank 0
// alone writes the run directory.
#pragma once

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <ctnn/losses/bce.hpp>
#include <ctnn/optim/adam.hpp>
#include <ctnn/train/gan.hpp>

#include "../common/progress.hpp"
#include "../common/signals.hpp"
#include "archs.hpp"
#include "ranks.hpp"
#include "set_io.hpp"
#include "train_support.hpp"

namespace gan {

template <class G, class D, class Loss, std::size_t Classes, class B>
int train(const TrainConfig& config) {
    using namespace ctnn;
    constexpr std::size_t rows = G::output_shape::dims[1], cols = G::output_shape::dims[2];
    Ranks<B> ranks(config);  // under mpirun: this rank's part; rank 0 alone writes
    const bool writer = ranks.writer();
    std::optional<examples::RunDir> out;
    if (writer) out.emplace(config.common.out_dir);
    const data::Dataset train = load_training_set(config);
    const float beta1 = static_cast<float>(config.beta1), beta2 = static_cast<float>(config.beta2);
    GanOptions options = gan_options(config);
    if constexpr (Classes > 0) options.sample_count = Classes * Classes;  // row r of the grid: digit r
    Loss loss{};
    if constexpr (requires { loss.lambda; }) loss.lambda = static_cast<float>(config.gp_lambda);
    auto gan = std::make_unique<Gan<G, D, Loss, Adam, Adam, B, Classes>>(
        Adam{.lr = float(config.lr_g), .beta1 = beta1, .beta2 = beta2},
        Adam{.lr = float(config.lr_d), .beta1 = beta1, .beta2 = beta2}, config.common.seed, options, loss);
    const NetworksReport networks = describe_networks<G, D>();
    std::fputs(networks.text.c_str(), stdout);

    std::optional<examples::History> history;
    if (writer) history.emplace(*out, "metrics.csv", metrics_columns);
    if (!config.common.resume.empty()) {  // every rank reads the set (rank 0's is broadcast below)
        const CheckpointSet set = read_checkpoint_set(config.common.resume);
        load_set(*gan, set, config.common.resume);
        gan->set_epoch(set.epoch);
        gan->set_step(set.step);
        if (!set.epoch_progress.empty()) gan->set_epoch_progress(parse_progress(set.epoch_progress, set));
        check_resume(config, set);
        if (writer) history->resume(fs::path(config.common.resume) / "metrics.csv", set.epoch);
        std::printf("resumed from %s after epoch %llu\n", config.common.resume.c_str(),
                    static_cast<unsigned long long>(set.epoch));
    }
    const auto save = [&] {
        if (!writer) return;
        CheckpointSet set = new_checkpoint_set(*out, gan->epoch(), gan->step());
        describe_set(set, config);
        if (gan->epoch_progress().batches) set.epoch_progress = progress_text(gan->epoch_progress());
        save_set(*gan, set);
        commit_checkpoint_set(*out, set);
    };
    std::vector<float> samples;
    const auto write_samples = [&](const fs::path& path) {
        if (!writer) return;
        gan->sample_fixed(samples);
        examples::write_grid(path, samples.data(), samples.size() / (rows * cols), rows, cols, -1.0f, 1.0f,
                             {}, Classes);
    };

    const examples::StopOnSignal stop;
    if (config.raise_signal_at_step && writer)  // tests: a SIGINT at a known iteration (rank 0's)
        gan->discriminator_step().add_hook([&, at = config.raise_signal_at_step](const auto&) {
            if (gan->step() == at) std::raise(SIGINT);
        });
    ranks.attach(*gan, stop.flag());  // after the hook above: the ranks agree on its stop in that step
    if (ranks.count() > 1)
        std::printf("data-parallel over %d ranks: %zu images per rank per global batch of %zu\n",
                    ranks.count(), config.batch / std::size_t(ranks.count()), config.batch);
    std::vector<double> epoch_seconds;
    examples::ProgressLine line;
    const fs::path samples_dir = writer ? out->subdirectory("samples") : fs::path();
    if (gan->epoch() == 0 && gan->epoch_progress().batches == 0) write_samples(samples_dir / "epoch_000.png");
    while (gan->epoch() < config.epochs) {
        const auto s = ranks.fit_epoch(*gan, train, config.batch,
                                       [&](std::size_t done, std::size_t total, const GanEpochStats& r) {
                                           line.update(gan->epoch() + 1, config.epochs, done, total,
                                                       r.images_per_second, progress_figures(r));
                                       });
        line.clear();
        ranks.average_state(*gan);  // BatchNorm statistics of the ranks' shares, before saving
        if (!s.complete) {  // a signal stopped it (under mpirun: on any rank, all ranks after one iteration)
            save();
            if (writer) report_stop(stop, gan->epoch(), gan->epoch_progress().batches, *out);
            return stop.signal_number() ? stop.exit_code() : 130;
        }
        print_epoch(s);
        if (writer)
            history->add({double(s.epoch + 1), s.d_loss, s.g_loss, s.d_real, s.d_fake, s.noise_std, s.seconds,
                          s.images_per_second});
        epoch_seconds.push_back(s.seconds);
        save();
        if (config.sample_every && gan->epoch() % config.sample_every == 0)
            write_samples(samples_dir / sample_name(gan->epoch()));
    }
    if (!writer) return 0;
    write_samples(*out / "samples.png");
    write_curves(*out, *history, config);
    write_summary(*out, config, *history, epoch_seconds, gan->epoch(), gan->skipped_steps(),
                  networks.generator, networks.discriminator, gan->has_generator_ema(), ranks.count());
    return 0;
}

// The trainer of registry entry Arch with latent Z and the entry's K-th loss.
template <class Arch, std::size_t Z, std::size_t K, class B>
int train_entry(const TrainConfig& config) {
    return train<typename Arch::template generator<Z>, typename Arch::discriminator,
                 typename Arch::losses::template at<K>, Arch::classes, B>(config);
}

}  // namespace gan
