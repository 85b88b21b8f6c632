// The registry of gan's architectures: each entry names an --arch, its help line, its defaults
// (batch, learning rates, latent size, label smoothing, instance noise, init), its (G, D) pair, G
// for any compiled-in latent size, the objectives (--loss) it trains with and, for a conditional GAN,
// its number of classes (G's input is latent + classes). The option check, the help text, the error
// messages, the defaults and the dispatch to a trainer or a sampler all read this one list; adding
// an architecture is one entry here and its count of losses in CTNN_GAN_ARCH_LOSSES of
// examples/CMakeLists.txt, which compiles each trainer (entry, latent, loss) and each entry's
// checkpoint code (entry, latent) in a translation unit of its own (static_asserts check the list).
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <ctnn/losses/bce.hpp>
#include <ctnn/losses/critic.hpp>
#include <ctnn/models/conditional.hpp>
#include <ctnn/models/dcgan.hpp>
#include <ctnn/models/gan.hpp>

#include "config.hpp"
#include "gan_build.hpp"  // CTNN_GAN_ARCH_COUNT, CTNN_GAN_ARCH_LOSSES, CTNN_GAN_LATENTS (examples/CMakeLists.txt)

namespace gan {

namespace m = ctnn::models;

// Reference notebook 002 (and the plain MLP): batch 64, both rates 2e-4, latent 100, hard labels.
inline constexpr ArchDefaults seed002{64, 2e-4, 2e-4, 100, 1.0f, 0.0f, 0.0f, "pytorch"};
// Notebook 001: batch 128, G 1e-4 / D 3e-4, latent 128, labels 0.9 / 0.1, instance noise 0.1.
inline constexpr ArchDefaults seed001{128, 1e-4, 3e-4, 128, 0.9f, 0.1f, 0.1f, "pytorch"};
// DCGAN: batch 32 (measured best at 10 epochs), 2e-4, latent 100, N(0, 0.02) weights.
inline constexpr ArchDefaults dcgan{32, 2e-4, 2e-4, 100, 1.0f, 0.0f, 0.0f, "dcgan"};

// A string literal as a template argument ("mlp").
template <std::size_t N>
struct Text {
    char text[N];
    constexpr Text(const char (&s)[N]) { std::copy(s, s + N, text); }
};

// The objectives of --loss, by name: the BCE game, the hinge game, WGAN-GP.
template <class Loss>
inline constexpr const char* loss_name = Loss::name;
template <>
inline constexpr const char* loss_name<ctnn::BCEWithLogits> = "bce";

// The losses an entry trains with, the first its default.
template <class... L>
struct Losses {
    static constexpr std::size_t count = sizeof...(L);
    template <std::size_t K>
    using at = std::tuple_element_t<K, std::tuple<L...>>;
    static std::vector<std::string> names() { return {loss_name<L>...}; }
};
using BceOnly = Losses<ctnn::BCEWithLogits>;
// For a critic without BatchNorm, MinibatchStddev or Dropout (the gradient penalty is per sample).
using AllLosses = Losses<ctnn::BCEWithLogits, ctnn::Hinge, ctnn::WassersteinGP>;

// One registry entry: its --arch name, help line and defaults, G for any latent size, D, the
// losses it trains with and its classes (0: unconditional).
template <Text Name, Text Help, const ArchDefaults& Defaults, template <std::size_t> class G, class D,
          class L = BceOnly, std::size_t Classes = 0>
struct Entry {
    static ArchInfo info() { return {Name.text, Help.text, Defaults, L::names(), Classes}; }
    template <std::size_t Z>
    using generator = G<Z>;
    using discriminator = D;
    using losses = L;
    static constexpr std::size_t classes = Classes;
};

// The conditional pairs of models/conditional.hpp for the ten digits.
template <std::size_t Z>
using CdcganGenerator = m::ConditionalDcganGenerator<Z, 10>;
template <std::size_t Z>
using CmlpGenerator = m::ConditionalMlpGenerator<Z, 10>;

// The entries, in the order the help lists them.
using Registry = std::tuple<
    Entry<"mlp", "MLP G and D, plain ReLU", seed002, m::MlpGenerator, m::MlpDiscriminator>,
    Entry<"mlp-bn", "MLP G with BatchNorm + LeakyReLU", seed002, m::MlpGeneratorBN, m::MlpDiscriminator>,
    Entry<"mlp-bn-relu", "notebook 001: BatchNorm + ReLU G, Dropout D", seed001, m::MlpGeneratorBNRelu,
          m::MlpDiscriminatorDropout>,
    Entry<"dcgan", "DCGAN for 28x28 digits", dcgan, m::DcganGenerator, m::DcganDiscriminator>,
    Entry<"mlp-bn-mbstd", "mlp-bn with a minibatch-stddev feature in D", seed002, m::MlpGeneratorBN,
          m::MlpDiscriminatorMbstd>,
    Entry<"dcgan-mbstd", "dcgan with a minibatch-stddev feature in D", dcgan, m::DcganGenerator,
          m::DcganDiscriminatorMbstd>,
    Entry<"dcgan-wide", "dcgan with twice G's channels", dcgan, m::DcganGeneratorWide, m::DcganDiscriminator>,
    Entry<"dcgan-wide-d", "dcgan with twice D's channels", dcgan, m::DcganGenerator,
          m::DcganDiscriminatorWide>,
    Entry<"dcgan-sn", "dcgan with SpectralNorm on every D layer and no BatchNorm in D", dcgan,
          m::DcganGenerator, m::DcganDiscriminatorSn, AllLosses>,
    Entry<"cdcgan", "conditional dcgan: G and D see the digit (one-hot; label planes in D)", dcgan,
          CdcganGenerator, m::ConditionalDcganDiscriminator<10>, BceOnly, 10>,
    Entry<"cmlp", "conditional mlp-bn: G and D see the digit (one-hot)", seed002, CmlpGenerator,
          m::ConditionalMlpDiscriminator<10>, BceOnly, 10>>;
static_assert(std::tuple_size_v<Registry> == CTNN_GAN_ARCH_COUNT,
              "gan: CTNN_GAN_ARCH_LOSSES in examples/CMakeLists.txt must hold one count per Registry entry");
static_assert(
    [] {
        constexpr std::size_t built[] = {CTNN_GAN_ARCH_LOSSES};
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return ((built[I] == std::tuple_element_t<I, Registry>::losses::count) && ...);
        }
        (std::make_index_sequence<std::tuple_size_v<Registry>>{});
    }(),
    "gan: CTNN_GAN_ARCH_LOSSES in examples/CMakeLists.txt must list each Registry entry's number of losses");

