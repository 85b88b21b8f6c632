// lenet5: trains LeNet-5 on MNIST and reports what it learned.
// Per epoch it prints a progress line (images/s, running loss) and then train loss/accuracy,
// validation and test accuracy and seconds; it writes to --out: metrics.csv, summary.json,
// model.safetensors (every epoch, atomically), the confusion matrix (CSV and PNG), a grid of
// misclassified test digits and the loss/accuracy curves.
//   ./build/examples/lenet5                      # the default recipe, 10 epochs
//   ./build/examples/lenet5 --arch classic --optimizer adam --lr 0.001 --batch 64
//   ./build/examples/lenet5 --resume runs/lenet5/model.safetensors --eval-only
//   ./build-cuda/examples/lenet5 --device cuda   # built with -DCTNN_CUDA=ON (default --device auto)
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <ctnn/backend/device.hpp>
#include <ctnn/ctnn.hpp>
#include <ctnn/data/data.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/io/csv_log.hpp>
#include <ctnn/io/grid.hpp>
#include <ctnn/io/plot.hpp>
#include <ctnn/io/png.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/train/classifier.hpp>

namespace fs = std::filesystem;
using namespace ctnn;

struct Config {
    std::string data_dir = "data/mnist";
    std::size_t epochs = 10;          // the seed notebooks train 10 epochs
    std::size_t batch = 64;           // as the seeds
    double lr = 2e-3;                 // Adam; annealed by the cosine schedule below
    std::string optimizer = "adam";   // adam | sgd (SGD uses momentum 0.9)
    std::string arch = "relu";        // relu (ReLU + max pool, our best) | classic (tanh + avg pool)
    std::string schedule = "cosine";  // constant | step | cosine
    std::uint64_t seed = 42;
    int threads = 0;                  // 0: every core
    std::size_t validation = 5000;    // images held out of the 60k training set
    std::size_t train_limit = 0;      // 0: all; else train on the first N (quick runs)
    std::string out_dir = "runs/lenet5";
    std::string resume;
    bool eval_only = false;
    std::string non_finite = "stop";  // stop | skip: what a NaN/Inf loss or gradient does
    std::string device = "auto";      // cpu | cuda | auto (the GPU when one is usable)

    nlohmann::json to_json() const {
        return {{"data", data_dir},     {"epochs", epochs},       {"batch", batch},
                {"lr", lr},             {"optimizer", optimizer}, {"arch", arch},
                {"schedule", schedule}, {"seed", seed},           {"threads", get_num_threads()},
                {"validation", validation}, {"train_limit", train_limit}, {"out", out_dir},
                {"resume", resume},     {"eval_only", eval_only},  {"non_finite", non_finite},
                {"device", device}};
    }
};

