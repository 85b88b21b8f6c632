// gan: GANs that draw MNIST digits, and numbers that say how well.
//   gan train    --arch mlp|mlp-bn|mlp-bn-relu|dcgan (mlp-bn-mbstd, dcgan-mbstd: D with a minibatch-
//                stddev feature; dcgan-wide, dcgan-wide-d: G or D with twice the channels): trains G
//                against D; per epoch a progress line, then D loss, G loss, D(x), D(G(z)) and seconds.
//                Writes to --out: metrics.csv, an 8x8 grid of the fixed latent batch every
//                --sample-every epochs (samples/) and at the end (samples.png), losses.png and
//                probabilities.png, generator.safetensors and discriminator.safetensors (with
//                optimizer state, every epoch), summary.json.
//                --ema DECAY also keeps a moving average of G's weights, generator_ema.safetensors,
//                which the grids show (evaluate it like generator.safetensors).
//                --device cpu|cuda|auto (a -DCTNN_CUDA=ON build trains on the GPU; generate and eval
//                run on the CPU, and read GPU-trained checkpoints as they are).
//   gan generate --checkpoint G.safetensors --count N --out FILE.png|FILE.npy (float32 N x 28 x 28, [-1, 1])
//   gan eval     --generator G.safetensors --classifier lenet5.safetensors: class histogram, mean
//                confidence, Inception Score and FID in LeNet-5's 84-d feature space, for generated and
//                for real test digits (the ceiling); eval.json, predictions.csv, digits.png (5x5, captioned).
//   ./build/examples/gan train --arch mlp-bn --epochs 30 --out runs/gan-mlp-bn
//   ./build/examples/gan eval --generator runs/gan-mlp-bn/generator.safetensors
//       --classifier runs/lenet5/model.safetensors --out runs/gan-mlp-bn/eval
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <bit>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <ctnn/backend/device.hpp>
#include <ctnn/ctnn.hpp>
#include <ctnn/data/data.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/io/csv_log.hpp>
#include <ctnn/io/grid.hpp>
#include <ctnn/io/plot.hpp>
#include <ctnn/io/png.hpp>
#include <ctnn/models/dcgan.hpp>
#include <ctnn/models/gan.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/train/gan.hpp>
#include <ctnn/train/gan_eval.hpp>

namespace fs = std::filesystem;
using namespace ctnn;

struct TrainConfig {
    std::string arch = "mlp-bn";  // mlp | mlp-bn | mlp-bn-relu | dcgan, or a variant (see --arch)
    std::string data_dir = "data/mnist";
    std::size_t epochs = 30;
    // Per-architecture defaults (set_arch_defaults) unless given as flags:
    std::size_t batch = 64;  // seed 002: 64; DCGAN: 32 (measured best at 10 epochs); seed 001: 128
    double lr_g = 2e-4;      // seed 001: G 1e-4, D 3e-4; seed 002 and DCGAN: 2e-4 both
    double lr_d = 2e-4;
    double beta1 = 0.5;            // Adam beta1 (DCGAN's 0.5; beta2 stays 0.999)
    std::size_t latent = 100;      // seed 001: 128
    float label_real = 1.0f;       // seed 001: 0.9 (one-sided label smoothing)
    float label_fake = 0.0f;       // seed 001: 0.1
    float noise = 0.0f;            // instance noise std on D's inputs (seed 001: 0.1) ...
    double noise_anneal = 0;       // ... decaying linearly to 0 over this many epochs (0: --epochs)
    std::size_t d_steps = 1;       // D steps per G step
    std::string init = "pytorch";  // weights: pytorch | xavier | dcgan (N(0, 0.02), DCGAN's default)
    double ema = 0;                // decay of the moving average of G's weights (0: none)
    bool lr_decay = false;         // both learning rates fall linearly to 0 over --epochs
    std::size_t sample_every = 5;  // epochs between progress grids
    std::uint64_t seed = 42;
    int threads = 0;              // 0: every core
    std::size_t train_limit = 0;  // 0: all 60,000 training digits
    std::string out_dir = "runs/gan";
    std::string resume;           // a run directory holding generator/discriminator.safetensors
    std::string device = "auto";  // cpu | cuda | auto (the GPU when one is usable); generate/eval: CPU

