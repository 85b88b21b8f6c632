// gan: GANs that draw MNIST digits, and numbers that say how well.
//   gan train    --arch NAME (archs.hpp's registry; `gan train --help` lists them): trains G against
//                D; per epoch a progress line, then D loss, G loss, D(x), D(G(z)) and seconds. Writes
//                to --out: metrics.csv, an 8x8 grid of the fixed latent batch every --sample-every
//                epochs (samples/) and at the end (samples.png), losses.png and probabilities.png,
//                generator.safetensors, discriminator.safetensors (and with --ema DECAY the moving
//                average of G, generator_ema.safetensors), checkpoint.json (the manifest naming the
//                consistent set of one moment that --resume reads), summary.json. One run per --out
//                (a lock); Ctrl-C or SIGTERM saves the position inside the epoch and exits 130/143.
//                --device cpu|cuda|auto (a -DCTNN_CUDA=ON build trains on the GPU; generate and eval
//                run on the CPU, and read GPU-trained checkpoints as they are).
//                --loss bce|hinge|wgan-gp: the objective (the registry says which an arch takes).
//                A conditional arch (cdcgan, cmlp) sees the digit; its grids hold a row per digit.
//   gan generate --checkpoint G.safetensors --count N --out FILE.png|FILE.npy (float32 N x H x W, [-1, 1])
//                [--digit D: a conditional G draws digit D]
//   gan export --checkpoint G.safetensors --name NAME --out FILE.h   (one header: weights + forward)
//   gan eval     --generator G.safetensors --classifier lenet5.safetensors: class histogram, mean
//                confidence, Inception Score and FID in LeNet-5's 84-d feature space, for generated and
//                for real test digits (the ceiling); eval.json, predictions.csv, digits.png (5x5, captioned);
//                a conditional G draws every digit equally often and eval.json adds conditional_agreement
//                and per_digit_agreement (the share the classifier reads as the digit asked for).
//   ./build/examples/gan train --arch mlp-bn --epochs 30 --out runs/gan-mlp-bn
//   mpirun -np 2 ./build/examples/gan train --threads 1 ...   # data-parallel (CTNN_MPI): rank 0 writes
//   ./build/examples/gan eval --generator runs/gan-mlp-bn/generator.safetensors
//       --classifier runs/lenet5/model.safetensors --out runs/gan-mlp-bn/eval
// This file reads the flags (the CLI11 unit); train.cpp, generate.cpp and eval.cpp run them.
#include <cstdio>
#include <exception>

#include <ctnn/backend/threads.hpp>

#if defined(CTNN_WITH_MPI)
#include <ctnn/dist/communicator.hpp>
#include <ctnn/dist/fail_together.hpp>
#endif

#include "../common/options.hpp"
#include "config.hpp"

using namespace gan;
using examples::integer_in;
using examples::positive_number;

namespace {

// Runs a subcommand, printing its error: 2 for a usage error, 1 for any other.
template <class F>
int report_errors(F&& command) {
    try {
        return command();
    } catch (const UsageError& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}

#if defined(CTNN_WITH_MPI)
// Under mpirun: `gan train` runs on every rank (ranks.hpp: each trains its share of the global
// batch) and rank 0 alone prints and writes; the other ranks' standard output goes to /dev/null
// (their errors still reach stderr). generate, eval and export run on rank 0 alone. A rank that
// fails ends every rank with the same "ctnn: rank R failed: ..." line and exit status 1; a usage
// error (the same on every rank) exits 2.
template <class F>
int run_ranks(int& argc, char**& argv, TrainConfig* tc, F&& command) {
    ctnn::dist::Environment env(argc, argv);
    ctnn::dist::Communicator comm;
    if (tc) tc->comm = &comm;
    if (!comm.is_root() && !std::freopen("/dev/null", "w", stdout))
        std::fprintf(stderr, "gan: rank %d could not silence its standard output\n", comm.rank());
    int status = 0;
    const int together = ctnn::dist::run_together(env, comm, [&] {
        if (!tc && !comm.is_root()) return;
        try {
            status = command();
        } catch (const UsageError& e) {
            std::fprintf(stderr, "error: %s\n", e.what());
            status = 2;
        }
    });
    return together != 0 ? together : status;
}
#endif

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"GANs that draw MNIST digits (ctnn)"};
    app.require_subcommand(1);
    app.option_defaults()->always_capture_default();

