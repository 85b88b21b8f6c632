#include <ctnn/optim/adam.hpp>
#include <ctnn/optim/one_of.hpp>
#include <ctnn/optim/sgd.hpp>

#include <doctest/doctest.h>

#include <ctnn/backend/cpu/blas.hpp>

using namespace ctnn;

TEST_CASE("SGD: plain step and weight decay") {
    SGD::impl<cpu::Blas64> sgd(SGD{.lr = 0.1f, .weight_decay = 0.5f}, 2);
    double p[] = {1.0, -2.0};
    const double g[] = {0.5, 1.0};
    sgd.step(p, g);
    CHECK(p[0] == doctest::Approx(1.0 - 0.1 * (0.5 + 0.5 * 1.0)));
    CHECK(p[1] == doctest::Approx(-2.0 - 0.1 * (1.0 + 0.5 * -2.0)));
}

TEST_CASE("SGD: momentum (velocity = grad on the first step) and Nesterov") {
    SGD::impl<cpu::Blas64> sgd(SGD{.lr = 0.1f, .momentum = 0.9f}, 1);
    double p[] = {1.0};
    const double g[] = {1.0};
    sgd.step(p, g);  // v = 1, p = 0.9
    CHECK(p[0] == doctest::Approx(0.9));
    sgd.step(p, g);  // v = 0.9 + 1 = 1.9, p = 0.9 - 0.19
    CHECK(p[0] == doctest::Approx(0.71));

    SGD::impl<cpu::Blas64> nesterov(SGD{.lr = 0.1f, .momentum = 0.9f, .nesterov = true}, 1);
    double q[] = {1.0};
    nesterov.step(q, g);  // v = 1, step = 1 + 0.9 = 1.9
    CHECK(q[0] == doctest::Approx(1.0 - 0.19));
    nesterov.step(q, g);  // v = 1.9, step = 1 + 0.9 * 1.9 = 2.71
    CHECK(q[0] == doctest::Approx(0.81 - 0.271));
}

TEST_CASE("Adam: two steps against hand-computed values") {
    Adam::impl<cpu::Blas64> adam(Adam{.lr = 0.1f}, 1);
    double p[] = {1.0};
    double g[] = {2.0};
    adam.step(p, g);  // m = 0.2, v = 0.004; mhat = 2, vhat = 4: p -= 0.1 * 2 / (2 + 1e-8)
    CHECK(p[0] == doctest::Approx(0.9).epsilon(1e-6));
    g[0] = -1.0;
    adam.step(p, g);
    const double m = 0.9 * 0.2 + 0.1 * -1.0, v = 0.999 * 0.004 + 0.001 * 1.0;
    const double step = 0.1 / (1 - 0.81) * m / (std::sqrt(v) / std::sqrt(1 - 0.998001) + 1e-8);
    CHECK(p[0] == doctest::Approx(0.9 - step).epsilon(1e-6));
    CHECK(adam.steps() == 2);
}

TEST_CASE("Adam L2 weight decay vs AdamW decoupled decay") {
    Adam::impl<cpu::Blas64> adam(Adam{.lr = 0.1f, .weight_decay = 0.5f}, 1);
    AdamW::impl<cpu::Blas64> adamw(AdamW{.lr = 0.1f, .weight_decay = 0.5f}, 1);
    double p[] = {1.0}, q[] = {1.0};
    const double g[] = {0.0};
    adam.step(p, g);   // g' = 0.5: the normalised step is a full lr
    adamw.step(q, g);  // only the decay: q = 1 * (1 - 0.05)
    CHECK(p[0] == doctest::Approx(0.9).epsilon(1e-6));
    CHECK(q[0] == doctest::Approx(0.95));
    CHECK(AdamW{}.weight_decay == doctest::Approx(0.01f));
}

TEST_CASE("OneOf<SGD, Adam>: the chosen optimizer's step, state, learning rate and name") {
    using Choice = OneOf<SGD, Adam>;
    Choice::impl<cpu::Blas64> chosen_adam(Choice{Adam{.lr = 0.1f}}, 1);
    Adam::impl<cpu::Blas64> adam(Adam{.lr = 0.1f}, 1);
    double p[] = {1.0}, q[] = {1.0};
    const double g[] = {2.0};
    for (int i = 0; i < 3; ++i) {
        chosen_adam.step(p, g);
        adam.step(q, g);
    }
    CHECK(p[0] == q[0]);
    CHECK(chosen_adam.steps() == 3);
    CHECK(std::string(optimizer_name(chosen_adam)) == "adam");
    CHECK(chosen_adam.state_tensors().size() == 2);
    CHECK(learning_rate(Choice{Adam{.lr = 0.1f}}) == 0.1f);

    Choice::impl<cpu::Blas64> chosen_sgd(Choice{SGD{.lr = 0.5f}}, 1);
    CHECK(std::string(optimizer_name(chosen_sgd)) == "sgd");
    CHECK(chosen_sgd.state_tensors().empty());  // no momentum: no velocity
    set_learning_rate(chosen_sgd, 0.25f);
    CHECK(chosen_sgd.learning_rate() == 0.25f);
    double r[] = {1.0};
    chosen_sgd.step(r, g);
    CHECK(r[0] == doctest::Approx(1.0 - 0.25 * 2.0));
    chosen_sgd.set_steps(7);
    CHECK(chosen_sgd.steps() == 7);
}
