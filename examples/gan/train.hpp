// `gan train` for any architecture A (its generator and discriminator types) and backend B: loads
// MNIST in [-1, 1], trains G against D with a progress line and a line per epoch (D loss, G loss,
// D(x), D(G(z)), seconds), checkpoints G, D (and the averaged G) every epoch, writes sample grids,
// curves, metrics.csv and summary.json. train_cpu.cpp instantiates it for cpu::Blas,
// train_cuda.cu for cuda::CuBlas.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <ctnn/nn/summary.hpp>
#include <ctnn/data/data.hpp>
#include <ctnn/train/checkpoint.hpp>
#include <ctnn/io/csv_log.hpp>
#include <ctnn/io/plot.hpp>
#include <ctnn/losses/bce.hpp>
#include <ctnn/optim/adam.hpp>
#include <ctnn/train/gan.hpp>

#include "common.hpp"
#include "config.hpp"

namespace gan {

struct History {
    std::vector<double> epoch, d_loss, g_loss, d_real, d_fake;

    void add(double e, double d, double g, double real, double fake) {
        epoch.push_back(e), d_loss.push_back(d), g_loss.push_back(g), d_real.push_back(real),
            d_fake.push_back(fake);
    }
    // The rows of an earlier run's metrics.csv up to `epochs`, so a resumed run's curves start at epoch 1.
    void load(const fs::path& csv, std::size_t epochs) {
        std::ifstream in(csv);
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            double v[5];
            if (std::sscanf(line.c_str(), "%lf,%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3], &v[4]) == 5 &&
                v[0] <= double(epochs))
                add(v[0], v[1], v[2], v[3], v[4]);
        }
    }
};

template <class A, class B>
int train(TrainConfig config) {
    using G = typename A::generator;
    using D = typename A::discriminator;
    const fs::path out = config.out_dir;
    fs::create_directories(out / "samples");
    if (::access(out.c_str(), W_OK) != 0) throw std::runtime_error("cannot write to --out " + out.string());
    data::Mnist mnist = data::mnist::load(config.data_dir, data::Normalize::symmetric);
    data::Dataset train =
        config.train_limit ? data::take(mnist.train, config.train_limit) : std::move(mnist.train);
    std::printf("MNIST from %s: %zu training digits in [-1, 1]\n", config.data_dir.c_str(), train.size());

    const GanOptions options{
        .label_real = config.label_real,
        .label_fake = config.label_fake,
        .noise_std = config.noise,
        .noise_anneal_epochs = config.noise_anneal > 0 ? config.noise_anneal : double(config.epochs),
        .d_steps = config.d_steps,
        .schedule = config.lr_decay ? LrSchedule::linear(double(config.epochs)) : LrSchedule::constant(),
        .init = config.init == "dcgan" ? InitScheme::dcgan
              : config.init == "xavier" ? InitScheme::xavier
                                        : InitScheme::pytorch,
        .generator_ema = config.ema};
    const float beta1 = static_cast<float>(config.beta1);
    auto gan = std::make_unique<Gan<G, D, BCEWithLogits, Adam, Adam, B>>(
        Adam{.lr = float(config.lr_g), .beta1 = beta1}, Adam{.lr = float(config.lr_d), .beta1 = beta1},
        config.seed, options);
    std::printf("generator\n%sdiscriminator\n%s", summary<G>().c_str(), summary<D>().c_str());

    const fs::path g_path = out / "generator.safetensors", d_path = out / "discriminator.safetensors",
                   ema_path = out / "generator_ema.safetensors";
    if (!config.resume.empty()) {
        const fs::path dir = config.resume;
        const auto info = io::load_checkpoint(dir / "generator.safetensors", gan->generator(),
                                              &gan->generator_optimizer_state());
        io::load_checkpoint(dir / "discriminator.safetensors", gan->discriminator(),
                            &gan->discriminator_optimizer_state());
        if (gan->has_generator_ema()) {
            if (fs::exists(dir / "generator_ema.safetensors"))
                io::load_checkpoint(dir / "generator_ema.safetensors", gan->sampling_generator());
            else
                std::printf("%s has no generator_ema.safetensors: the average starts from G now\n",
                            dir.c_str());
        }
        gan->set_epoch(info.epoch);
        gan->set_step(info.step);
        std::printf("resumed from %s after epoch %llu\n", dir.c_str(),
                    static_cast<unsigned long long>(info.epoch));
    }
    const auto save = [&] {
        const std::map<std::string, std::string> extra = {{"gan.arch", config.arch},
                                                          {"gan.latent", std::to_string(config.latent)},
                                                          {"config", config.to_json().dump()}};
        auto g_extra = extra, d_extra = extra;
        g_extra["gan.role"] = "generator";
        d_extra["gan.role"] = "discriminator";
        io::save_checkpoint(g_path, gan->generator(), {gan->epoch(), gan->step(), g_extra},
                            &gan->generator_optimizer_state());
        io::save_checkpoint(d_path, gan->discriminator(), {gan->epoch(), gan->step(), d_extra},
                            &gan->discriminator_optimizer_state());
        if (gan->has_generator_ema())
            io::save_checkpoint(ema_path, gan->sampling_generator(), {gan->epoch(), gan->step(), g_extra});
    };
    std::vector<float> samples;
    const auto write_samples = [&](const fs::path& path) {
        gan->sample_fixed(samples);
        write_grid(path, samples.data(), samples.size() / 784, -1.0f, 1.0f);
    };

    io::CsvLog log(
        out / "metrics.csv",
        {"epoch", "d_loss", "g_loss", "d_real", "d_fake", "noise_std", "seconds", "images_per_second"},
        /*append=*/!config.resume.empty());
    History history;
    if (!config.resume.empty()) history.load(fs::path(config.resume) / "metrics.csv", gan->epoch());
    std::vector<double> epoch_seconds;
    const bool terminal = on_terminal();
    if (gan->epoch() == 0) write_samples(out / "samples" / "epoch_000.png");
    while (gan->epoch() < config.epochs) {
        const auto s = gan->fit_epoch(
            train, config.batch, [&](std::size_t done, std::size_t total, const GanEpochStats& r) {
                if (terminal)
                    std::fprintf(
                        stderr,
                        "\r  epoch %zu/%zu  %6zu/%zu  D %.3f  G %.3f  D(x) %.2f  D(G(z)) %.2f  %5.0f img/s ",
                        gan->epoch() + 1, config.epochs, done, total, r.d_loss, r.g_loss, r.d_real, r.d_fake,
                        r.images_per_second);
            });
        if (terminal) std::fprintf(stderr, "\r%100s\r", "");
        std::printf(
            "epoch %2zu  D loss %.4f  G loss %.4f  D(x) %.3f  D(G(z)) %.3f  noise %.3f  %.1f s (%.0f "
            "img/s)%s\n",
            s.epoch + 1, s.d_loss, s.g_loss, s.d_real, s.d_fake, s.noise_std, s.seconds, s.images_per_second,
            s.skipped_steps ? (" " + std::to_string(s.skipped_steps) + " steps skipped").c_str() : "");
        std::fflush(stdout);
        log.row(s.epoch + 1, s.d_loss, s.g_loss, s.d_real, s.d_fake, s.noise_std, s.seconds,
                s.images_per_second);
        history.add(double(s.epoch + 1), s.d_loss, s.g_loss, s.d_real, s.d_fake);
        epoch_seconds.push_back(s.seconds);
        save();
        if (config.sample_every && gan->epoch() % config.sample_every == 0) {
            char name[32];
            std::snprintf(name, sizeof name, "epoch_%03zu.png", gan->epoch());
            write_samples(out / "samples" / name);
        }
    }
    write_samples(out / "samples.png");
    if (!history.epoch.empty()) {
        io::plot_lines(out / "losses.png", "GAN losses (" + config.arch + ")",
                       {{"D loss", history.epoch, history.d_loss}, {"G loss", history.epoch, history.g_loss}},
                       "epoch", "BCE");
        io::plot_lines(out / "probabilities.png", "Discriminator outputs (" + config.arch + ")",
                       {{"D(x)", history.epoch, history.d_real}, {"D(G(z))", history.epoch, history.d_fake}},
                       "epoch", "mean probability");
    }
    double mean_seconds = 0;
    for (double s : epoch_seconds) mean_seconds += s / double(epoch_seconds.size());
    const nlohmann::json summary_json = {
        {"arch", config.arch},
        {"epochs", gan->epoch()},
        {"epochs_this_run", epoch_seconds.size()},
        {"seconds_per_epoch", mean_seconds},
        {"final", history.epoch.empty() ? nlohmann::json()
                                        : nlohmann::json{{"d_loss", history.d_loss.back()},
                                                         {"g_loss", history.g_loss.back()},
                                                         {"d_real", history.d_real.back()},
                                                         {"d_fake", history.d_fake.back()}}},
        {"generator",
         {{"architecture", G::fingerprint()}, {"param_count", G::param_count}, {"flops", G::flops}}},
        {"discriminator",
         {{"architecture", D::fingerprint()}, {"param_count", D::param_count}, {"flops", D::flops}}},
        {"skipped_steps", gan->skipped_steps()},
        {"config", config.to_json()},
    };
    std::ofstream(out / "summary.json") << summary_json.dump(2) << '\n';
    std::printf(
        "outputs in %s: metrics.csv summary.json generator.safetensors discriminator.safetensors "
        "%ssamples.png samples/ losses.png probabilities.png\n",
        out.c_str(), gan->has_generator_ema() ? "generator_ema.safetensors " : "");
    return 0;
}

}  // namespace gan
