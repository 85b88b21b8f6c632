// gan's training configuration (every `gan train` flag), the registry of architectures (each
// --arch name and its (G, D) pair for each compiled-in latent size) and the entry points of the
// backends: train_cpu (train_cpu.cpp, the C++ compiler) and in a -DCTNN_CUDA=ON build train_cuda
// and gpu_status (train_cuda.cu, nvcc). main.cpp reads the flags and calls one of them.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <ctnn/backend/device.hpp>
#include <ctnn/backend/threads.hpp>
#include <ctnn/models/dcgan.hpp>
#include <ctnn/models/gan.hpp>

namespace gan {

using namespace ctnn;

struct TrainConfig {
    std::string arch = "mlp-bn";  // mlp | mlp-bn | mlp-bn-relu | dcgan, or a variant (see --arch)
    std::string data_dir = "data/mnist";
    std::size_t epochs = 30;
    // Per-architecture defaults (set_arch_defaults) unless given as flags:
    std::size_t batch = 64;  // seed 002: 64; DCGAN: 32 (measured best at 10 epochs); seed 001: 128
    double lr_g = 2e-4;      // seed 001: G 1e-4, D 3e-4; seed 002 and DCGAN: 2e-4 both
    double lr_d = 2e-4;
    double beta1 = 0.5;            // Adam beta1 (DCGAN's 0.5; beta2 stays 0.999)
    std::size_t latent = 100;      // seed 001: 128
    float label_real = 1.0f;       // seed 001: 0.9 (one-sided label smoothing)
    float label_fake = 0.0f;       // seed 001: 0.1
    float noise = 0.0f;            // instance noise std on D's inputs (seed 001: 0.1) ...
    double noise_anneal = 0;       // ... decaying linearly to 0 over this many epochs (0: --epochs)
    std::size_t d_steps = 1;       // D steps per G step
    std::string init = "pytorch";  // weights: pytorch | xavier | dcgan (N(0, 0.02), DCGAN's default)
    double ema = 0;                // decay of the moving average of G's weights (0: none)
    bool lr_decay = false;         // both learning rates fall linearly to 0 over --epochs
    std::size_t sample_every = 5;  // epochs between progress grids
    std::uint64_t seed = 42;
    int threads = 0;              // 0: every core
    std::size_t train_limit = 0;  // 0: all 60,000 training digits
    std::string out_dir = "runs/gan";
    std::string resume;           // a run directory holding generator/discriminator.safetensors
    std::string device = "auto";  // cpu | cuda | auto (the GPU when one is usable); generate/eval: CPU

    nlohmann::json to_json() const {
        return {{"arch", arch},
                {"data", data_dir},
                {"epochs", epochs},
                {"batch", batch},
                {"lr_g", lr_g},
                {"lr_d", lr_d},
                {"beta1", beta1},
                {"latent", latent},
                {"label_real", label_real},
                {"label_fake", label_fake},
                {"noise", noise},
                {"noise_anneal", noise_anneal},
                {"d_steps", d_steps},
                {"init", init},
                {"ema", ema},
                {"lr_decay", lr_decay},
                {"sample_every", sample_every},
                {"seed", seed},
                {"threads", get_num_threads()},
                {"train_limit", train_limit},
                {"out", out_dir},
                {"device", device},
                {"resume", resume}};
    }
};

// The (G, D) pair of each --arch, for each compiled-in latent size.
template <class G, class D>
struct Arch {
    using generator = G;
    using discriminator = D;
};

// Every --arch with_arch knows: the option's check and the unknown-arch message list these.
inline const std::vector<std::string> arch_names = {"mlp",         "mlp-bn",      "mlp-bn-relu", "dcgan",
                                             "mlp-bn-mbstd", "dcgan-mbstd", "dcgan-wide",  "dcgan-wide-d"};

template <std::size_t Z, class F>
int with_arch(const std::string& arch, F&& f) {
    if (arch == "mlp") return f(Arch<models::MlpGenerator<Z>, models::MlpDiscriminator>{});
    if (arch == "mlp-bn") return f(Arch<models::MlpGeneratorBN<Z>, models::MlpDiscriminator>{});
    if (arch == "mlp-bn-relu")
        return f(Arch<models::MlpGeneratorBNRelu<Z>, models::MlpDiscriminatorDropout>{});
    if (arch == "dcgan") return f(Arch<models::DcganGenerator<Z>, models::DcganDiscriminator>{});
    if (arch == "mlp-bn-mbstd") return f(Arch<models::MlpGeneratorBN<Z>, models::MlpDiscriminatorMbstd>{});
    if (arch == "dcgan-mbstd") return f(Arch<models::DcganGenerator<Z>, models::DcganDiscriminatorMbstd>{});
    if (arch == "dcgan-wide") return f(Arch<models::DcganGeneratorWide<Z>, models::DcganDiscriminator>{});
    if (arch == "dcgan-wide-d") return f(Arch<models::DcganGenerator<Z>, models::DcganDiscriminatorWide>{});
    std::string known;
    for (const auto& name : arch_names) known += (known.empty() ? "" : ", ") + name;
    throw std::invalid_argument("unknown architecture '" + arch + "' (" + known + ")");
}

template <class F>
int with_arch(const std::string& arch, std::size_t latent, F&& f) {
    switch (latent) {  // the latent size is a template parameter: these are compiled in
        case 64:
            return with_arch<64>(arch, f);
        case 100:
            return with_arch<100>(arch, f);
        case 128:
            return with_arch<128>(arch, f);
        default:
            throw std::invalid_argument("--latent " + std::to_string(latent) +
                                        ": this build has 64, 100, 128");
    }
}

// Trains the --arch GAN on the CPU / on the GPU.
int train_cpu(const TrainConfig& config);
#if defined(CTNN_WITH_CUDA)
int train_cuda(const TrainConfig& config);
// Whether a GPU this binary can run on is present, and which (or why not).
GpuStatus gpu_status();
#endif

}  // namespace gan