    TrainConfig tc;
    CLI::App* train = app.add_subcommand("train", "train a GAN on MNIST");
    std::string arch_help = "architecture:";
    for (const auto& a : arch_infos()) arch_help += std::string("\n  ") + a.name + ": " + a.help;
    train->add_option("--arch", tc.arch, arch_help)->check(CLI::IsMember(arch_names()));
    std::string loss_help =
        "objective: bce (the non-saturating BCE game) | hinge (SN-GAN's) | wgan-gp (Wasserstein critic "
        "with gradient penalty; defaults --d-steps 5, --beta1 0, --beta2 0.9, --lr-g/--lr-d 1e-4)\n"
        "  by arch:";
    for (const auto& a : arch_infos()) {
        loss_help += std::string("\n  ") + a.name + ":";
        for (const auto& l : a.losses) loss_help += " " + l;
    }
    train->add_option("--loss", tc.loss, loss_help)->check(CLI::IsMember(loss_names()));
    examples::CommonHelp help;
    help.resume_help = "run directory to resume (its checkpoint.json and the files it names)";
    help.resume_is_directory = true;
    help.seed_help = "seed of weights, shuffling, latents and noise";
    examples::add_common_options(*train, tc.common, help);
    train->add_option("--epochs", tc.epochs, "epochs to train (in all, a resumed run included)")
        ->check(integer_in(1, 100000));
    train->add_option("--batch", tc.batch, "mini-batch size (default by arch)")
        ->check(integer_in(2, 1 << 16));
    train->add_option("--lr-g", tc.lr_g, "generator learning rate (default by arch)")
        ->check(positive_number());
    train->add_option("--lr-d", tc.lr_d, "discriminator learning rate (default by arch)")
        ->check(positive_number());
    train->add_option("--beta1", tc.beta1, "Adam beta1 for both networks")->check(CLI::Range(0.0, 0.9999));
    train->add_option("--beta2", tc.beta2, "Adam beta2 for both networks")->check(CLI::Range(0.0, 0.9999));
    train->add_option("--gp-lambda", tc.gp_lambda, "wgan-gp: the gradient penalty's weight")
        ->check(CLI::Range(0.0, 1e6));
    train->add_option("--latent", tc.latent, "latent size: " + latent_list() + " (default by arch)")
        ->check(integer_in(1, 1 << 16));
    train->add_option("--label-real", tc.label_real, "D's target for real digits")
        ->check(CLI::Range(0.0f, 1.0f));
    train->add_option("--label-fake", tc.label_fake, "D's target for generated digits")
        ->check(CLI::Range(0.0f, 1.0f));
    train->add_option("--noise", tc.noise, "instance noise std on D's inputs, decaying to 0")
        ->check(CLI::Range(0.0f, 10.0f));
    train->add_option("--noise-anneal", tc.noise_anneal, "epochs over which the noise decays (0: --epochs)")
        ->check(CLI::Range(0.0, 1e6));
    train->add_option("--d-steps", tc.d_steps, "D (critic) steps per G step (wgan-gp: 5)")
        ->check(integer_in(1, 1000));
    train->add_option("--init", tc.init, "weight init: pytorch | xavier | dcgan (default by arch)")
        ->check(CLI::IsMember({"pytorch", "xavier", "dcgan"}));
    train->add_flag("--lr-decay", tc.lr_decay, "both learning rates fall linearly to 0 over --epochs");
    train
        ->add_option(
            "--ema", tc.ema,
            "decay of a moving average of G's weights, saved as generator_ema.safetensors and shown in "
            "the grids (0: none; 0.999 typical)")
        ->check(CLI::Range(0.0, 0.99999));
    train->add_option("--sample-every", tc.sample_every, "epochs between sample grids (0: only at the end)")
        ->check(integer_in(0, 100000));
    train->add_option("--train-limit", tc.train_limit, "train on the first N digits only (0: all)")
        ->check(integer_in(0, std::uint64_t{1} << 31));
    train->add_option("--raise-signal-at-step", tc.raise_signal_at_step, "")
        ->group("")
        ->check(integer_in(0, UINT64_MAX));

