// The Gan trainer (train/gan.hpp): a few iterations of the seeds' GANs on a small subset of
// real MNIST (CTNN_MNIST_DIR; synthetic strokes where it is absent) keep losses finite, move
// G's parameters and report D(x), D(G(z)) as probabilities; k D steps per G step; decaying
// instance noise; seeded determinism; NaN handling; no backend allocation in steady state.
#include <ctnn/ctnn.hpp>
#include <ctnn/data/data.hpp>
#include <ctnn/models/dcgan.hpp>
#include <ctnn/models/gan.hpp>
#include <ctnn/train/gan.hpp>

#include <doctest/doctest.h>

#include "../support/steady_state.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <vector>

#if defined(__GLIBC__)
#endif

using namespace ctnn;

namespace {
// `count` digits in [-1, 1]: the first real MNIST training images when present, else
// synthetic strokes (a bright bar at a seeded place on a dark background).
data::Dataset digits(std::size_t count) {
    const std::filesystem::path dir = CTNN_MNIST_DIR;
    if (std::filesystem::exists(dir / "train-images-idx3-ubyte"))
        return data::take(data::mnist::load(dir, data::Normalize::symmetric).train, count);
    MESSAGE("no MNIST in " << dir << ": synthetic strokes instead");
    data::Dataset d;
    d.images = xt::xtensor<float, 4>::from_shape({count, 1, 28, 28});
    d.labels = xt::zeros<std::int32_t>({count});
    Rng rng(9);
    for (std::size_t i = 0; i < count; ++i) {
        float* image = d.images.data() + i * 784;
        std::fill(image, image + 784, -1.0f);
        const std::size_t column = 6 + rng.below(16);
        for (std::size_t row = 4; row < 24; ++row)
            image[row * 28 + column] = image[row * 28 + column + 1] = 1.0f;
    }
    return d;
}

bool in_open_unit(double p) {
    return p > 0.0 && p < 1.0;
}

template <class M>
std::vector<float> parameters_of(M& model) {
    return {model.parameters(), model.parameters() + M::param_count};
}

// Small networks for the tests that need many iterations or many instances.
using TinyG = Sequential<Input<8>, Dense<32>, BatchNorm<>, ReLU, Dense<16>, Reshape<1, 4, 4>, Tanh>;
using TinyD = Sequential<Input<1, 4, 4>, Flatten, Dense<16>, LeakyReLU<0.2f>, Dropout<0.3f>, Dense<1>>;

std::vector<float> tiny_images(std::size_t n) {
    std::vector<float> x(n * 16);
    Rng rng(4);
    for (auto& v : x) v = static_cast<float>(rng.uniform(-1.0, 1.0));
    return x;
}

// n of those as a Dataset of (1, 4, 4) images.
data::Dataset tiny_dataset(std::size_t n) {
    data::Dataset d;
    d.images = xt::xtensor<float, 4>::from_shape({n, 1, 4, 4});
    d.labels = xt::zeros<std::int32_t>({n});
    const auto x = tiny_images(n);
    std::copy(x.begin(), x.end(), d.images.begin());
    return d;
}
}  // namespace

