// ConditionalGan (train/gan.hpp with Classes > 0): G and D see the label; a tiny conditional GAN
// learns to draw the image of the class it is asked for; labels are range-checked; the fixed
// grid draws its rows' digits; the models/conditional.hpp aliases line up with ConditionalGan.
#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/models/conditional.hpp>
#include <ctnn/train/gan.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

using namespace ctnn;

namespace {
constexpr float target[2][4] = {{0.8f, -0.6f, 0.4f, -0.2f}, {-0.7f, 0.5f, -0.3f, 0.9f}};
using TinyG = Sequential<Input<4 + 2>, Dense<32>, LeakyReLU<0.2f>, Dense<4>, Reshape<1, 2, 2>, Tanh>;
using TinyD = Sequential<Input<4 + 2>, Dense<32>, LeakyReLU<0.2f>, Dense<1>>;  // flat image + one-hot
using PlanesD = Sequential<Input<1 + 2, 2, 2>, Flatten, Dense<16>, LeakyReLU<0.2f>, Dense<1>>;

double distance(const float* image, int label) {
    double total = 0;
    for (int i = 0; i < 4; ++i) total += std::abs(image[i] - target[label][i]);
    return total / 4;
}
}  // namespace

TEST_CASE("ConditionalGan: shapes of the latent, the image and D's input") {
    using Flat = ConditionalGan<TinyG, TinyD, 2>;
    static_assert(Flat::latent_size == 4 && Flat::image_size == 4 && Flat::label_spread == 1);
    using Planes = ConditionalGan<TinyG, PlanesD, 2>;
    static_assert(Planes::label_spread == 4 && Planes::discriminator_input_size == 12);
    using Cdcgan =
        ConditionalGan<models::ConditionalDcganGenerator<100>, models::ConditionalDcganDiscriminator<>, 10>;
    static_assert(Cdcgan::latent_size == 100 && Cdcgan::label_spread == 28 * 28);
    using Cmlp =
        ConditionalGan<models::ConditionalMlpGenerator<100>, models::ConditionalMlpDiscriminator<>, 10>;
    static_assert(Cmlp::label_spread == 1);
}

TEST_CASE("ConditionalGan: a tiny GAN draws the image of the class it is asked for") {
    ConditionalGan<TinyG, TinyD, 2, Hinge> gan(
        Adam{.lr = 2e-3f, .beta1 = 0.5f}, Adam{.lr = 2e-3f, .beta1 = 0.5f}, 4, GanOptions{.sample_count = 4});
    const std::size_t n = 32;
    std::vector<float> images(n * 4);
    std::vector<std::int32_t> labels(n);
    for (std::size_t i = 0; i < n; ++i) {
        labels[i] = static_cast<std::int32_t>(i % 2);
        for (int p = 0; p < 4; ++p) images[i * 4 + p] = target[i % 2][p];
    }
    for (int i = 0; i < 600; ++i) gan.fit_batch(images.data(), labels.data(), n);
    std::vector<float> z(8 * 4), drawn(8 * 4);
    Rng rng(11);
    for (auto& v : z) v = static_cast<float>(rng.normal());
    std::vector<std::int32_t> asked{0, 1, 0, 1, 0, 1, 0, 1};
    gan.generate(z.data(), asked.data(), 8, drawn.data());
    double own = 0, other = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        own += distance(&drawn[i * 4], asked[i]);
        other += distance(&drawn[i * 4], 1 - asked[i]);
    }
    MESSAGE("mean |G(z, y) - target(y)| " << own / 8 << ", to the other class's target " << other / 8);
    CHECK(own / 8 < 0.25);
    CHECK(own < 0.5 * other);
    CHECK(gan.fixed_labels() == std::vector<std::int32_t>{0, 0, 1, 1});
}

TEST_CASE("ConditionalGan: labels outside the classes are refused, naming the sample") {
    ConditionalGan<TinyG, TinyD, 2> gan(Adam{}, Adam{}, 1);
    std::vector<float> images(4 * 4, 0.0f), z(4, 0.0f), out(4);
    std::vector<std::int32_t> labels{0, 1, 2, 0};
    CHECK_THROWS_WITH_AS(gan.fit_batch(images.data(), labels.data(), 4),
                         "ConditionalGan: sample 2 of the batch has label 2, outside the 2 classes (0 to 1)",
                         std::invalid_argument);
    const std::int32_t bad = -1;
    CHECK_THROWS_AS(gan.generate(z.data(), &bad, 1, out.data()), std::invalid_argument);
}

TEST_CASE("ConditionalGan with label planes: a DCGAN-shaped critic trains on image and label") {
    ConditionalGan<TinyG, PlanesD, 2, BCEWithLogits> gan(Adam{.lr = 1e-3f}, Adam{.lr = 1e-3f}, 2);
    std::vector<float> images(8 * 4, 0.5f);
    std::vector<std::int32_t> labels{0, 1, 0, 1, 0, 1, 0, 1};
    for (int i = 0; i < 3; ++i) {
        const GanStepStats stats = gan.fit_batch(images.data(), labels.data(), 8);
        CHECK(std::isfinite(stats.d_loss));
        CHECK(std::isfinite(stats.g_loss));
    }
}
