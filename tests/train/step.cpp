// train/step.hpp: the one optimization step. A user's own loop trains a regression with it;
// hooks run once per step, after backward and before the finite check and the optimizer (a hook
// that zeroes the gradients leaves the weights alone, one that plants a NaN is caught, one that
// averages the sums as a gradient sync would changes the loss reported); the skip policy
// restores BatchNorm's running statistics; Classifier and Gan expose their steps for hooks.
#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/models/gan.hpp>
#include <ctnn/train/classifier.hpp>
#include <ctnn/train/gan.hpp>
#include <ctnn/train/step.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace ctnn;

namespace {

using Line = Sequential<Input<2>, Dense<1>>;
using B = cpu::Blas;

// y = 3 x0 - 2 x1 + 0.5 on 16 fixed points.
struct Regression {
    std::vector<float> x, y;
    Regression() {
        for (int i = 0; i < 16; ++i) {
            const float a = 0.25f * static_cast<float>(i % 4) - 0.4f,
                        b = 0.2f * static_cast<float>(i / 4) - 0.3f;
            x.push_back(a);
            x.push_back(b);
            y.push_back(3 * a - 2 * b + 0.5f);
        }
    }
    std::size_t size() const { return y.size(); }
};

// One step of MSE (mean) on the whole set through `step`; returns what the step read back.
template <class Net, class Opt, std::size_t Sums>
auto mse_step(OptimizationStep<B, Sums>& step, Model<Net, B>& model, Opt& optimizer, const Regression& data,
              std::vector<float>& dy) {
    const std::size_t n = data.size();
    dy.resize(n);
    step.reserve(B::loss_scratch(n));
    return step.run(
        model, optimizer,
        [&](auto& s) {
            const float* out = model.forward(data.x.data(), n);
            B::mse(out, data.y.data(), dy.data(), n, 1.0f / static_cast<float>(n), s.scratch(), s.sum(0));
            model.backward(dy.data());
        },
        [] { return std::string("test step"); });
}

std::vector<float> copy_of(const float* p, std::size_t n) {
    return {p, p + n};
}

}  // namespace

TEST_CASE("OptimizationStep: a user's own loop fits a line with SGD") {
    Model<Line, B> model(3);
    SGD::impl<B> sgd(SGD{.lr = 0.5f}, Line::param_count);
    OptimizationStep<B> step;
    const Regression data;
    std::vector<float> dy;
    const double first = mse_step(step, model, sgd, data, dy).loss;
    double last = first;
    for (int i = 0; i < 300; ++i) last = mse_step(step, model, sgd, data, dy).loss;
    CHECK(first > 0.1);
    CHECK(last < 1e-6);
    const float* w = model.parameters();  // Dense<1> on 2 inputs: weight (1 x 2), then bias
    CHECK(w[0] == doctest::Approx(3.0).epsilon(1e-3));
    CHECK(w[1] == doctest::Approx(-2.0).epsilon(1e-3));
    CHECK(w[2] == doctest::Approx(0.5).epsilon(1e-3));
    CHECK(step.steps() == 301);
    CHECK(step.skipped_steps() == 0);
}

TEST_CASE("OptimizationStep: hooks run once per step, after backward, before the optimizer") {
    Model<Line, B> model(3);
    SGD::impl<B> sgd(SGD{.lr = 0.5f}, Line::param_count);
    OptimizationStep<B> step;
    const Regression data;
    std::vector<float> dy;
    std::vector<std::uint64_t> seen_steps;
    std::vector<float> seen_gradients;
    step.add_hook([&](const GradientView<B>& view) {
        seen_steps.push_back(view.step);
        CHECK(view.count == Line::param_count);
        CHECK(view.slots->size() == 2);
        CHECK(view.sum_count == 1);
        CHECK(view.loss_sums == 1);
        seen_gradients.assign(view.gradients, view.gradients + view.count);
        for (std::size_t i = 0; i < view.count; ++i) view.gradients[i] = 0;  // the optimizer sees zeros
    });
    const auto before = copy_of(model.parameters(), Line::param_count);
    mse_step(step, model, sgd, data, dy);
    mse_step(step, model, sgd, data, dy);
    CHECK(seen_steps == std::vector<std::uint64_t>{1, 2});
    CHECK(std::any_of(seen_gradients.begin(), seen_gradients.end(), [](float g) { return g != 0; }));
    CHECK(copy_of(model.parameters(), Line::param_count) == before);
}