TEST_CASE(
    "Gan: a few iterations of the MLP-BN GAN on real digits: finite losses, G moves, D outputs in (0, 1)") {
    const auto train = digits(256);
    Gan<models::MlpGeneratorBN<>, models::MlpDiscriminator> gan(Adam{.lr = 2e-4f, .beta1 = 0.5f},
                                                                Adam{.lr = 2e-4f, .beta1 = 0.5f}, /*seed=*/1);
    std::vector<float> before_samples, after_samples;
    gan.sample_fixed(before_samples);
    CHECK(before_samples.size() == 64 * 784);
    const auto g_before = parameters_of(gan.generator());
    const auto d_before = parameters_of(gan.discriminator());

    const auto stats = gan.fit_epoch(train, 32);
    MESSAGE("D loss " << stats.d_loss << ", G loss " << stats.g_loss << ", D(x) " << stats.d_real
                      << ", D(G(z)) " << stats.d_fake);
    CHECK(stats.d_steps == 8);
    CHECK(stats.g_steps == 8);
    CHECK(std::isfinite(stats.d_loss));
    CHECK(std::isfinite(stats.g_loss));
    CHECK(stats.d_loss > 0);
    CHECK(stats.g_loss > 0);
    CHECK(in_open_unit(stats.d_real));
    CHECK(in_open_unit(stats.d_fake));
    CHECK(stats.d_real > stats.d_fake);  // D learns to tell them apart first
    CHECK(gan.epoch() == 1);
    CHECK(gan.step() == 8);
    CHECK(parameters_of(gan.generator()) != g_before);
    CHECK(parameters_of(gan.discriminator()) != d_before);
    CHECK(gan.generator_optimizer_state().steps() == 8);
    CHECK(gan.discriminator_optimizer_state().steps() == 8);

    gan.sample_fixed(after_samples);
    CHECK(after_samples != before_samples);
    CHECK(std::all_of(after_samples.begin(), after_samples.end(),
                      [](float v) { return v >= -1.0f && v <= 1.0f; }));
    CHECK(gan.generator().mode() == Mode::train);  // sampling restores the mode
}

TEST_CASE(
    "Gan: seed 001's recipe (BN-ReLU G, Dropout D, 0.9/0.1 labels, instance noise), 2 D steps per G step") {
    const auto train = digits(128);
    GanOptions options{
        .label_real = 0.9f, .label_fake = 0.1f, .noise_std = 0.2f, .noise_anneal_epochs = 2, .d_steps = 2};
    Gan<models::MlpGeneratorBNRelu<>, models::MlpDiscriminatorDropout> gan(Adam{.lr = 1e-4f},
                                                                           Adam{.lr = 3e-4f},
                                                                           /*seed=*/3, options);
    CHECK(gan.noise_std() == doctest::Approx(0.2));
    const auto first = gan.fit_epoch(train, 32);
    CHECK(first.noise_std == doctest::Approx(0.2));
    CHECK(first.d_steps == 4);
    CHECK(first.g_steps == 2);
    CHECK(gan.generator_optimizer_state().steps() == 2);
    CHECK(gan.discriminator_optimizer_state().steps() == 4);
    CHECK(gan.noise_std() == doctest::Approx(0.1));  // linear decay: half way after 1 of 2 epochs
    const auto second = gan.fit_epoch(train, 32);
    CHECK(second.noise_std == doctest::Approx(0.1));
    CHECK(gan.noise_std() == doctest::Approx(0.0));
    for (const auto& s : {first, second}) {
        CHECK(std::isfinite(s.d_loss));
        CHECK(std::isfinite(s.g_loss));
        CHECK(in_open_unit(s.d_real));
        CHECK(in_open_unit(s.d_fake));
    }
}

TEST_CASE("Gan: DCGAN iterations (ConvTranspose generator, strided Conv discriminator)") {
    const auto train = digits(16);
    Gan<models::DcganGenerator<>, models::DcganDiscriminator> gan(Adam{.lr = 2e-4f, .beta1 = 0.5f},
                                                                  Adam{.lr = 2e-4f, .beta1 = 0.5f}, 2);
    const auto g_before = parameters_of(gan.generator());
    for (int i = 0; i < 2; ++i) {
        const auto step = gan.fit_batch(train.images.data() + i * 8 * 784, 8);
        CHECK(std::isfinite(step.d_loss));
        CHECK(std::isfinite(step.g_loss));
        CHECK(step.g_step);
        CHECK(in_open_unit(step.d_real));
        CHECK(in_open_unit(step.d_fake));
    }
    CHECK(parameters_of(gan.generator()) != g_before);
}

