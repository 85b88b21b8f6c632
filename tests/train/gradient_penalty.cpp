// WGAN-GP's gradient penalty (train/gradient_penalty.hpp) against PyTorch's exact second-order
// gradient (tests/fixtures/train/make_gradient_penalty.py: torch.autograd.grad with
// create_graph=True): the penalty's value and its gradient with respect to every critic
// parameter; the relative error of the central difference is printed. Then Gan<..., WassersteinGP>
// trains with it: its critic's loss is D(G(z)) - D(x) + the penalty.
#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/gan.hpp>
#include <ctnn/train/gradient_penalty.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "../fixtures/train/gradient_penalty_reference.hpp"

using namespace ctnn;
namespace reference = ctnn::fixtures::gradient_penalty;

namespace {
using B = cpu::Blas;
using Critic = Sequential<Input<1, 2, 2>, Flatten, Dense<8>, LeakyReLU<0.2f>, Dense<1>>;

template <std::size_t N>
std::vector<float> floats(const double (&values)[N]) {
    return {std::begin(values), std::end(values)};
}
}  // namespace

TEST_CASE("GradientPenalty: the penalty and its parameter gradient match PyTorch's autograd (create_graph)") {
    static_assert(std::size(reference::parameters) == Critic::param_count);
    Model<Critic, B> critic(1);
    const auto parameters = floats(reference::parameters);
    std::copy(parameters.begin(), parameters.end(), critic.parameters());
    const auto real = floats(reference::real), fake = floats(reference::fake),
               weights = floats(reference::weights);
    const std::size_t n = weights.size();

    GradientPenalty<Critic, B> penalty;
    float value = 0;
    critic.zero_grad();
    penalty.add(critic, real.data(), fake.data(), weights.data(), n, static_cast<float>(reference::lambda),
                1e-3f, &value);
    CHECK(value == doctest::Approx(reference::penalty).epsilon(1e-5));

    double largest = 0, worst_relative = 0;
    for (const double g : reference::gradient) largest = std::max(largest, std::abs(g));
    for (std::size_t i = 0; i < Critic::param_count; ++i) {
        const double error = std::abs(critic.gradients()[i] - reference::gradient[i]);
        worst_relative = std::max(worst_relative, error / largest);
        INFO("parameter " << i << ": ctnn " << critic.gradients()[i] << ", PyTorch "
                          << reference::gradient[i]);
        CHECK(error <= 1e-3 * largest);
    }
    MESSAGE("gradient penalty: largest error of the central difference, relative to the largest gradient: "
            << worst_relative);
}

TEST_CASE("Gan with WassersteinGP: the critic's loss is D(G(z)) - D(x) plus a non-negative penalty") {
    using G = Sequential<Input<4>, Dense<16>, LeakyReLU<0.2f>, Dense<4>, Reshape<1, 2, 2>, Tanh>;
    Gan<G, Critic, WassersteinGP, Adam, Adam> gan(Adam{.lr = 1e-4f, .beta1 = 0.0f, .beta2 = 0.9f},
                                                  Adam{.lr = 1e-4f, .beta1 = 0.0f, .beta2 = 0.9f}, 5,
                                                  GanOptions{.d_steps = 5});
    const auto real = floats(reference::real);
    std::vector<float> batch(16 * 4);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i] = real[i % real.size()];
    for (int i = 0; i < 10; ++i) {
        const GanStepStats stats = gan.fit_batch(batch.data(), 16);
        CHECK(std::isfinite(stats.d_loss));
        CHECK(stats.d_loss >= stats.d_fake - stats.d_real - 1e-6);
        CHECK(stats.g_step == (i % 5 == 4));
    }
}
