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
// This file reads the flags, generates and evaluates (on the CPU); training is train.hpp,
// compiled for the CPU in train_cpu.cpp and for the GPU in train_cuda.cu.
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

#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/core/random.hpp>
#include <ctnn/data/data.hpp>
#include <ctnn/io/atomic_file.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/nn/model.hpp>
#include <ctnn/train/gan_eval.hpp>

#include "common.hpp"
#include "config.hpp"

using namespace gan;

namespace {

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
#if defined(CTNN_WITH_CUDA)
        const DeviceChoice device = select_device(tc.device, gpu_status());
#else
        const DeviceChoice device = select_device(tc.device);
#endif  // --device cuda without a usable GPU: exits 1, says why
        std::printf("device: %s\n", device.description.c_str());
#if defined(CTNN_WITH_CUDA)
        if (device.device == Device::cuda) return train_cuda(tc);
#endif
        return train_cpu(tc);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