    nlohmann::json to_json() const {
        return {{"arch", arch},
                {"data", data_dir},
                {"epochs", epochs},
                {"batch", batch},
                {"lr_g", lr_g},
                {"lr_d", lr_d},
                {"beta1", beta1},
                {"latent", latent},
                {"label_real", label_real},
                {"label_fake", label_fake},
                {"noise", noise},
                {"noise_anneal", noise_anneal},
                {"d_steps", d_steps},
                {"init", init},
                {"ema", ema},
                {"lr_decay", lr_decay},
                {"sample_every", sample_every},
                {"seed", seed},
                {"threads", get_num_threads()},
                {"train_limit", train_limit},
                {"out", out_dir},
                {"device", device},
                {"resume", resume}};
    }
};

namespace {

// The (G, D) pair of each --arch, for each compiled-in latent size.
template <class G, class D>
struct Arch {
    using generator = G;
    using discriminator = D;
};

// Every --arch with_arch knows: the option's check and the unknown-arch message list these.
const std::vector<std::string> arch_names = {"mlp",         "mlp-bn",      "mlp-bn-relu", "dcgan",
                                             "mlp-bn-mbstd", "dcgan-mbstd", "dcgan-wide",  "dcgan-wide-d"};

template <std::size_t Z, class F>
int with_arch(const std::string& arch, F&& f) {
    if (arch == "mlp") return f(Arch<models::MlpGenerator<Z>, models::MlpDiscriminator>{});
    if (arch == "mlp-bn") return f(Arch<models::MlpGeneratorBN<Z>, models::MlpDiscriminator>{});
    if (arch == "mlp-bn-relu")
        return f(Arch<models::MlpGeneratorBNRelu<Z>, models::MlpDiscriminatorDropout>{});
    if (arch == "dcgan") return f(Arch<models::DcganGenerator<Z>, models::DcganDiscriminator>{});
    if (arch == "mlp-bn-mbstd") return f(Arch<models::MlpGeneratorBN<Z>, models::MlpDiscriminatorMbstd>{});
    if (arch == "dcgan-mbstd") return f(Arch<models::DcganGenerator<Z>, models::DcganDiscriminatorMbstd>{});
    if (arch == "dcgan-wide") return f(Arch<models::DcganGeneratorWide<Z>, models::DcganDiscriminator>{});
    if (arch == "dcgan-wide-d") return f(Arch<models::DcganGenerator<Z>, models::DcganDiscriminatorWide>{});
    std::string known;
    for (const auto& name : arch_names) known += (known.empty() ? "" : ", ") + name;
    throw std::invalid_argument("unknown architecture '" + arch + "' (" + known + ")");
}

template <class F>
int with_arch(const std::string& arch, std::size_t latent, F&& f) {
    switch (latent) {  // the latent size is a template parameter: these are compiled in
        case 64:
            return with_arch<64>(arch, f);
        case 100:
            return with_arch<100>(arch, f);
        case 128:
            return with_arch<128>(arch, f);
        default:
            throw std::invalid_argument("--latent " + std::to_string(latent) +
                                        ": this build has 64, 100, 128");
    }
}

void set_arch_defaults(TrainConfig& c, const CLI::App& app) {
    const auto unset = [&](const char* flag) { return app.count(flag) == 0; };
    const bool seed001 = c.arch == "mlp-bn-relu", dcgan = c.arch.starts_with("dcgan");
    if (unset("--batch")) c.batch = seed001 ? 128 : dcgan ? 32 : 64;
    if (unset("--lr-g")) c.lr_g = seed001 ? 1e-4 : 2e-4;
    if (unset("--lr-d")) c.lr_d = seed001 ? 3e-4 : 2e-4;
    if (unset("--latent")) c.latent = seed001 ? 128 : 100;
    if (unset("--label-real")) c.label_real = seed001 ? 0.9f : 1.0f;
    if (unset("--label-fake")) c.label_fake = seed001 ? 0.1f : 0.0f;
    if (unset("--noise")) c.noise = seed001 ? 0.1f : 0.0f;
    if (unset("--init")) c.init = dcgan ? "dcgan" : "pytorch";
}

bool on_terminal() {
    return ::isatty(::fileno(stderr)) != 0;
}

std::string metadata(const io::SafetensorsFile& file, const std::string& key) {
    const auto it = file.metadata.find(key);
    return it == file.metadata.end() ? std::string() : it->second;
}

// A square-ish grid of 28x28 images in [lo, hi].
void write_grid(const fs::path& path, const float* images, std::size_t count, float lo, float hi,
                const std::vector<std::string>& captions = {}) {
    const auto cols = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(count))));
    io::write_png(path,
                  io::image_grid(images, count, 28, 28, cols, lo, hi, captions.empty() ? 2 : 3, 2, captions));
}