    const std::string count_range = "1 to " + std::to_string(max_count);
    GenerateConfig gc;
    std::string bn_stats = "running";
    constexpr const char* bn_help =
        "G's BatchNorm: running (eval mode) | batch (each chunk of 500's own statistics)";
    constexpr const char* truncation_help =
        "truncation trick: latents redrawn until every |z_i| <= T (e.g. 1.0; 0: plain N(0, 1))";
    CLI::App* generate = app.add_subcommand("generate", "draw digits with a trained generator");
    generate->add_option("--checkpoint", gc.checkpoint, "generator.safetensors of `gan train`")
        ->required()
        ->check(CLI::ExistingFile);
    generate->add_option("--count", gc.count, "how many digits (" + count_range + ")")
        ->check(integer_in(1, max_count));
    generate->add_option("--out", gc.out, "FILE.png (a grid) or FILE.npy (float32 N x H x W in [-1, 1])");
    generate->add_option("--seed", gc.sampling.seed, "seed of the latents")->check(integer_in(0, UINT64_MAX));
    generate->add_option("--truncation", gc.sampling.truncation, truncation_help)
        ->check(CLI::Range(0.0, 100.0));
    generate->add_option("--bn-stats", bn_stats, bn_help)->check(CLI::IsMember({"running", "batch"}));
    generate
        ->add_option("--digit", gc.sampling.digit,
                     "a conditional generator (cdcgan, cmlp): the digit to draw")
        ->check(CLI::Range(0, 9));

    EvalConfig ec;
    CLI::App* eval =
        app.add_subcommand("eval", "score a generator with a trained LeNet-5 (FID, IS, classes)");
    eval->add_option("--generator", ec.generator, "generator.safetensors of `gan train`")
        ->required()
        ->check(CLI::ExistingFile);
    eval->add_option("--classifier", ec.classifier, "model.safetensors of examples/lenet5 (classic or relu)")
        ->required()
        ->check(CLI::ExistingFile);
    eval->add_option("--data", ec.data_dir, "MNIST directory (real digits: the reference and the ceiling)");
    eval->add_option("--count", ec.count,
                     "generated digits (and real ones) to score (2 to " + std::to_string(max_count) + ")")
        ->check(integer_in(2, max_count));
    eval->add_option("--out", ec.out_dir, "output directory (default: <generator dir>/eval)");
    eval->add_option("--seed", ec.sampling.seed, "seed of the latents and of the reference sample")
        ->check(integer_in(0, UINT64_MAX));
    eval->add_option("--bn-stats", bn_stats, bn_help)->check(CLI::IsMember({"running", "batch"}));
    eval->add_option("--truncation", ec.sampling.truncation, truncation_help)->check(CLI::Range(0.0, 100.0));
    eval->add_option("--splits", ec.splits, "Inception Score splits (each of at least 10 digits)")
        ->check(integer_in(1, max_count));
    std::string export_checkpoint, export_name = "generator", export_out;
    CLI::App* exporter = app.add_subcommand("export", "write a generator as one self-contained C++17 header");
    exporter->add_option("--checkpoint", export_checkpoint, "generator.safetensors of `gan train`")
        ->required()
        ->check(CLI::ExistingFile);
    exporter->add_option("--name", export_name, "the header's namespace (a C++ identifier)");
    exporter->add_option("--out", export_out, "FILE.h")->required();

    int threads = 0;
    for (CLI::App* cmd : {generate, eval})
        cmd->add_option("--threads", threads, "CPU threads (0: all cores)")->check(integer_in(0, 4096));

    CLI11_PARSE(app, argc, argv);
    const auto command = [&]() -> int {
        if (*train) {
            std::vector<std::string> given;
            for (const CLI::Option* opt : train->get_options())
                if (opt->count()) given.push_back(opt->get_name());
            return train_command(tc, given);
        }
        if (*exporter) return export_command(export_checkpoint, export_name, export_out);
        ctnn::set_num_threads(threads);
        gc.sampling.batch_stats = ec.sampling.batch_stats = bn_stats == "batch";
        return *generate ? generate_command(gc) : eval_command(ec);
    };
#if defined(CTNN_WITH_MPI)
    if (ctnn::dist::launched_by_mpirun()) return run_ranks(argc, argv, *train ? &tc : nullptr, command);
#endif
    return report_errors(command);
}
