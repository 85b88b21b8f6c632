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
// This file reads the flags and dispatches: training is train.hpp (compiled for the CPU in
// train_cpu.cpp, for the GPU in train_cuda.cu), generate.cpp and eval.cpp run on the CPU.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include <ctnn/io/safetensors.hpp>

#include "common.hpp"
#include "config.hpp"
#include "sampling.hpp"

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
        const DeviceChoice device = select_device(tc.device, gpu_status);
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