// N x 28 x 28 float32 as NumPy .npy (format 1.0): magic, version, header length, a dict
// padded with spaces to a multiple of 64 bytes and ended by '\n', then the raw little-endian data.
void write_npy(const fs::path& path, const std::vector<float>& images, std::size_t count) {
    std::string header =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(count) + ", 28, 28), }";
    const std::size_t preamble = 10;  // magic (6) + version (2) + header length (2)
    header.append(63 - (preamble + header.size()) % 64, ' ');
    header += '\n';
    std::string bytes = "\x93NUMPY";
    bytes += '\x01';
    bytes += '\x00';
    bytes += static_cast<char>(header.size() & 0xFF);
    bytes += static_cast<char>(header.size() >> 8);
    bytes += header;
    static_assert(std::endian::native == std::endian::little,
                  "write_npy writes the host's float bytes as '<f4'");
    const auto* raw = reinterpret_cast<const std::byte*>(images.data());
    const std::span<const std::byte> chunks[] = {std::as_bytes(std::span(bytes)),
                                                 std::span(raw, count * 784 * sizeof(float))};
    io::write_file_atomic(path, std::span<const std::span<const std::byte>>(chunks));
}

// How digits are drawn from a trained G.
struct Sampling {
    std::uint64_t seed = 1;
    // G's BatchNorm layers normalise with each chunk's own statistics (train mode, as PyTorch
    // notebooks that never call G.eval() sample) instead of the running statistics.
    bool batch_stats = false;
    // Latents redrawn until every |z_i| <= truncation (0: plain N(0, 1)).
    double truncation = 0;
};

// count digits from G on seeded latents, count x 784 in [-1, 1].
template <class G>
std::vector<float> generate(Model<G, cpu::Blas>& g, std::size_t count, const Sampling& sampling) {
    constexpr std::size_t chunk = 500, z_size = G::input_shape::size;
    Rng rng(sampling.seed);
    std::vector<float> z(chunk * z_size), images(count * 784);
    if (sampling.batch_stats)
        g.train();
    else
        g.eval();
    for (std::size_t first = 0; first < count; first += chunk) {
        const std::size_t n = std::min(chunk, count - first);
        for (std::size_t i = 0; i < n * z_size; ++i)
            z[i] = static_cast<float>(rng.truncated_normal(sampling.truncation));
        const float* out = g.forward(z.data(), n);
        std::copy(out, out + n * 784, images.begin() + static_cast<std::ptrdiff_t>(first * 784));
    }
    return images;
}

