// lenet5: trains LeNet-5 on MNIST and reports what it learned.
// Per epoch it prints a progress line (images/s, running loss, ETA) and then train loss/accuracy,
// validation and test accuracy and seconds; it writes to --out: metrics.csv, summary.json,
// model.safetensors (every epoch, atomically), the confusion matrix (CSV and PNG), a grid of
// misclassified test digits and the loss/accuracy curves. One run at a time per --out (a lock);
// Ctrl-C (SIGINT) or SIGTERM saves the position inside the epoch for --resume and exits 130/143.
// This file reads the flags and picks the device; the run itself is run.hpp, compiled for the CPU
// in cpu_relu.cpp and cpu_classic.cpp and for the GPU in cuda.cu.
//   ./build/examples/lenet5                      # the default recipe, 10 epochs
//   ./build/examples/lenet5 --arch classic --optimizer adam --lr 0.001 --batch 64
//   ./build/examples/lenet5 --arch resnet --augment --epochs 10
//   ./build/examples/lenet5 --resume runs/lenet5/model.safetensors --eval-only --out runs/lenet5-eval
//   ./build-cuda/examples/lenet5 --device cuda   # built with -DCTNN_CUDA=ON (default --device auto)
//   mpirun -np 2 ./build/examples/lenet5 --threads 1   # data-parallel (a CTNN_MPI build): rank 0 writes
#include <cstdio>
#include <exception>

#include <ctnn/backend/threads.hpp>
#include <ctnn/train/non_finite.hpp>

#if defined(CTNN_WITH_MPI)
#include <ctnn/dist/communicator.hpp>
#include <ctnn/dist/fail_together.hpp>
#endif

#include "../common/device.hpp"
#include "../common/options.hpp"
#include "config.hpp"

using namespace lenet5;

namespace {

int run_cpu(const Config& config) {
    return config.arch == "classic"  ? run_cpu_classic(config)
           : config.arch == "resnet" ? run_cpu_resnet(config)
                                     : run_cpu_relu(config);
}

int run(Config& config) {
    if (!config.export_path.empty()) return lenet5::export_header(config);
    ctnn::set_num_threads(config.common.threads);
    config.common.threads = ctnn::get_num_threads();  // recorded as the count used
    return examples::run_on_device(config, config.common.device, run_cpu,
                                   CTNN_EXAMPLES_CUDA_ENTRY(train_cuda));
}

#if defined(CTNN_WITH_MPI)
// Under mpirun: every rank runs, rank 0 alone prints and writes (and exports or evaluates); the
// other ranks' standard output goes to /dev/null (their errors still reach stderr). A rank that
// throws ends every rank with the same "ctnn: rank R failed: ..." line and exit status 1.
int run_ranks(int& argc, char**& argv, Config& config) {
    ctnn::dist::Environment env(argc, argv);
    ctnn::dist::Communicator comm;
    config.comm = &comm;
    if (!comm.is_root() && !std::freopen("/dev/null", "w", stdout))
        std::fprintf(stderr, "lenet5: rank %d could not silence its standard output\n", comm.rank());
    int status = 0;
    const int together = ctnn::dist::run_together(env, comm, [&] {
        const bool root_only = !config.export_path.empty() || config.eval_only;
        if (!root_only || comm.is_root()) status = run(config);
    });
    return together != 0 ? together : status;
}
#endif

}  // namespace

int main(int argc, char** argv) {
    Config config;
    CLI::App app{"Train LeNet-5 on MNIST with ctnn"};
    app.option_defaults()->always_capture_default();
    examples::CommonHelp help;
    help.resume_help = "checkpoint to resume from (or to evaluate)";
    help.seed_help = "seed of weights, shuffling and the validation split";
    examples::add_common_options(app, config.common, help);
    constexpr std::uint64_t most = std::uint64_t{1} << 31;
    app.add_option("--epochs", config.epochs, "epochs to train")->check(examples::integer_in(1, 100000));
    app.add_option("--batch", config.batch, "mini-batch size")->check(examples::integer_in(1, 1 << 16));
    app.add_option("--lr", config.lr, "learning rate")->check(examples::positive_number());
    app.add_option("--optimizer", config.optimizer, "adam | sgd")->check(CLI::IsMember({"adam", "sgd"}));
    app.add_option("--arch", config.arch, "relu | classic | resnet (ResNet28: residual blocks)")
        ->check(CLI::IsMember({"relu", "classic", "resnet"}));
    app.add_flag("--augment", config.augment,
                 "train on randomly shifted (+-2 px) and rotated (+-10 degrees) copies of the images");
    app.add_option("--schedule", config.schedule, "constant | step | cosine")
        ->check(CLI::IsMember({"constant", "step", "cosine"}));
    app.add_option("--validation", config.validation, "training images held out for validation (at least 1)")
        ->check(examples::integer_in(1, most));
    app.add_option("--train-limit", config.train_limit, "train on the first N images only (0: all)")
        ->check(examples::integer_in(0, most));
    auto* train =
        app.add_option("--train", config.train_file,
                       "training set from a file of any name, in place of --data: a CSV (label + 784 "
                       "pixels), or an IDX image file with --train-labels");
    app.add_option("--train-labels", config.train_labels, "the IDX label file of --train")->needs(train);
    auto* test = app.add_option("--test", config.test_file,
                                "test set from a file of any name (a CSV, or IDX images with --test-labels)");
    app.add_option("--test-labels", config.test_labels, "the IDX label file of --test")->needs(test);
    train->needs(test);
    test->needs(train);
    app.add_flag("--eval-only", config.eval_only,
                 "evaluate the --resume checkpoint on the test set into --out/eval.json; no training, and no "
                 "other file is touched");
    app.add_option(
        "--export", config.export_path,
        "write the --resume checkpoint's network as one self-contained C++17 header (no training)");
    app.add_option("--export-name", config.export_name, "the exported header's namespace (a C++ identifier)");
    app.add_option("--non-finite", config.non_finite,
                   "on a NaN/Inf loss or gradient: stop (exit 1) | skip the step")
        ->check(CLI::IsMember({"stop", "skip"}));
    app.add_option("--raise-signal-at-step", config.raise_signal_at_step, "")  // tests only: hidden
        ->group("")
        ->check(examples::integer_in(0, UINT64_MAX));
    CLI11_PARSE(app, argc, argv);
    if (config.eval_only && config.common.resume.empty()) {
        std::fprintf(stderr, "error: --eval-only needs --resume FILE\n");
        return 2;
    }
    if (!config.export_path.empty() && config.common.resume.empty()) {
        std::fprintf(stderr, "error: --export needs --resume FILE\n");
        return 2;
    }
#if defined(CTNN_WITH_MPI)
    if (ctnn::dist::launched_by_mpirun()) return run_ranks(argc, argv, config);
#endif
    try {
        return run(config);
    } catch (const ctnn::NonFiniteError& e) {
        std::fprintf(stderr,
                     "error: %s\nstopped before saving this epoch: %s/model.safetensors, if present, "
                     "holds the last good epoch (--non-finite skip skips such steps instead)\n",
                     e.what(), config.common.out_dir.c_str());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
