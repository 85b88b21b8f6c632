// Gan's games beyond BCE: the Wasserstein critic's loss is D(G(z)) - D(x) (so d_loss equals
// d_fake - d_real, the raw critic means Gan reports), the hinge critic's is relu(1 - D(x)) +
// relu(1 + D(G(z))) (2 - d_real + d_fake while every |D| < 1), both generators minimise
// -D(G(z)); label smoothing is refused for them; a hinge GAN trains a tiny generator towards a
// fixed target image.
#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/models/dcgan.hpp>
#include <ctnn/train/checkpoint.hpp>
#include <ctnn/train/gan.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <vector>

using namespace ctnn;

namespace {

using TinyG = Sequential<Input<4>, Dense<16>, LeakyReLU<0.2f>, Dense<4>, Reshape<1, 2, 2>, Tanh>;
using TinyCritic = Sequential<Input<1, 2, 2>, Flatten, Dense<16>, LeakyReLU<0.2f>, Dense<1>>;

std::vector<float> target_images(std::size_t n) {
    std::vector<float> x(n * 4);
    for (std::size_t i = 0; i < n; ++i) {
        x[i * 4 + 0] = 0.8f, x[i * 4 + 1] = -0.6f, x[i * 4 + 2] = 0.4f, x[i * 4 + 3] = -0.2f;
    }
    return x;
}

}  // namespace

TEST_CASE("Gan with the Wasserstein loss: the critic's loss is D(G(z)) - D(x), G's is -D(G(z))") {
    Gan<TinyG, TinyCritic, Wasserstein> gan(Adam{.lr = 1e-3f}, Adam{.lr = 1e-3f}, 2);
    const auto x = target_images(16);
    for (int i = 0; i < 5; ++i) {
        const GanStepStats stats = gan.fit_batch(x.data(), 16);
        CHECK(stats.d_loss == doctest::Approx(stats.d_fake - stats.d_real).epsilon(1e-5));
        CHECK(stats.g_step);
        CHECK(std::isfinite(stats.g_loss));
    }
}

TEST_CASE("Gan with the hinge loss: relu(1 - D(x)) + relu(1 + D(G(z))) for the critic") {
    Gan<TinyG, TinyCritic, Hinge> gan(Adam{.lr = 1e-4f}, Adam{.lr = 1e-4f}, 3);
    const auto x = target_images(16);
    const GanStepStats stats = gan.fit_batch(x.data(), 16);
    // A fresh critic's outputs are small, so every margin is positive and the loss is linear.
    REQUIRE(std::abs(stats.d_real) < 0.5);
    REQUIRE(std::abs(stats.d_fake) < 0.5);
    CHECK(stats.d_loss == doctest::Approx(2 - stats.d_real + stats.d_fake).epsilon(1e-5));
}

TEST_CASE("Gan with the hinge or Wasserstein loss refuses label smoothing, which is BCE's") {
    using HingeGan = Gan<TinyG, TinyCritic, Hinge>;
    CHECK_THROWS_AS(HingeGan(Adam{}, Adam{}, 1, GanOptions{.label_real = 0.9f}), std::invalid_argument);
    using WassersteinGan = Gan<TinyG, TinyCritic, Wasserstein>;
    CHECK_THROWS_AS(WassersteinGan(Adam{}, Adam{}, 1, GanOptions{.label_fake = 0.1f}), std::invalid_argument);
}

TEST_CASE("Gan with the hinge loss moves a tiny generator to the one image it is shown") {
    Gan<TinyG, TinyCritic, Hinge> gan(Adam{.lr = 2e-3f, .beta1 = 0.5f}, Adam{.lr = 2e-3f, .beta1 = 0.5f}, 4);
    const auto x = target_images(32);
    std::vector<float> before, after;
    gan.sample_fixed(before);
    for (int i = 0; i < 400; ++i) gan.fit_batch(x.data(), 32);
    gan.sample_fixed(after);
    const auto distance = [&x](const std::vector<float>& images) {
        double total = 0;
        for (std::size_t i = 0; i < images.size(); ++i) total += std::abs(images[i] - x[i % 4]);
        return total / static_cast<double>(images.size());
    };
    MESSAGE("mean |G(z) - target| " << distance(before) << " -> " << distance(after));
    CHECK(distance(after) < 0.5 * distance(before));
}

TEST_CASE("Gan with the hinge loss and a spectrally normalized DCGAN critic: finite steps, u and v saved") {
    using G = models::DcganGenerator<16>;
    using D = models::DcganDiscriminatorSn;
    Gan<G, D, Hinge> gan(Adam{.lr = 2e-4f, .beta1 = 0.0f, .beta2 = 0.9f},
                         Adam{.lr = 2e-4f, .beta1 = 0.0f, .beta2 = 0.9f}, 6, GanOptions{.sample_count = 4});
    std::vector<float> x(8 * 784);
    Rng rng(9);
    for (auto& v : x) v = static_cast<float>(rng.uniform(-1.0, 1.0));
    std::vector<float> u_before(gan.discriminator().state(), gan.discriminator().state() + 64);
    for (int i = 0; i < 3; ++i) {
        const GanStepStats stats = gan.fit_batch(x.data(), 8);
        CHECK(std::isfinite(stats.d_loss));
        CHECK(std::isfinite(stats.g_loss));
    }
    // The first SpectralNorm's u moved with the power iterations and stayed a unit vector.
    double norm = 0;
    bool moved = false;
    for (std::size_t i = 0; i < 64; ++i) {
        const float u = gan.discriminator().state()[i];
        norm += double(u) * u, moved |= u != u_before[i];
    }
    CHECK(moved);
    CHECK(norm == doctest::Approx(1.0).epsilon(1e-5));
    const auto path = std::filesystem::path(CTNN_TEST_OUTPUT_DIR) / "dcgan_sn_critic.safetensors";
    io::save_checkpoint(path, gan.discriminator(), io::CheckpointInfo{});
    Model<D, cpu::Blas> restored(99);
    io::load_checkpoint(path, restored);
    CHECK(std::equal(restored.state(), restored.state() + Model<D, cpu::Blas>::state_count,
                     gan.discriminator().state()));
}