// Loads a generator checkpoint written by `gan train` and calls f(model) with the right type.
template <class F>
int with_generator(const fs::path& path, F&& f) {
    const auto file = io::load_safetensors(path);
    const std::string arch = metadata(file, "gan.arch"), latent = metadata(file, "gan.latent");
    if (metadata(file, "gan.role") != "generator" || arch.empty() || latent.empty())
        throw std::runtime_error(path.string() +
                                 ": not a generator checkpoint of `gan train` (metadata gan.role, "
                                 "gan.arch, gan.latent missing)");
    return with_arch(arch, std::stoul(latent), [&]<class A>(A) {
        auto g = std::make_unique<Model<typename A::generator, cpu::Blas>>();
        io::load_checkpoint(path, *g);
        std::printf("generator %s (%s, latent %s, %zu parameters) from %s\n", arch.c_str(),
                    A::generator::fingerprint().c_str(), latent.c_str(), A::generator::param_count,
                    path.c_str());
        return f(*g);
    });
}

// ---------------------------------------------------------------------------- train
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
        .lr_decay_epochs = config.lr_decay ? double(config.epochs) : 0.0,
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

// ---------------------------------------------------------------------------- generate
int generate_command(const fs::path& checkpoint, std::size_t count, const fs::path& out, const Sampling& sampling) {
    return with_generator(checkpoint, [&]<class G>(Model<G, cpu::Blas>& g) {
        const auto images = generate(g, count, sampling);
        if (out.has_parent_path()) fs::create_directories(out.parent_path());
        if (out.extension() == ".npy")
            write_npy(out, images, count);
        else
            write_grid(out, images.data(), count, -1.0f, 1.0f);
        std::printf("%zu digits -> %s\n", count, out.c_str());
        return 0;
    });
}

// ---------------------------------------------------------------------------- eval
struct EvalConfig {
    std::string generator, classifier, data_dir = "data/mnist", out_dir;
    std::size_t count = 10000;
    std::uint64_t seed = 1;
    std::size_t splits = 10;  // Inception Score: mean over this many parts
    std::string bn_stats = "running";  // G's BatchNorm when sampling: running | batch
    double truncation = 0;             // |z_i| bound of the latents (0: none)
};

nlohmann::json quality_json(const SampleQuality& q) {
    return {{"fid", q.fid},
            {"inception_score", q.inception.mean},
            {"inception_score_std", q.inception.std},
            {"class_histogram", q.class_histogram},
            {"mean_confidence", q.mean_confidence}};
}