// Calls f.template operator()<K>() for the index K of `loss` among Arch's losses (train_command has
// checked that the entry lists it).
template <class Arch, class F>
int with_loss(const std::string& loss, F&& f) {
    using L = typename Arch::losses;
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
        int rc = -1;
        const bool found =
            ((loss == loss_name<typename L::template at<K>> && (rc = f.template operator()<K>(), true)) ||
             ...);
        if (!found) throw std::logic_error("gan: " + std::string(Arch::info().name) + " has no loss " + loss);
        return rc;
    }
    (std::make_index_sequence<L::count>{});
}

// The latent sizes compiled in (examples/CMakeLists.txt: CTNN_GAN_LATENTS).
inline constexpr std::size_t latents[] = {CTNN_GAN_LATENTS};

// Calls f.template operator()<I, Z>() for the entry named `arch` (index I) and latent size Z;
// throws naming what is unknown (the option and the known values).
template <class F>
decltype(auto) with_entry(const std::string& arch, std::size_t latent, F&& f) {
    const std::size_t index = arch_index(arch), z = latent_index(latent);
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
        using R = decltype(f.template operator()<0, latents[0]>());
        R result{};
        const bool found =
            ((index == I / std::size(latents) && z == I % std::size(latents) &&
              (result = f.template operator()<I / std::size(latents), latents[I % std::size(latents)]>(),
               true)) ||
             ...);
        if (!found) throw std::logic_error("gan: no entry " + arch);
        return result;
    }
    (std::make_index_sequence<std::tuple_size_v<Registry> * std::size(latents)>{});
}

}  // namespace gan
