// How a program's configuration lists its settings, once: a configuration struct has
//   template <class Self, class V> static void visit(Self& c, V&& v) { v("epochs", c.epochs, Resume::warn);
//   ... }
// and config.hpp turns that list into JSON and back and into the resume check (no JSON here, so
// the command-line translation units stay light). Resume says what a resumed run does when the
// setting differs from the checkpoint's: refuse (it cannot continue: architecture, latent size,
// optimizer), warn (it continues, but not exactly as an uninterrupted run would: learning rate,
// seed, batch, --threads, whose count changes the CPU's summation order) or ignore (paths, the
// device, how often to draw samples).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace examples {

// --data, --out, --seed, --threads, --device, --resume (options.hpp adds them to a command line).
struct CommonOptions {
    std::string data_dir = "data/mnist";
    std::string out_dir;  // each program sets its default (runs/lenet5, runs/gan)
    std::uint64_t seed = 42;
    int threads = 0;              // 0: every core
    std::string device = "auto";  // cpu | cuda | auto (the GPU when one is usable)
    std::string resume;           // a checkpoint (lenet5) or a run directory (gan train)

    static CommonOptions with_out(std::string out) {
        CommonOptions o;
        o.out_dir = std::move(out);
        return o;
    }
};

enum class Resume { refuse, warn, ignore };

// The common options' part of a configuration (the JSON keys are the flags without "--").
template <class Options, class V>  // Options: CommonOptions or const CommonOptions
void visit_common(Options& o, V&& v) {
    v("data", o.data_dir, Resume::ignore);
    v("out", o.out_dir, Resume::ignore);
    v("seed", o.seed, Resume::warn);
    v("threads", o.threads, Resume::warn);
    v("device", o.device, Resume::ignore);
    v("resume", o.resume, Resume::ignore);
}

}  // namespace examples