template <class Net>
int evaluate(const EvalConfig& config, const fs::path& classifier_path) {
    auto clf = std::make_unique<Model<Net, cpu::Blas>>();
    io::load_checkpoint(classifier_path, *clf);
    const fs::path out = config.out_dir;
    fs::create_directories(out);
    // LeNet-5 was trained on [0, 1] pixels (examples/lenet5): real digits load that way, and
    // generated ones map from [-1, 1].
    const data::Mnist mnist = data::mnist::load(config.data_dir, data::Normalize::unit);
    const std::size_t count = config.count;
    const auto reference_set =
        data::split(mnist.train, std::min(count, mnist.train.size()), config.seed).second;
    const auto real_set = data::take(mnist.test, count);
    constexpr std::size_t layer = models::lenet5_feature_layer;
    const auto reference =
        gaussian_stats(read_classifier<layer>(*clf, reference_set.images.data(), reference_set.size()));
    const auto real = sample_quality(read_classifier<layer>(*clf, real_set.images.data(), real_set.size()),
                                     reference, config.splits);
    std::printf("reference: %zu training digits; real: %zu test digits, FID %.3f, IS %.3f\n",
                reference_set.size(), real_set.size(), real.fid, real.inception.mean);

    return with_generator(config.generator, [&]<class G>(Model<G, cpu::Blas>& g) {
        auto images = generate(g, count, Sampling{config.seed, config.bn_stats == "batch", config.truncation});
        std::vector<float> unit(images.size());
        std::transform(images.begin(), images.end(), unit.begin(), [](float v) { return (v + 1.0f) * 0.5f; });
        const auto readout = read_classifier<layer>(*clf, unit.data(), count);
        const auto gen = sample_quality(readout, reference, config.splits);

        std::ofstream csv(out / "predictions.csv");
        csv << "index,predicted,confidence\n";
        for (std::size_t i = 0; i < count; ++i)
            csv << i << ',' << readout.predicted[i] << ',' << readout.confidence[i] << '\n';
        std::vector<std::string> captions;
        const std::size_t shown = std::min<std::size_t>(25, count);
        for (std::size_t i = 0; i < shown; ++i) {
            char text[32];
            std::snprintf(text, sizeof text, "%d (%.2f)", readout.predicted[i],
                          double(readout.confidence[i]));
            captions.push_back(text);
        }
        write_grid(out / "digits.png", images.data(), shown, -1.0f, 1.0f, captions);

        double min_fraction = 1;
        for (auto c : gen.class_histogram) min_fraction = std::min(min_fraction, double(c) / double(count));
        nlohmann::json result = quality_json(gen);
        result["count"] = count;
        result["min_class_fraction"] = min_fraction;
        result["real_fid"] = real.fid;
        result["real_inception_score"] = real.inception.mean;
        result["real"] = quality_json(real);
        result["reference"] = {{"source", "MNIST training digits"}, {"count", reference_set.size()}};
        result["generator"] = config.generator;
        result["classifier"] = {{"path", classifier_path.string()}, {"architecture", Net::fingerprint()}};
        result["seed"] = config.seed;
        result["bn_stats"] = config.bn_stats;
        result["truncation"] = config.truncation;
        std::ofstream(out / "eval.json") << result.dump(2) << '\n';

        std::printf("generated: %zu digits  FID %.3f  IS %.3f +- %.3f  mean confidence %.3f\n", count,
                    gen.fid, gen.inception.mean, gen.inception.std, gen.mean_confidence);
        std::printf("class histogram:");
        for (std::size_t c = 0; c < gen.class_histogram.size(); ++c)
            std::printf(" %zu:%.1f%%", c, 100.0 * double(gen.class_histogram[c]) / double(count));
        std::printf("\nreal test digits (ceiling): FID %.3f  IS %.3f  mean confidence %.3f\n", real.fid,
                    real.inception.mean, real.mean_confidence);
        std::printf("outputs in %s: eval.json predictions.csv digits.png\n", out.c_str());
        return 0;
    });
}

