// gan's configurations (every flag of `gan train`, `gan generate` and `gan eval`; train's listed
// once in visit for JSON and the resume check, examples/common/settings.hpp), what the registry
// says about an architecture (ArchInfo, archs.hpp has the types) and the entry points of the
// subcommands: train.cpp, generate.cpp, eval.cpp, each trainer compiled per (architecture, latent
// size) in train_arch.cpp. No model types here: main.cpp (the command line) stays light.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../common/settings.hpp"

#if defined(CTNN_WITH_MPI)
namespace ctnn::dist {
class Communicator;
}
#endif

namespace gan {

using examples::Resume;
namespace fs = std::filesystem;

struct ArchDefaults {
    std::size_t batch;
    double lr_g, lr_d;
    std::size_t latent;
    float label_real, label_fake, noise;
    const char* init;
};

struct ArchInfo {
    const char* name;
    const char* help;
    ArchDefaults defaults;
    std::vector<std::string> losses;  // the --loss values it trains with, the first its default
    std::size_t classes;              // 0: unconditional; else G and D see the digit (0 to classes - 1)
};

// A command line that asks for what cannot be done (a loss the architecture does not train with,
// --digit for an unconditional generator): main prints it and exits 2.
struct UsageError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

std::vector<ArchInfo> arch_infos();  // the registry's entries, in order (archs.cpp)
std::vector<std::string> arch_names();
std::size_t arch_index(const std::string& arch);  // throws naming --arch and the known names
std::size_t latent_index(std::size_t latent);     // throws naming --latent and the compiled sizes
std::string latent_list();                        // "100, 128" (the compiled sizes)
std::vector<std::string> loss_names();            // every --loss value: bce, hinge, wgan-gp
// Throws UsageError naming both when `arch` does not train with `loss` (and the archs that do).
void check_loss(const std::string& arch, const std::string& loss);

struct TrainConfig {
    examples::CommonOptions common = examples::CommonOptions::with_out("runs/gan");
    std::string arch = "mlp-bn";
    std::string loss = "bce";  // bce | hinge | wgan-gp (the registry says which an arch takes)
    std::size_t epochs = 30;
    // Defaults of the architecture (ArchDefaults) unless given as flags:
    std::size_t batch = 64;
    double lr_g = 2e-4, lr_d = 2e-4;
    double beta1 = 0.5;     // Adam beta1 (DCGAN's 0.5; wgan-gp's recipe 0)
    double beta2 = 0.999;   // Adam beta2 (wgan-gp's recipe 0.9)
    double gp_lambda = 10;  // wgan-gp: the gradient penalty's weight
    std::size_t latent = 100;
    float label_real = 1.0f, label_fake = 0.0f;
    float noise = 0.0f;                      // instance noise std on D's inputs ...
    double noise_anneal = 0;                 // ... decaying linearly to 0 over this many epochs (0: --epochs)
    std::size_t d_steps = 1;                 // D steps per G step
    std::string init = "pytorch";            // pytorch | xavier | dcgan (N(0, 0.02))
    double ema = 0;                          // decay of the moving average of G's weights (0: none)
    bool lr_decay = false;                   // both learning rates fall linearly to 0 over --epochs
    std::size_t sample_every = 5;            // epochs between progress grids
    std::size_t train_limit = 0;             // 0: all 60,000 training digits
    std::uint64_t raise_signal_at_step = 0;  // tests: raise SIGINT after this many iterations
#if defined(CTNN_WITH_MPI)
    ctnn::dist::Communicator* comm = nullptr;  // set when started by mpirun (not a flag): ranks.hpp
#endif

