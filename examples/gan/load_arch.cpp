// One (architecture, latent size) of the registry on the CPU: the generator loader of
// `gan generate`, `gan eval` and `gan export`. examples/CMakeLists.txt compiles this file once per
// registry entry CTNN_GAN_ARCH and latent CTNN_GAN_LATENT (generated units that define both and
// include it), beside the trainers of train_arch.cpp, with the report on the entry's networks that
// every trainer prints (train_support.hpp's describe_networks).
#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/losses/bce.hpp>
#include <ctnn/nn/export.hpp>
#include <ctnn/nn/summary.hpp>
#include <ctnn/optim/adam.hpp>
#include <ctnn/train/gan.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "archs.hpp"
#include "set_io.hpp"
#include "train_support.hpp"

namespace gan {

// Samples through Gan::generate: a Gan (weights-only G loaded, no moving average) draws them.
template <class Arch, std::size_t Z>
class LoadedGenerator final : public Generator {
    using G = typename Arch::template generator<Z>;
    using D = typename Arch::discriminator;

    using GanT = ctnn::Gan<G, D, ctnn::BCEWithLogits, ctnn::Adam, ctnn::Adam, ctnn::cpu::Blas, Arch::classes>;

  public:
    explicit LoadedGenerator(const fs::path& checkpoint)
        : m_gan(std::make_unique<GanT>(ctnn::Adam{}, ctnn::Adam{})) {
        load_generator_weights(m_gan->generator(), checkpoint);
        std::printf("generator %s (%s, latent %zu, %zu parameters) from %s\n", arch(),
                    G::fingerprint().c_str(), latent_size(), G::param_count, checkpoint.c_str());
    }
    const char* arch() const override { return m_info.name; }
    std::size_t classes() const override { return Arch::classes; }
    std::size_t latent_size() const override { return GanT::latent_size; }
    std::size_t rows() const override { return G::output_shape::dims[1]; }
    std::size_t cols() const override { return G::output_shape::dims[2]; }
    void generate(const float* z, const std::int32_t* labels, std::size_t n, float* images,
                  bool batch_stats) override {
        const ctnn::Mode mode = batch_stats ? ctnn::Mode::train : ctnn::Mode::eval;
        if constexpr (Arch::classes > 0)
            m_gan->generate(z, labels, n, images, mode);
        else
            (void)labels, m_gan->generate(z, n, images, mode);
    }
    void export_header(const std::string& name, const fs::path& path) override {
        // preprocess() is unused by a generator (its input is a latent); self_test runs a fixed latent.
        ctnn::io::export_header(
            m_gan->generator(), name, path,
            ctnn::io::ExportOptions{.pixel_divisor = 127.5f, .pixel_offset = -1.0f, .test_pixels = {}});
    }

  private:
    ArchInfo m_info = Arch::info();
    std::unique_ptr<GanT> m_gan;
};

template <std::size_t I, std::size_t Z>
std::unique_ptr<Generator> load_generator_cpu(const fs::path& checkpoint) {
    return std::make_unique<LoadedGenerator<std::tuple_element_t<I, Registry>, Z>>(checkpoint);
}

template <class N>
nlohmann::json network_json() {
    return {{"architecture", N::fingerprint()}, {"param_count", N::param_count}, {"flops", N::flops}};
}

template <class G, class D>
NetworksReport describe_networks() {
    return {"generator\n" + ctnn::summary<G>() + "discriminator\n" + ctnn::summary<D>(), network_json<G>(),
            network_json<D>()};
}

// This unit's instantiations; generate.cpp and the trainers call them through the declarations.
using Arch = std::tuple_element_t<CTNN_GAN_ARCH, Registry>;
template std::unique_ptr<Generator> load_generator_cpu<CTNN_GAN_ARCH, CTNN_GAN_LATENT>(const fs::path&);
template NetworksReport
describe_networks<typename Arch::template generator<CTNN_GAN_LATENT>, typename Arch::discriminator>();

}  // namespace gan