int eval_command(EvalConfig config) {
    const fs::path classifier = config.classifier;
    if (config.out_dir.empty()) config.out_dir = (fs::path(config.generator).parent_path() / "eval").string();
    const std::string arch = metadata(io::load_safetensors(classifier), "architecture");
    if (arch == models::LeNet5::fingerprint()) return evaluate<models::LeNet5>(config, classifier);
    if (arch == models::LeNet5Relu::fingerprint()) return evaluate<models::LeNet5Relu>(config, classifier);
    throw std::runtime_error(classifier.string() +
                             ": not a LeNet-5 checkpoint of examples/lenet5 (architecture '" + arch + "')");
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"GANs that draw MNIST digits (ctnn)"};
    app.require_subcommand(1);
    app.option_defaults()->always_capture_default();

    TrainConfig tc;
    CLI::App* train_cmd = app.add_subcommand("train", "train a GAN on MNIST");
    train_cmd
        ->add_option("--arch", tc.arch,
                     "mlp | mlp-bn | mlp-bn-relu | dcgan; mlp-bn-mbstd and dcgan-mbstd: D with a "
                     "minibatch-stddev feature; dcgan-wide, dcgan-wide-d: the DCGAN with twice G's or "
                     "D's channels")
        ->check(CLI::IsMember(arch_names));
    train_cmd->add_option("--data", tc.data_dir, "MNIST directory (IDX, .gz IDX or CSV files)");
    train_cmd->add_option("--epochs", tc.epochs, "epochs to train (in all, a resumed run included)")
        ->check(CLI::PositiveNumber);
    train_cmd
        ->add_option("--batch", tc.batch,
                     "mini-batch size (default by arch: 64; 128 for mlp-bn-relu; 32 for dcgan)")
        ->check(CLI::Range(std::size_t{2}, std::size_t{1} << 20));
    train_cmd->add_option("--lr-g", tc.lr_g, "generator learning rate (default by arch)")
        ->check(CLI::PositiveNumber);
    train_cmd->add_option("--lr-d", tc.lr_d, "discriminator learning rate (default by arch)")
        ->check(CLI::PositiveNumber);
    train_cmd->add_option("--beta1", tc.beta1, "Adam beta1 for both networks")
        ->check(CLI::Range(0.0, 0.9999));
    train_cmd->add_option("--latent", tc.latent, "latent size: 64, 100 or 128 (default by arch)")
        ->check(CLI::IsMember({std::size_t{64}, std::size_t{100}, std::size_t{128}}));
    train_cmd->add_option("--label-real", tc.label_real, "D's target for real digits")
        ->check(CLI::Range(0.0f, 1.0f));
    train_cmd->add_option("--label-fake", tc.label_fake, "D's target for generated digits")
        ->check(CLI::Range(0.0f, 1.0f));
    train_cmd->add_option("--noise", tc.noise, "instance noise std on D's inputs, decaying to 0")
        ->check(CLI::Range(0.0f, 10.0f));
    train_cmd
        ->add_option("--noise-anneal", tc.noise_anneal, "epochs over which the noise decays (0: --epochs)")
        ->check(CLI::NonNegativeNumber);
    train_cmd->add_option("--d-steps", tc.d_steps, "D steps per G step")->check(CLI::PositiveNumber);
    train_cmd->add_option("--init", tc.init, "weight init: pytorch | xavier | dcgan (default by arch)")
        ->check(CLI::IsMember({"pytorch", "xavier", "dcgan"}));
    train_cmd->add_flag("--lr-decay", tc.lr_decay, "both learning rates fall linearly to 0 over --epochs");
    train_cmd
        ->add_option("--ema", tc.ema,
                     "decay of a moving average of G's weights, saved as generator_ema.safetensors "
                     "and shown in the grids (0: none; 0.999 typical)")
        ->check(CLI::Range(0.0, 0.99999));
    train_cmd->add_option("--sample-every", tc.sample_every,
                          "epochs between sample grids (0: only at the end)");
    train_cmd->add_option("--seed", tc.seed, "seed of weights, shuffling, latents and noise");
    train_cmd->add_option("--threads", tc.threads, "CPU threads (0: all cores)")
        ->check(CLI::NonNegativeNumber);
    train_cmd->add_option("--train-limit", tc.train_limit, "train on the first N digits only (0: all)");
    train_cmd->add_option("--out", tc.out_dir, "output directory");
    train_cmd
        ->add_option("--resume", tc.resume,
                     "run directory to resume (its generator/discriminator.safetensors)")
        ->check(CLI::ExistingDirectory);
    train_cmd->add_option("--device", tc.device, "cpu | cuda | auto (the GPU when one is usable)")
        ->check(CLI::IsMember({"cpu", "cuda", "auto"}));

    std::string checkpoint, gen_out = "digits.png";
    std::size_t gen_count = 64;
    Sampling gen_sampling;
    std::string gen_bn_stats = "running";
    CLI::App* generate_cmd = app.add_subcommand("generate", "draw digits with a trained generator");
    generate_cmd->add_option("--checkpoint", checkpoint, "generator.safetensors of `gan train`")
        ->required()
        ->check(CLI::ExistingFile);
    generate_cmd->add_option("--count", gen_count, "how many digits")->check(CLI::PositiveNumber);
    generate_cmd->add_option("--out", gen_out,
                             "FILE.png (a grid) or FILE.npy (float32 N x 28 x 28 in [-1, 1])");
    generate_cmd->add_option("--seed", gen_sampling.seed, "seed of the latents");
    constexpr const char* truncation_help =
        "truncation trick: latents redrawn until every |z_i| <= T (e.g. 1.0; 0: plain N(0, 1))";
    generate_cmd->add_option("--truncation", gen_sampling.truncation, truncation_help)
        ->check(CLI::NonNegativeNumber);
    generate_cmd
        ->add_option("--bn-stats", gen_bn_stats,
                     "G's BatchNorm: running (eval mode) | batch (each chunk of 500's own statistics)")
        ->check(CLI::IsMember({"running", "batch"}));

    EvalConfig ec;
    CLI::App* eval_cmd =
        app.add_subcommand("eval", "score a generator with a trained LeNet-5 (FID, IS, classes)");
    eval_cmd->add_option("--generator", ec.generator, "generator.safetensors of `gan train`")
        ->required()
        ->check(CLI::ExistingFile);
    eval_cmd
        ->add_option("--classifier", ec.classifier, "model.safetensors of examples/lenet5 (classic or relu)")
        ->required()
        ->check(CLI::ExistingFile);
    eval_cmd->add_option("--data", ec.data_dir,
                         "MNIST directory (real digits: the reference and the ceiling)");
    eval_cmd->add_option("--count", ec.count, "generated digits (and real ones) to score")
        ->check(CLI::Range(std::size_t{2}, std::size_t{1} << 20));
    eval_cmd->add_option("--out", ec.out_dir, "output directory (default: <generator dir>/eval)");
    eval_cmd->add_option("--seed", ec.seed, "seed of the latents and of the reference sample");
    eval_cmd
        ->add_option("--bn-stats", ec.bn_stats,
                     "G's BatchNorm: running (eval mode) | batch (each chunk of 500's own statistics)")
        ->check(CLI::IsMember({"running", "batch"}));
    eval_cmd->add_option("--truncation", ec.truncation, truncation_help)->check(CLI::NonNegativeNumber);
    eval_cmd->add_option("--splits", ec.splits, "Inception Score splits")->check(CLI::PositiveNumber);
    eval_cmd->add_option("--threads", tc.threads, "CPU threads (0: all cores)")
        ->check(CLI::NonNegativeNumber);

    CLI11_PARSE(app, argc, argv);
    try {
        set_num_threads(tc.threads);
        if (*generate_cmd) {
            gen_sampling.batch_stats = gen_bn_stats == "batch";
            return generate_command(checkpoint, gen_count, gen_out, gen_sampling);
        }
        if (*eval_cmd) return eval_command(ec);
        std::string resumed_latent;
        if (!tc.resume.empty()) {  // a resumed run keeps the checkpoint's architecture and latent size
            const auto file = io::load_safetensors(fs::path(tc.resume) / "generator.safetensors");
            const std::string arch = metadata(file, "gan.arch");
            if (train_cmd->count("--arch") && arch != tc.arch)
                throw std::runtime_error("--arch " + tc.arch + " but " + tc.resume + " holds a " + arch +
                                         " GAN");
            tc.arch = arch;
            resumed_latent = metadata(file, "gan.latent");
        }
        set_arch_defaults(tc, *train_cmd);
        if (!resumed_latent.empty()) tc.latent = std::stoul(resumed_latent);
        const DeviceChoice device = select_device(tc.device);  // cuda without a GPU: exits 1, says why
        std::printf("device: %s\n", device.description.c_str());
        return with_backend(device.device, [&]<class B>() {
            return with_arch(tc.arch, tc.latent, [&]<class A>(A) { return train<A, B>(tc); });
        });
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