    template <class Self, class V>
    static void visit(Self& c, V&& v) {
        examples::visit_common(c.common, v);
        v("arch", c.arch, Resume::refuse);
        v("loss", c.loss, Resume::refuse);
        v("latent", c.latent, Resume::refuse);
        v("epochs", c.epochs, Resume::warn);  // the --lr-decay and noise schedules
        v("batch", c.batch, Resume::warn);
        v("lr_g", c.lr_g, Resume::warn);
        v("lr_d", c.lr_d, Resume::warn);
        v("beta1", c.beta1, Resume::warn);
        v("beta2", c.beta2, Resume::warn);
        v("gp_lambda", c.gp_lambda, Resume::warn);
        v("label_real", c.label_real, Resume::warn);
        v("label_fake", c.label_fake, Resume::warn);
        v("noise", c.noise, Resume::warn);
        v("noise_anneal", c.noise_anneal, Resume::warn);
        v("d_steps", c.d_steps, Resume::warn);
        v("init", c.init, Resume::ignore);  // only the first epoch's weights
        v("ema", c.ema, Resume::warn);
        v("lr_decay", c.lr_decay, Resume::warn);
        v("sample_every", c.sample_every, Resume::ignore);
        v("train_limit", c.train_limit, Resume::warn);
    }
};

struct Sampling {
    std::uint64_t seed = 1;
    bool batch_stats = false;  // G's BatchNorm with each chunk's own statistics (train mode)
    double truncation = 0;     // latents redrawn until every |z_i| <= truncation (0: plain N(0, 1))
    int digit = -1;            // a conditional G: the digit to draw (-1: every digit in turn)
};

struct GenerateConfig {
    std::string checkpoint, out = "digits.png";
    std::size_t count = 64;
    Sampling sampling;
};

struct EvalConfig {
    std::string generator, classifier, data_dir = "data/mnist", out_dir;
    std::size_t count = 10000;
    std::size_t splits = 10;  // Inception Score: mean over this many parts
    Sampling sampling;
};

inline constexpr std::size_t max_count = std::size_t{1} << 20;  // digits one generate/eval draws
inline constexpr std::size_t min_split = 10;                    // images per Inception Score split

int train_command(TrainConfig config, const std::vector<std::string>& flags_given);
int generate_command(const GenerateConfig& config);
int eval_command(EvalConfig config);
// `gan export`: the generator checkpoint as one header (generate.cpp).
int export_command(const fs::path& checkpoint, const std::string& name, const fs::path& out);

// A trained generator behind a plain interface (loaded by load_generator, train_arch.cpp).
class Generator {
  public:
    virtual ~Generator() = default;
    virtual const char* arch() const = 0;
    virtual std::size_t classes() const = 0;  // 0: unconditional
    virtual std::size_t latent_size() const = 0;
    virtual std::size_t rows() const = 0;  // image height and width, from G's output shape
    virtual std::size_t cols() const = 0;
    // n images (n x rows x cols in [-1, 1]) from n latents (and for a conditional G the n digits,
    // else null), by Gan::generate.
    virtual void generate(const float* z, const std::int32_t* labels, std::size_t n, float* images,
                          bool batch_stats) = 0;
    // G as one self-contained C++17 header (ctnn::io::export_header; BatchNorm in eval mode).
    virtual void export_header(const std::string& name, const fs::path& path) = 0;
};
std::unique_ptr<Generator> load_generator(const fs::path& checkpoint);
// count digits on seeded latents, in chunks of 500 (generate.cpp); a conditional G draws
// sampling.digit, or with -1 the digits in turn (image i draws i mod classes), into *labels.
std::vector<float> sample(Generator& g, std::size_t count, const Sampling& sampling,
                          std::vector<std::int32_t>* labels = nullptr);

// The trainer of entry I with latent Z and the entry's K-th loss, and the loader of entry I with
// latent Z, on the CPU (train_arch.cpp and load_arch.cpp, a unit each).
template <std::size_t I, std::size_t Z, std::size_t K>
int train_cpu(const TrainConfig& config);
template <std::size_t I, std::size_t Z>
std::unique_ptr<Generator> load_generator_cpu(const fs::path& checkpoint);
#if defined(CTNN_WITH_CUDA)
int train_cuda(const TrainConfig& config);  // train_cuda.cu (nvcc)
#endif

}  // namespace gan
