// lenet5's configuration (every flag, listed once in visit: to and from JSON and the resume
// check read that list, examples/common/config.hpp) and the entry points of its runs: one per
// architecture on the CPU (cpu_relu.cpp, cpu_classic.cpp: the C++ compiler, one translation unit
// each) and, in a -DCTNN_CUDA=ON build, train_cuda (cuda.cu, nvcc). main.cpp reads the flags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "../common/settings.hpp"

namespace ctnn::dist {
class Communicator;
}

namespace lenet5 {

using examples::Resume;

struct Config {
    examples::CommonOptions common = examples::CommonOptions::with_out("runs/lenet5");
    std::size_t epochs = 10;          // the seed notebooks train 10 epochs
    std::size_t batch = 64;           // as the seeds
    double lr = 2e-3;                 // Adam; annealed by the cosine schedule below
    std::string optimizer = "adam";   // adam | sgd (SGD uses momentum 0.9)
    std::string arch = "relu";        // relu (ReLU + max pool, our best) | classic (tanh + avg pool)
    std::string schedule = "cosine";  // constant | step | cosine
    std::size_t validation = 5000;    // images held out of the 60k training set
    std::size_t train_limit = 0;      // 0: all; else train on the first N (quick runs)
    bool eval_only = false;
    std::string export_path;                 // --export: write the --resume network as a C++17 header
    std::string export_name = "lenet5";      // its namespace
    std::string non_finite = "stop";         // stop | skip: what a NaN/Inf loss or gradient does
    std::uint64_t raise_signal_at_step = 0;  // tests: raise SIGINT after this many steps (0: never)
    // Not a flag: the ranks of a run started by mpirun (main.cpp, CTNN_WITH_MPI builds); null for
    // one process. With more than one rank, run.hpp trains data-parallel (--batch the global batch).
    ctnn::dist::Communicator* ranks = nullptr;

    template <class Self, class V>  // Self: Config or const Config
    static void visit(Self& c, V&& v) {
        examples::visit_common(c.common, v);
        v("epochs", c.epochs, Resume::warn);  // shapes the cosine and step schedules
        v("batch", c.batch, Resume::warn);
        v("lr", c.lr, Resume::warn);
        v("optimizer", c.optimizer, Resume::refuse);
        v("arch", c.arch, Resume::refuse);
        v("schedule", c.schedule, Resume::warn);
        v("validation", c.validation, Resume::warn);
        v("train_limit", c.train_limit, Resume::warn);
        v("eval_only", c.eval_only, Resume::ignore);
        v("export", c.export_path, Resume::ignore);
        v("export_name", c.export_name, Resume::ignore);
        v("non_finite", c.non_finite, Resume::warn);
    }
};

// --export: the --resume checkpoint's network as one header (export.cpp); returns the exit status.
int export_header(const Config& config);
// Trains (or with --eval-only evaluates) the network on the CPU; returns the exit status.
int run_cpu_relu(const Config& config);
int run_cpu_classic(const Config& config);
#if defined(CTNN_WITH_CUDA)
int train_cuda(const Config& config);  // either architecture on the GPU
#endif

}  // namespace lenet5