TEST_CASE("OptimizationStep: a hook's NaN is caught by the finite check, under stop and under skip") {
    Model<Line, B> model(3);
    SGD::impl<B> sgd(SGD{.lr = 0.5f}, Line::param_count);
    OptimizationStep<B> step("critic");
    const Regression data;
    std::vector<float> dy;
    step.add_hook(
        [](const GradientView<B>& view) { view.gradients[2] = std::numeric_limits<float>::quiet_NaN(); });
    const auto before = copy_of(model.parameters(), Line::param_count);
    std::string message;
    try {
        mse_step(step, model, sgd, data, dy);
    } catch (const NonFiniteError& e) {
        message = e.what();
    }
    CHECK(message.find("test step: gradient of critic ") == 0);
    CHECK(message.find("bias[0] = NaN is not finite") != std::string::npos);
    CHECK(copy_of(model.parameters(), Line::param_count) == before);

    step.set_non_finite_policy(NonFinitePolicy::skip);
    const auto result = mse_step(step, model, sgd, data, dy);
    CHECK(result.skipped);
    CHECK(step.skipped_steps() == 1);
    CHECK(copy_of(model.parameters(), Line::param_count) == before);
    CHECK(std::all_of(model.gradients(), model.gradients() + Line::param_count,
                      [](float g) { return g == 0; }));
}

TEST_CASE("OptimizationStep: a hook may change the sums, as a gradient sync averages the losses") {
    Model<Line, B> model(3);
    SGD::impl<B> sgd(SGD{.lr = 0.0f}, Line::param_count);
    OptimizationStep<B> plain, halved;
    halved.add_hook([](const GradientView<B>& view) {
        for (std::size_t i = 0; i < view.loss_sums; ++i) view.sums[i] *= 0.5f;
    });
    const Regression data;
    std::vector<float> dy;
    const double loss = mse_step(plain, model, sgd, data, dy).loss;
    CHECK(mse_step(halved, model, sgd, data, dy).loss == doctest::Approx(loss / 2));
}

TEST_CASE("OptimizationStep: a skipped step restores BatchNorm's running statistics") {
    using Normed = Sequential<Input<2>, Dense<4>, BatchNorm<>, Dense<1>>;
    Model<Normed, B> model(5);
    SGD::impl<B> sgd(SGD{.lr = 0.1f}, Normed::param_count);
    OptimizationStep<B> step;
    step.set_non_finite_policy(NonFinitePolicy::skip);
    Regression data;
    std::vector<float> dy;
    mse_step(step, model, sgd, data, dy);
    const auto state = copy_of(model.state(), Model<Normed, B>::state_count);
    data.x[0] = std::numeric_limits<float>::quiet_NaN();
    CHECK(mse_step(step, model, sgd, data, dy).skipped);
    CHECK(copy_of(model.state(), Model<Normed, B>::state_count) == state);
}

TEST_CASE("OptimizationStep: Classifier and Gan run their steps through hooks a user adds") {
    using Mlp = Sequential<Input<4>, Dense<8>, ReLU, Dense<3>>;
    Classifier<Mlp, SoftmaxCrossEntropy, SGD> clf(SGD{.lr = 0.1f}, 1);
    std::size_t classifier_calls = 0;
    clf.optimization_step().add_hook([&](const GradientView<B>&) { ++classifier_calls; });
    std::vector<float> x(8 * 4, 0.5f);
    std::vector<std::int32_t> y = {0, 1, 2, 0, 1, 2, 0, 1};
    clf.fit_batch(x.data(), y.data(), 8);
    clf.fit_batch(x.data(), y.data(), 8);
    CHECK(classifier_calls == 2);

    Gan<models::MlpGenerator<8>, models::MlpDiscriminator> gan(Adam{}, Adam{}, 7, GanOptions{.d_steps = 2});
    std::size_t d_calls = 0, g_calls = 0;
    gan.discriminator_step().add_hook([&](const GradientView<B>& view) {
        ++d_calls;
        CHECK(view.loss_sums == 2);  // BCE on the real and on the fake images (no penalty)
    });
    gan.generator_step().add_hook([&](const GradientView<B>&) { ++g_calls; });
    std::vector<float> images(4 * 784, 0.0f);
    for (int i = 0; i < 4; ++i) gan.fit_batch(images.data(), 4);
    CHECK(d_calls == 4);
    CHECK(g_calls == 2);
}

TEST_CASE("Classifier: a label outside the network's classes is refused, naming the sample") {
    using Mlp = Sequential<Input<4>, Dense<8>, ReLU, Dense<3>>;
    Classifier<Mlp, SoftmaxCrossEntropy, SGD> clf(SGD{.lr = 0.1f}, 1);
    std::vector<float> x(4 * 4, 0.5f);
    std::vector<std::int32_t> y = {0, 1, 3, 0};
    CHECK_THROWS_WITH_AS(
        clf.fit_batch(x.data(), y.data(), 4),
        "Classifier: sample 2 of the batch has label 3, outside the network's 3 classes (0 to 2)",
        std::invalid_argument);
    y[2] = -1;
    data::Dataset d;
    d.images = xt::adapt(x, std::array<std::size_t, 4>{4, 4, 1, 1});
    d.labels = xt::adapt(y, std::array<std::size_t, 1>{4});
    CHECK_THROWS_WITH_AS(
        clf.evaluate(d),
        "Classifier: sample 2 of the data set has label -1, outside the network's 3 classes (0 to 2)",
        std::invalid_argument);
    CHECK_THROWS_AS(clf.fit_epoch(d, 2), std::invalid_argument);
    CHECK(clf.step() == 0);
}
