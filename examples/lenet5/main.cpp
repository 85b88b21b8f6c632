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
//   ./build/examples/lenet5 --resume runs/lenet5/model.safetensors --eval-only --out runs/lenet5-eval
//   ./build-cuda/examples/lenet5 --device cuda   # built with -DCTNN_CUDA=ON (default --device auto)
//   mpirun -np 2 ./build/examples/lenet5 --threads 1   # data-parallel (a CTNN_MPI build; --batch is global)
// Started by mpirun (CTNN_WITH_MPI builds), every rank runs the same run on its share of each batch
// (dist::run_together: a rank that fails ends them all, exit status 1); ranks other than 0 print
// nothing on stdout. Started without a launcher, lenet5 does not initialise MPI at all.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include <ctnn/backend/threads.hpp>
#include <ctnn/train/non_finite.hpp>

#include "../common/device.hpp"
#include "../common/options.hpp"
#include "config.hpp"

#if defined(CTNN_WITH_MPI)
#include <ctnn/dist/communicator.hpp>
#include <ctnn/dist/fail_together.hpp>
#endif

using namespace lenet5;

namespace {

int run_cpu(const Config& config) {
    return config.arch == "classic" ? run_cpu_classic(config) : run_cpu_relu(config);
}

int train(Config& config) {
    if (!config.export_path.empty()) return lenet5::export_header(config);
    ctnn::set_num_threads(config.common.threads);
    config.common.threads = ctnn::get_num_threads();  // recorded as the count used
    return examples::run_on_device(config, config.common.device, run_cpu,
                                   CTNN_EXAMPLES_CUDA_ENTRY(train_cuda));
}

#if defined(CTNN_WITH_MPI)
// True when a launcher started this process as a rank (Open MPI's mpirun, MPICH's or Intel's
// Hydra, a PMIx launcher such as srun).
bool started_by_mpi_launcher() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
        if (std::getenv(name)) return true;
    return false;
}

// Every rank runs train(); a throw on any rank ends every rank with exit status 1.
int train_ranks(int& argc, char**& argv, Config& config) {
    ctnn::dist::Environment env(argc, argv);
    ctnn::dist::Communicator comm;
    if (!comm.is_root() && !std::freopen("/dev/null", "w", stdout))  // rank 0 alone reports
        std::fprintf(stderr, "warning: rank %d could not silence its stdout\n", comm.rank());
    config.ranks = &comm;
    int status = 0;
    const int failed = ctnn::dist::run_together(env, comm, [&] {
        if (!config.export_path.empty() && !comm.is_root()) return;  // one writer
        status = train(config);
    });
    std::fflush(stdout);
    return failed ? failed : status;
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
    app.add_option("--arch", config.arch, "relu | classic")->check(CLI::IsMember({"relu", "classic"}));
    app.add_option("--schedule", config.schedule, "constant | step | cosine")
        ->check(CLI::IsMember({"constant", "step", "cosine"}));
    app.add_option("--validation", config.validation, "training images held out for validation (at least 1)")
        ->check(examples::integer_in(1, most));
    app.add_option("--train-limit", config.train_limit, "train on the first N images only (0: all)")
        ->check(examples::integer_in(0, most));
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
    if (started_by_mpi_launcher()) return train_ranks(argc, argv, config);
#endif
    try {
        return train(config);
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
