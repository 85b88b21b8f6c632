// `gan generate`: digits from a generator checkpoint to a PNG grid or a .npy file (a conditional
// generator: --digit D, else every digit in turn); `gan export`: the generator as one
// dependency-free C++17 header (nn/export.hpp); and what they
// shares with `gan eval`: loading a generator checkpoint as its own type (load_generator, by the
// registry) and drawing seeded latents in chunks (sample). Sizes are checked before anything is
// allocated: --count is bounded (max_count), a grid too large for one PNG is refused up front.
#include <cstdio>
#include <stdexcept>

#include <ctnn/core/random.hpp>
#include <ctnn/io/npy.hpp>
#include <ctnn/io/safetensors.hpp>

#include "../common/figures.hpp"
#include "../common/run_dir.hpp"
#include "archs.hpp"

namespace gan {

std::unique_ptr<Generator> load_generator(const fs::path& path) {
    const auto file = ctnn::io::load_safetensors(path);
    const auto meta = [&](const char* key) {
        const auto it = file.metadata.find(key);
        return it == file.metadata.end() ? std::string() : it->second;
    };
    const std::string arch = meta("gan.arch"), latent = meta("gan.latent");
    if (meta("gan.role") != "generator" || arch.empty() || latent.empty())
        throw std::runtime_error(
            path.string() +
            ": not a generator checkpoint of `gan train` (metadata gan.role, gan.arch, gan.latent "
            "missing)");
    if (latent.size() > 9 || latent.find_first_not_of("0123456789") != std::string::npos)
        throw std::runtime_error(path.string() + ": metadata gan.latent '" + latent + "' is not a number");
    try {
        return with_entry(arch, std::stoul(latent),
                          [&]<std::size_t I, std::size_t Z>() { return load_generator_cpu<I, Z>(path); });
    } catch (const std::invalid_argument& e) {  // an architecture or latent size this build lacks
        throw std::runtime_error(path.string() + ": " + e.what());
    }
}

std::vector<float> sample(Generator& g, std::size_t count, const Sampling& sampling,
                          std::vector<std::int32_t>* labels_out) {
    constexpr std::size_t chunk = 500;
    const std::size_t image = g.rows() * g.cols();
    if (count > max_count)
        throw std::invalid_argument("--count " + std::to_string(count) + " is more than " +
                                    std::to_string(max_count));
    if (sampling.digit >= 0 && std::size_t(sampling.digit) >= g.classes())
        throw UsageError("--digit " + std::to_string(sampling.digit) + ": the " + g.arch() + " generator " +
                         (g.classes()
                              ? "draws digits 0 to " + std::to_string(g.classes() - 1)
                              : std::string("is not conditional (--arch cdcgan or cmlp draws a chosen "
                                            "digit)")));
    std::vector<std::int32_t> labels;
    if (g.classes())
        for (std::size_t i = 0; i < count; ++i)
            labels.push_back(sampling.digit >= 0 ? sampling.digit : std::int32_t(i % g.classes()));
    ctnn::Rng rng(sampling.seed);
    std::vector<float> z(chunk * g.latent_size()), images(count * image);
    for (std::size_t first = 0; first < count; first += chunk) {
        const std::size_t n = std::min(chunk, count - first);
        for (std::size_t i = 0; i < n * g.latent_size(); ++i)
            z[i] = static_cast<float>(rng.truncated_normal(sampling.truncation));
        g.generate(z.data(), labels.empty() ? nullptr : labels.data() + first, n,
                   images.data() + first * image, sampling.batch_stats);
    }
    if (labels_out) *labels_out = std::move(labels);
    return images;
}

int export_command(const fs::path& checkpoint, const std::string& name, const fs::path& out) {
    const auto g = load_generator(checkpoint);
    if (out.has_parent_path()) examples::make_output_directory(out.parent_path(), "--out");
    g->export_header(name, out);
    std::printf("exported the generator of %s to %s as namespace %s (latent %zu -> %zu x %zu in [-1, 1])\n",
                checkpoint.c_str(), out.c_str(), name.c_str(), g->latent_size(), g->rows(), g->cols());
    return 0;
}

int generate_command(const GenerateConfig& config) {
    const fs::path out = config.out;
    const bool npy = out.extension() == ".npy";
    if (!npy && out.extension() != ".png")
        throw std::invalid_argument("--out " + config.out + ": the file must end in .png (a grid) or .npy");
    const auto g = load_generator(config.checkpoint);
    if (config.sampling.digit >= 0 && g->classes() == 0)
        throw UsageError("--digit " + std::to_string(config.sampling.digit) + ": " + config.checkpoint +
                         " is a " + g->arch() +
                         " generator, which is not conditional (--arch cdcgan or cmlp draws a chosen digit)");
    if (!npy)
        examples::check_grid(config.count, g->rows(), g->cols(), "--count " + std::to_string(config.count));
    if (out.has_parent_path()) examples::make_output_directory(out.parent_path(), "--out");
    const auto images = sample(*g, config.count, config.sampling);
    if (npy)
        ctnn::io::write_npy(out, images.data(), {config.count, g->rows(), g->cols()});
    else
        examples::write_grid(out, images.data(), config.count, g->rows(), g->cols(), -1.0f, 1.0f);
    if (config.sampling.digit >= 0)
        std::printf("%zu digits %d -> %s\n", config.count, config.sampling.digit, out.c_str());
    else
        std::printf("%zu digits -> %s\n", config.count, out.c_str());
    return 0;
}

}  // namespace gan