namespace {

bool on_terminal() { return ::isatty(::fileno(stderr)) != 0; }

void write_confusion(const fs::path& dir, const ClassificationReport& report) {
    std::ofstream csv(dir / "confusion.csv");
    csv << "true\\predicted";
    for (std::size_t p = 0; p < report.classes; ++p) csv << ',' << p;
    csv << '\n';
    std::vector<std::vector<double>> matrix(report.classes, std::vector<double>(report.classes));
    for (std::size_t t = 0; t < report.classes; ++t) {
        csv << t;
        for (std::size_t p = 0; p < report.classes; ++p) {
            csv << ',' << report.confusion_at(t, p);
            matrix[t][p] = static_cast<double>(report.confusion_at(t, p));
        }
        csv << '\n';
    }
    std::vector<std::string> labels;
    for (std::size_t c = 0; c < report.classes; ++c) labels.push_back(std::to_string(c));
    io::plot_heatmap(dir / "confusion.png", "Confusion matrix (rows: true, columns: predicted)", matrix, labels,
                     labels);
}

template <class Clf>
void write_misclassified(const fs::path& dir, Clf& clf, const data::Dataset& test) {
    std::vector<std::int32_t> predicted;
    std::vector<float> confidence;
    clf.predict(test, predicted, confidence);
    std::vector<float> pixels;
    std::vector<std::string> captions;
    const std::size_t sample = test.sample_size();
    for (std::size_t i = 0; i < test.size() && captions.size() < 64; ++i) {
        if (predicted[i] == test.labels(i)) continue;
        pixels.insert(pixels.end(), test.images.data() + i * sample, test.images.data() + (i + 1) * sample);
        captions.push_back("true " + std::to_string(test.labels(i)) + " / pred " + std::to_string(predicted[i]));
    }
    if (captions.empty()) return;
    io::write_png(dir / "misclassified.png",
                  io::image_grid(pixels.data(), captions.size(), 28, 28, 8, 0.0f, 1.0f, 3, 4, captions));
}

struct History {
    std::vector<double> epoch, train_loss, val_loss, test_loss, train_acc, val_acc, test_acc;
};

void write_curves(const fs::path& dir, const History& h) {
    io::plot_lines(dir / "loss.png", "LeNet-5 loss",
                   {{"train", h.epoch, h.train_loss}, {"validation", h.epoch, h.val_loss}, {"test", h.epoch, h.test_loss}},
                   "epoch", "cross-entropy");
    io::plot_lines(dir / "accuracy.png", "LeNet-5 accuracy",
                   {{"train", h.epoch, h.train_acc}, {"validation", h.epoch, h.val_acc}, {"test", h.epoch, h.test_acc}},
                   "epoch", "accuracy");
}

// A resumed run continues exactly only with the settings that shaped the original's trajectory.
void warn_if_config_differs(const Config& config, const io::CheckpointInfo& info) {
    const auto it = info.extra.find("config");
    if (it == info.extra.end()) return;
    const auto saved = nlohmann::json::parse(it->second, nullptr, /*allow_exceptions=*/false);
    if (!saved.is_object()) return;
    const auto now = config.to_json();
    for (const std::string key : {"epochs", "batch", "lr", "optimizer", "schedule", "seed", "validation",
                                  "train_limit", "non_finite"}) {
        if (key == "epochs" && config.schedule == "constant") continue;  // only a schedule depends on it
        if (saved.contains(key) && saved[key] != now[key])
            std::fprintf(stderr, "warning: --%s is %s but %s was trained with %s; the run will not continue "
                                 "exactly as an uninterrupted one would\n",
                         key.c_str(), now[key].dump().c_str(), config.resume.c_str(), saved[key].dump().c_str());
    }
}

template <class Net, class B, class Optimizer>
int run(const Config& config, Optimizer optimizer) {
    const fs::path out = config.out_dir;
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec || !fs::is_directory(out))
        throw std::runtime_error("cannot create the --out directory " + out.string() + ": " +
                                 (ec ? ec.message() : std::string("a file of that name exists")));
    if (::access(out.c_str(), W_OK) != 0) throw std::runtime_error("cannot write to --out " + out.string());

