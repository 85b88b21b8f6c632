// Digits from a trained generator, for `gan generate` and `gan eval` (on the CPU): Sampling (seed,
// BatchNorm statistics, truncation), generate (count x 784 values in [-1, 1] on seeded latents)
// and with_generator, which loads a generator checkpoint of `gan train` as its own type. The
// subcommands' entry points and EvalConfig (the `gan eval` flags) are declared here too.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/core/random.hpp>
#include <ctnn/train/checkpoint.hpp>
#include <ctnn/nn/model.hpp>

#include "common.hpp"
#include "config.hpp"

namespace gan {

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

struct EvalConfig {
    std::string generator, classifier, data_dir = "data/mnist", out_dir;
    std::size_t count = 10000;
    std::uint64_t seed = 1;
    std::size_t splits = 10;  // Inception Score: mean over this many parts
    std::string bn_stats = "running";  // G's BatchNorm when sampling: running | batch
    double truncation = 0;             // |z_i| bound of the latents (0: none)
};

// `gan generate`: count digits to a PNG grid or a .npy file.
int generate_command(const fs::path& checkpoint, std::size_t count, const fs::path& out, const Sampling& sampling);
// `gan eval`: FID, IS and classes of generated and real digits by a LeNet-5; eval.json and more.
int eval_command(EvalConfig config);

}  // namespace gan