TEST_CASE("Gan: label smoothing changes D's targets; the same seed gives the same run") {
    const auto x = tiny_images(64);
    auto run = [&](GanOptions options) {
        Gan<TinyG, TinyD> gan(Adam{.lr = 1e-3f}, Adam{.lr = 1e-3f}, /*seed=*/7, options);
        std::vector<GanStepStats> steps;
        for (int i = 0; i < 4; ++i) steps.push_back(gan.fit_batch(x.data() + i * 16 * 16, 16));
        return std::pair(steps, parameters_of(gan.generator()));
    };
    const auto [plain, g_plain] = run({});
    const auto [again, g_again] = run({});
    CHECK(g_plain == g_again);
    CHECK(plain[3].d_loss == again[3].d_loss);
    const auto [smooth, g_smooth] = run({.label_real = 0.9f, .label_fake = 0.1f});
    // The first D step sees identical networks and data: only the targets differ.
    CHECK(smooth[0].d_real == plain[0].d_real);
    CHECK(smooth[0].d_loss != plain[0].d_loss);
    CHECK(g_smooth != g_plain);
    const auto [noisy, g_noisy] = run({.noise_std = 0.5f});
    CHECK(noisy[0].d_real != plain[0].d_real);  // D saw noisy real images
}

TEST_CASE("Gan: a NaN loss stops training naming the network, or skips the step") {
    auto x = tiny_images(16);
    x[5] = std::numeric_limits<float>::quiet_NaN();
    Gan<TinyG, TinyD> gan(Adam{}, Adam{}, 1);
    CHECK_THROWS_WITH_AS(gan.fit_batch(x.data(), 16), doctest::Contains("discriminator loss is NaN"),
                         NonFiniteError);
    Gan<TinyG, TinyD> skipping(Adam{}, Adam{}, 1);
    skipping.set_non_finite_policy(NonFinitePolicy::skip);
    const auto d_before = parameters_of(skipping.discriminator());
    const auto step = skipping.fit_batch(x.data(), 16);
    CHECK(step.skipped);
    CHECK(skipping.skipped_steps() == 1);
    CHECK(parameters_of(skipping.discriminator()) == d_before);
}

namespace {
// cpu::Blas that counts every buffer it hands out: layers, losses, optimizers and the trainer
// allocate only through B::allocate, so a steady-state iteration must not call it.
struct CountingBlas : cpu::BasicBlas<float> {
    static inline std::size_t allocations = 0;
    template <class U>
    static buffer<U> allocate(std::size_t n) {
        ++allocations;
        return cpu::BasicBlas<float>::allocate<U>(n);
    }
};
}  // namespace

TEST_CASE("Gan: a steady-state iteration allocates no buffer and nothing on the heap") {
    // Both counts: backend buffers (CountingBlas) and every heap allocation (HeapCounter).
    const auto x = tiny_images(32);
    GanOptions options{.label_real = 0.9f, .label_fake = 0.1f, .noise_std = 0.1f, .d_steps = 1};
    Gan<TinyG, TinyD, BCEWithLogits, Adam, Adam, CountingBlas> gan(Adam{}, Adam{}, 5, options);
    gan.fit_batch(x.data(), 32);  // warm-up sizes every buffer
    std::vector<float> samples;
    gan.sample_fixed(samples);
    const std::size_t before = CountingBlas::allocations;
    std::size_t heap_allocations = 0;
    {
        testing::HeapCounter counter;
        for (int i = 0; i < 5; ++i) gan.fit_batch(x.data(), 32);
        gan.fit_batch(x.data(), 17);  // a shorter batch reuses the buffers
        gan.sample_fixed(samples);
        heap_allocations = counter.count();
    }
    CHECK(heap_allocations == 0);
    CHECK(CountingBlas::allocations == before);
    CHECK(gan.step() == 7);
}