    const auto load_start = std::chrono::steady_clock::now();
    data::Mnist mnist = data::mnist::load(config.data_dir);
    auto [train, validation] = data::split(mnist.train, config.validation, config.seed);
    if (config.train_limit && config.train_limit < train.size()) train = data::take(train, config.train_limit);
    std::printf("MNIST from %s: %zu train, %zu validation, %zu test (%.1f s to load)\n", config.data_dir.c_str(),
                train.size(), validation.size(), mnist.test.size(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count());

    Classifier<Net, SoftmaxCrossEntropy, Optimizer, B> clf(optimizer, config.seed);
    clf.set_non_finite_policy(config.non_finite == "skip" ? NonFinitePolicy::skip : NonFinitePolicy::stop);
    if (config.schedule == "cosine") clf.set_schedule(LrSchedule::cosine(config.epochs));
    if (config.schedule == "step") clf.set_schedule(LrSchedule::step(std::max<std::size_t>(1, config.epochs / 3), 0.3));
    std::printf("%s", summary<Net>().c_str());

    const fs::path checkpoint = out / "model.safetensors";
    if (!config.resume.empty()) {
        const auto info = io::load_checkpoint(config.resume, clf.model(), config.eval_only ? nullptr : &clf.optimizer());
        clf.set_epoch(info.epoch);  // the shuffle order and learning rate follow the epoch
        clf.set_step(info.step);
        std::printf("resumed from %s after epoch %llu (step %llu)\n", config.resume.c_str(),
                    static_cast<unsigned long long>(info.epoch), static_cast<unsigned long long>(info.step));
        if (!config.eval_only) warn_if_config_differs(config, info);
    }

    History history;
    std::vector<double> epoch_seconds;
    const bool resumed = !config.resume.empty() && !config.eval_only;
    io::CsvLog log(out / "metrics.csv",
                   {"epoch", "lr", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_loss",
                    "test_accuracy", "seconds", "images_per_second"},
                   /*append=*/resumed);
    const bool terminal = on_terminal();
    while (!config.eval_only && clf.epoch() < config.epochs) {
        const auto stats = clf.fit_epoch(train, config.batch, [&](std::size_t done, std::size_t total, double loss,
                                                                  double rate) {
            if (terminal)
                std::fprintf(stderr, "\r  epoch %zu/%zu  %6zu/%zu  loss %.4f  %7.0f img/s ", clf.epoch() + 1,
                             config.epochs, done, total, loss, rate);
        });
        if (terminal) std::fprintf(stderr, "\r%80s\r", "");
        const auto val = clf.evaluate(validation);
        const auto test = clf.evaluate(mnist.test);
        epoch_seconds.push_back(stats.seconds);
        std::printf("epoch %2zu  lr %.2e  train loss %.4f acc %.2f%%  val acc %.2f%%  test acc %.2f%%  %.1f s (%.0f img/s)\n",
                    stats.epoch + 1, stats.learning_rate, stats.loss, 100 * stats.accuracy, 100 * val.accuracy,
                    100 * test.accuracy, stats.seconds, stats.images_per_second);
        if (stats.skipped_steps)
            std::printf("  %zu steps skipped (NaN/Inf loss or gradient, --non-finite skip)\n", stats.skipped_steps);
        std::fflush(stdout);
        log.row(stats.epoch + 1, stats.learning_rate, stats.loss, stats.accuracy, val.loss, val.accuracy, test.loss,
                test.accuracy, stats.seconds, stats.images_per_second);
        history.epoch.push_back(double(stats.epoch + 1));
        history.train_loss.push_back(stats.loss);
        history.train_acc.push_back(stats.accuracy);
        history.val_loss.push_back(val.loss);
        history.val_acc.push_back(val.accuracy);
        history.test_loss.push_back(test.loss);
        history.test_acc.push_back(test.accuracy);
        io::save_checkpoint(checkpoint, clf.model(),
                            {.epoch = clf.epoch(), .step = clf.step(), .extra = {{"config", config.to_json().dump()}}},
                            &clf.optimizer());
    }

    const auto test = clf.evaluate(mnist.test);
    std::printf("test accuracy %.2f%% (%zu images), loss %.4f\n", 100 * test.accuracy, test.count, test.loss);
    std::printf("per-class accuracy:");
    for (std::size_t c = 0; c < test.classes; ++c) std::printf(" %zu:%.1f%%", c, 100 * test.per_class_accuracy[c]);
    std::printf("\n");

    write_confusion(out, test);
    write_misclassified(out, clf, mnist.test);
    if (!history.epoch.empty()) write_curves(out, history);
    double mean_seconds = 0;
    for (double s : epoch_seconds) mean_seconds += s / double(epoch_seconds.size());
    nlohmann::json summary_json = {
        {"test_accuracy", test.accuracy},
        {"test_loss", test.loss},
        {"epochs", clf.epoch()},
        {"epochs_this_run", epoch_seconds.size()},
        {"seconds_per_epoch", mean_seconds},
        {"param_count", Net::param_count},
        {"flops_per_image", Net::flops},
        {"architecture", Net::fingerprint()},
        {"per_class_accuracy", test.per_class_accuracy},
        {"config", config.to_json()},
    };
    const std::string summary_text = summary_json.dump(2) + '\n';  // written last, atomically: it means "done"
    io::write_file_atomic(out / "summary.json", std::as_bytes(std::span(summary_text)));
    std::printf("outputs in %s: metrics.csv summary.json model.safetensors confusion.csv confusion.png "
                "misclassified.png loss.png accuracy.png\n", out.c_str());
    return 0;
}

}  // namespace

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
        set_num_threads(config.threads);
        const DeviceChoice device = select_device(config.device);  // cuda without a GPU: exits 1, says why
        std::printf("device: %s\n", device.description.c_str());
        const float lr = static_cast<float>(config.lr);
        // The optimizer is chosen at run time (OneOf): one Classifier per architecture to compile.
        const OneOf<SGD, Adam> optimizer{config.optimizer == "sgd" ? OneOf<SGD, Adam>{SGD{.lr = lr, .momentum = 0.9f}}
                                                                   : OneOf<SGD, Adam>{Adam{.lr = lr}}};
        return with_backend(device.device, [&]<class B>() {
            return config.arch == "classic" ? run<models::LeNet5, B>(config, optimizer)
                                            : run<models::LeNet5Relu, B>(config, optimizer);
        });
    } catch (const NonFiniteError& e) {
        std::fprintf(stderr, "error: %s\nstopped before saving this epoch: %s/model.safetensors, if present, "
                             "holds the last good epoch (--non-finite skip skips such steps instead)\n",
                     e.what(), config.out_dir.c_str());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
