// lenet5: trains LeNet-5 on MNIST and reports what it learned.
// Per epoch it prints a progress line (images/s, running loss) and then train loss/accuracy,
// validation and test accuracy and seconds; it writes to --out: metrics.csv, summary.json,
// model.safetensors (every epoch, atomically), the confusion matrix (CSV and PNG), a grid of
// misclassified test digits and the loss/accuracy curves. This file reads the flags and picks the
// device; the run itself is run.hpp, compiled for the CPU in cpu.cpp and for the GPU in cuda.cu.
//   ./build/examples/lenet5                      # the default recipe, 10 epochs
//   ./build/examples/lenet5 --arch classic --optimizer adam --lr 0.001 --batch 64
//   ./build/examples/lenet5 --resume runs/lenet5/model.safetensors --eval-only
//   ./build-cuda/examples/lenet5 --device cuda   # built with -DCTNN_CUDA=ON (default --device auto)
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include <ctnn/train/non_finite.hpp>

#include "config.hpp"

using namespace lenet5;

// CLI11's PositiveNumber prints its whole double range; say it plainly instead.
const CLI::Validator positive(
    [](std::string& text) {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        return end && *end == '\0' && value > 0 ? std::string() : "must be a positive number, got '" + text + "'";
    },
    "POSITIVE");

int main(int argc, char** argv) {
    Config config;
    CLI::App app{"Train LeNet-5 on MNIST with ctnn"};
    app.option_defaults()->always_capture_default();
    app.add_option("--data", config.data_dir, "MNIST directory (IDX, .gz IDX or CSV files)");
    app.add_option("--epochs", config.epochs, "epochs to train")->check(positive);
    app.add_option("--batch", config.batch, "mini-batch size")->check(positive);
    app.add_option("--lr", config.lr, "learning rate")->check(positive);
    app.add_option("--optimizer", config.optimizer, "adam | sgd")->check(CLI::IsMember({"adam", "sgd"}));
    app.add_option("--arch", config.arch, "relu | classic")->check(CLI::IsMember({"relu", "classic"}));
    app.add_option("--schedule", config.schedule, "constant | step | cosine")
        ->check(CLI::IsMember({"constant", "step", "cosine"}));
    app.add_option("--seed", config.seed, "seed of weights, shuffling and the validation split");
    app.add_option("--threads", config.threads, "CPU threads (0: all cores)")->check(CLI::NonNegativeNumber);
    app.add_option("--validation", config.validation, "training images held out for validation");
    app.add_option("--train-limit", config.train_limit, "train on the first N images only (0: all)");
    app.add_option("--out", config.out_dir, "output directory");
    app.add_option("--resume", config.resume, "checkpoint to resume from (or to evaluate)")->check(CLI::ExistingFile);
    app.add_flag("--eval-only", config.eval_only, "evaluate the --resume checkpoint on the test set, no training");
    app.add_option("--non-finite", config.non_finite, "on a NaN/Inf loss or gradient: stop (exit 1) | skip the step")
        ->check(CLI::IsMember({"stop", "skip"}));
    app.add_option("--device", config.device, "cpu | cuda | auto (the GPU when one is usable)")
        ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
    CLI11_PARSE(app, argc, argv);
    if (config.eval_only && config.resume.empty()) {
        std::fprintf(stderr, "error: --eval-only needs --resume FILE\n");
        return 2;
    }
    try {
        ctnn::set_num_threads(config.threads);
#if defined(CTNN_WITH_CUDA)
        const ctnn::DeviceChoice device = ctnn::select_device(config.device, gpu_status);
#else
        const ctnn::DeviceChoice device = ctnn::select_device(config.device);
#endif  // --device cuda without a usable GPU: exits 1, says why
        std::printf("device: %s\n", device.description.c_str());
        const float lr = static_cast<float>(config.lr);
        const Optimizer optimizer{config.optimizer == "sgd" ? Optimizer{ctnn::SGD{.lr = lr, .momentum = 0.9f}}
                                                            : Optimizer{ctnn::Adam{.lr = lr}}};
#if defined(CTNN_WITH_CUDA)
        if (device.device == ctnn::Device::cuda) return train_cuda(config, optimizer);
#endif
        return train_cpu(config, optimizer);
    } catch (const ctnn::NonFiniteError& e) {
        std::fprintf(stderr, "error: %s\nstopped before saving this epoch: %s/model.safetensors, if present, "
                             "holds the last good epoch (--non-finite skip skips such steps instead)\n",
                     e.what(), config.out_dir.c_str());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