TEST_CASE(
    "Gan: the moving average of G's weights follows min(decay, (1 + t) / (10 + t)) and is what samples") {
    const auto x = tiny_images(32);
    GanOptions options{.generator_ema = 0.5};
    Gan<TinyG, TinyD> gan(Adam{.lr = 1e-2f}, Adam{}, 6, options);
    REQUIRE(gan.has_generator_ema());
    CHECK(parameters_of(gan.sampling_generator()) == parameters_of(gan.generator()));

    auto expected = parameters_of(gan.generator());
    for (int t = 1; t <= 12; ++t) {
        gan.fit_batch(x.data(), 16);
        const auto live = parameters_of(gan.generator());
        const double beta = std::min(0.5, (1.0 + t) / (10.0 + t));  // 0.1538... at t = 1, 0.5 from t = 8
        for (std::size_t i = 0; i < expected.size(); ++i)
            expected[i] = static_cast<float>(beta * expected[i] + (1 - beta) * live[i]);
        const auto average = parameters_of(gan.sampling_generator());
        for (std::size_t i = 0; i < expected.size(); ++i) REQUIRE(average[i] == doctest::Approx(expected[i]));
        CHECK(average != live);
    }
    using GM = decltype(gan)::generator_model;
    const std::vector<float> live_state(gan.generator().state(), gan.generator().state() + GM::state_count),
        average_state(gan.sampling_generator().state(), gan.sampling_generator().state() + GM::state_count);
    CHECK(average_state == live_state);  // BatchNorm running statistics: G's own

    // Sampling draws from the average: its images are the average's forward pass, not G's.
    std::vector<float> samples, from_average(64 * 16), from_live(64 * 16);
    gan.sample_fixed(samples);
    auto& average = gan.sampling_generator();
    average.eval();
    const float* out = average.forward(gan.fixed_latents().data(), 64);
    std::copy(out, out + 64 * 16, from_average.begin());
    gan.generator().eval();
    out = gan.generator().forward(gan.fixed_latents().data(), 64);
    std::copy(out, out + 64 * 16, from_live.begin());
    gan.generator().train();
    CHECK(samples == from_average);
    CHECK(samples != from_live);

    options.generator_ema = 0;  // off: sampling falls back to G
    gan.set_options(options);
    CHECK_FALSE(gan.has_generator_ema());
    CHECK(&gan.sampling_generator() == &gan.generator());
    options.generator_ema = 1.0;
    CHECK_THROWS_WITH_AS(gan.set_options(options), doctest::Contains("generator_ema"), std::invalid_argument);
}

TEST_CASE("Gan: LrSchedule::linear lowers both learning rates linearly to 0, per step") {
    const auto train = tiny_dataset(64);
    GanOptions options{.schedule = LrSchedule::linear(2)};
    Gan<TinyG, TinyD> gan(Adam{.lr = 4e-3f}, Adam{.lr = 2e-3f}, 7, options);
    CHECK(gan.learning_rate_scale() == 1.0);
    gan.fit_batch(train.images.data(), 16);  // progress 0: the base rates
    CHECK(gan.generator_optimizer_state().config.lr == doctest::Approx(4e-3f));
    CHECK(gan.discriminator_optimizer_state().config.lr == doctest::Approx(2e-3f));
    gan.fit_epoch(train, 16);  // 4 batches at progress 0, 0.25, 0.5, 0.75
    CHECK(gan.generator_optimizer_state().config.lr == doctest::Approx(4e-3 * (1 - 0.75 / 2)));
    CHECK(gan.discriminator_optimizer_state().config.lr == doctest::Approx(2e-3 * (1 - 0.75 / 2)));
    CHECK(gan.learning_rate_scale() == doctest::Approx(0.5));  // after epoch 1 of 2
    gan.fit_epoch(train, 16);
    CHECK(gan.generator_optimizer_state().config.lr == doctest::Approx(4e-3 * (1 - 1.75 / 2)));
    CHECK(gan.learning_rate_scale() == 0.0);
    gan.fit_batch(train.images.data(), 16);  // past the decay: rate 0, parameters stay
    const auto before = parameters_of(gan.generator());
    gan.fit_batch(train.images.data(), 16);
    CHECK(gan.generator_optimizer_state().config.lr == 0.0f);
    CHECK(parameters_of(gan.generator()) == before);

    options.schedule = LrSchedule::linear(-1);
    CHECK_THROWS_WITH_AS(gan.set_options(options), doctest::Contains("total_epochs"), std::invalid_argument);
}
