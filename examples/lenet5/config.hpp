// lenet5's configuration (every flag) and the entry points of its backends: train_cpu (cpu.cpp,
// compiled by the C++ compiler) and, in a -DCTNN_CUDA=ON build, train_cuda and gpu_status
// (cuda.cu, compiled by nvcc). main.cpp parses the flags and calls one of them.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include <ctnn/backend/device.hpp>
#include <ctnn/backend/threads.hpp>
#include <ctnn/optim/adam.hpp>
#include <ctnn/optim/one_of.hpp>
#include <ctnn/optim/sgd.hpp>

namespace lenet5 {

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
                {"schedule", schedule}, {"seed", seed},           {"threads", ctnn::get_num_threads()},
                {"validation", validation}, {"train_limit", train_limit}, {"out", out_dir},
                {"resume", resume},     {"eval_only", eval_only},  {"non_finite", non_finite},
                {"device", device}};
    }
};

// The optimizer is chosen at run time (OneOf): one Classifier per architecture to compile.
using Optimizer = ctnn::OneOf<ctnn::SGD, ctnn::Adam>;

// Trains (or with --eval-only evaluates) the --arch network on the CPU / on the GPU.
int train_cpu(const Config& config, const Optimizer& optimizer);
#if defined(CTNN_WITH_CUDA)
int train_cuda(const Config& config, const Optimizer& optimizer);
// Whether a GPU this binary can run on is present, and which (or why not).
ctnn::GpuStatus gpu_status();
#endif

}  // namespace lenet5
