// `gan train`'s parts that do not depend on the network types (train_support.hpp).
#include "train_support.hpp"

#include <cstdio>
#include <stdexcept>

#include <ctnn/data/mnist.hpp>

#include "../common/config.hpp"
#include "../common/progress.hpp"

namespace gan {

ctnn::data::Dataset load_training_set(const TrainConfig& config) {
    ctnn::data::Mnist mnist =
        ctnn::data::mnist::load(config.common.data_dir, ctnn::data::Normalize::symmetric);
    ctnn::data::Dataset train =
        config.train_limit ? ctnn::data::take(mnist.train, config.train_limit) : std::move(mnist.train);
    if (train.size() < 2)
        throw std::invalid_argument(config.common.data_dir + ": " + std::to_string(train.size()) +
                                    " training digits" + (config.train_limit ? " (--train-limit)" : "") +
                                    "; a GAN epoch needs at least 2");
    std::printf("MNIST from %s: %zu training digits in [-1, 1]\n", config.common.data_dir.c_str(),
                train.size());
    return train;
}

ctnn::GanOptions gan_options(const TrainConfig& c) {
    using ctnn::InitScheme;
    return {
        .label_real = c.label_real,
        .label_fake = c.label_fake,
        .noise_std = c.noise,
        .noise_anneal_epochs = c.noise_anneal > 0 ? c.noise_anneal : double(c.epochs),
        .d_steps = c.d_steps,
        .schedule = c.lr_decay ? ctnn::LrSchedule::linear(double(c.epochs)) : ctnn::LrSchedule::constant(),
        .init = c.init == "dcgan"    ? InitScheme::dcgan
                : c.init == "xavier" ? InitScheme::xavier
                                     : InitScheme::pytorch,
        .generator_ema = c.ema};
}

std::string progress_figures(const ctnn::GanEpochStats& r) {
    char text[96];
    std::snprintf(text, sizeof text, "D %.3f  G %.3f  D(x) %.2f  D(G(z)) %.2f", r.d_loss, r.g_loss, r.d_real,
                  r.d_fake);
    return text;
}

void print_epoch(const ctnn::GanEpochStats& s) {
    std::printf(
        "epoch %2zu  D loss %.4f  G loss %.4f  D(x) %.3f  D(G(z)) %.3f  noise %.3f  %.1f s (%.0f img/s)%s\n",
        s.epoch + 1, s.d_loss, s.g_loss, s.d_real, s.d_fake, s.noise_std, s.seconds, s.images_per_second,
        s.skipped_steps ? (" " + std::to_string(s.skipped_steps) + " steps skipped").c_str() : "");
    std::fflush(stdout);
}

void report_stop(const examples::StopOnSignal& stop, std::size_t epoch, std::size_t batches,
                 const examples::RunDir& out) {
    std::printf(
        "%s: stopped in epoch %zu after %zu iterations; %s names the saved position (--resume %s to go on)\n",
        stop.signal_name(), epoch + 1, batches, (out / manifest_name).c_str(), out.path().c_str());
}

std::string sample_name(std::size_t epoch) {
    char name[32];
    std::snprintf(name, sizeof name, "epoch_%03zu.png", epoch);
    return name;
}

std::string progress_text(const ctnn::GanEpochProgress& p) {
    return nlohmann::json{{"batches", p.batches}, {"seen", p.seen},       {"d_steps", p.d_steps},
                          {"g_steps", p.g_steps}, {"skipped", p.skipped}, {"d_loss", p.d_loss},
                          {"g_loss", p.g_loss},   {"d_real", p.d_real},   {"d_fake", p.d_fake},
                          {"seconds", p.seconds}}
        .dump();
}

ctnn::GanEpochProgress parse_progress(const std::string& text, const CheckpointSet& set) {
    ctnn::GanEpochProgress p;
    try {
        const auto j = nlohmann::json::parse(text);
        j.at("batches").get_to(p.batches), j.at("seen").get_to(p.seen), j.at("d_steps").get_to(p.d_steps);
        j.at("g_steps").get_to(p.g_steps), j.at("skipped").get_to(p.skipped), j.at("d_loss").get_to(p.d_loss);
        j.at("g_loss").get_to(p.g_loss), j.at("d_real").get_to(p.d_real), j.at("d_fake").get_to(p.d_fake);
        j.at("seconds").get_to(p.seconds);
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error("checkpoint set " + set.id +
                                 ": 'epoch_progress' is not a position: " + e.what());
    }
    return p;
}

void check_resume(const TrainConfig& config, const CheckpointSet& set) {
    std::vector<std::string> skip;
    if (!config.lr_decay && config.noise == 0) skip.push_back("epochs");  // no schedule depends on it
    examples::report_resume_differences(
        examples::differences(config, examples::saved_config(set.config), skip), config.common.resume);
}

void describe_set(CheckpointSet& set, const TrainConfig& config) {
    set.arch = config.arch;
    set.latent = std::to_string(config.latent);
    set.config = examples::to_json(config).dump();
}

std::map<std::string, std::string> set_metadata(const CheckpointSet& set, const std::string& role) {
    return {{"gan.arch", set.arch},
            {"gan.latent", set.latent},
            {"gan.role", role},
            {"gan.set", set.id},
            {"config", set.config}};
}

void write_curves(const examples::RunDir& out, const examples::History& history, const TrainConfig& config) {
    examples::plot_history(out / "losses.png", "GAN losses (" + config.arch + ")", history,
                           {{"D loss", "d_loss"}, {"G loss", "g_loss"}},
                           config.loss == "bce" ? "BCE" : config.loss);
    examples::plot_history(out / "probabilities.png", "Discriminator outputs (" + config.arch + ")", history,
                           {{"D(x)", "d_real"}, {"D(G(z))", "d_fake"}},
                           config.loss == "bce" ? "mean probability" : "mean critic value");
}

void write_summary(const examples::RunDir& out, const TrainConfig& config, const examples::History& history,
                   const std::vector<double>& epoch_seconds, std::size_t epochs, std::size_t skipped_steps,
                   const nlohmann::json& generator, const nlohmann::json& discriminator, bool ema,
                   int ranks) {
    nlohmann::json final_figures;  // null when no epoch was trained
    if (history.rows())
        for (const char* key : {"d_loss", "g_loss", "d_real", "d_fake"})
            final_figures[key] = history.column(key).back();
    out.write_json("summary.json", {{"arch", config.arch},
                                    {"loss", config.loss},
                                    {"epochs", epochs},
                                    {"epochs_this_run", epoch_seconds.size()},
                                    {"seconds_per_epoch", examples::mean(epoch_seconds)},
                                    {"final", final_figures},
                                    {"generator", generator},
                                    {"discriminator", discriminator},
                                    {"skipped_steps", skipped_steps},
                                    {"ranks", ranks},
                                    {"config", examples::to_json(config)}});
    std::printf(
        "outputs in %s: metrics.csv summary.json checkpoint.json generator.safetensors "
        "discriminator.safetensors %ssamples.png samples/ losses.png probabilities.png\n",
        out.path().c_str(), ema ? "generator_ema.safetensors " : "");
}

}  // namespace gan
