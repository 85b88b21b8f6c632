#include <ctnn/layers/activations.hpp>

#include "../support/gradcheck.hpp"

using namespace ctnn;

namespace {
template <class Spec>
std::vector<float> run(const std::vector<float>& x) {
    using Net = Sequential<Input<4>, Spec>;
    Model<Net, cpu::Blas> model;
    const float* y = model.forward(x.data(), x.size() / 4);
    return {y, y + x.size()};
}
}  // namespace

TEST_CASE("Activations: forward values") {
    const std::vector<float> x{-2.0f, -0.5f, 0.0f, 3.0f};
    CHECK(run<ReLU>(x) == std::vector<float>{0, 0, 0, 3});
    const auto leaky = run<LeakyReLU<0.2f>>(x);
    CHECK(leaky[0] == doctest::Approx(-0.4));
    CHECK(leaky[1] == doctest::Approx(-0.1));
    CHECK(leaky[3] == doctest::Approx(3.0));
    const auto tanh = run<Tanh>(x);
    CHECK(tanh[0] == doctest::Approx(-0.9640276));
    CHECK(tanh[3] == doctest::Approx(0.9950548));
    const auto sigmoid = run<Sigmoid>(x);
    CHECK(sigmoid[0] == doctest::Approx(0.1192029));
    CHECK(sigmoid[2] == doctest::Approx(0.5));
    CHECK(sigmoid[3] == doctest::Approx(0.9525741));
}

TEST_CASE("Sigmoid is stable for huge inputs") {
    const auto y = run<Sigmoid>({-1000.0f, 1000.0f, -80.0f, 80.0f});
    CHECK(y[0] == 0.0f);
    CHECK(y[1] == 1.0f);
    for (float v : y) CHECK(std::isfinite(v));
}

TEST_CASE("Activations: finite-difference gradients") {
    CHECK(testing::check_layer_gradients<ReLU, Shape<3, 2, 2>>() < 1e-6);
    CHECK(testing::check_layer_gradients<LeakyReLU<0.2f>, Shape<10>>() < 1e-6);
    CHECK(testing::check_layer_gradients<Tanh, Shape<10>>() < 1e-6);
    CHECK(testing::check_layer_gradients<Sigmoid, Shape<2, 5>>() < 1e-6);
}

TEST_CASE("Activations keep the shape and have no parameters") {
    using L = Tanh::bind<Shape<6, 5, 5>>;
    static_assert(std::is_same_v<L::out_shape, Shape<6, 5, 5>>);
    static_assert(L::param_count == 0);
    CHECK(LeakyReLU<0.2f>::bind<Shape<3>>::name() == "LeakyReLU<0.2>");
}

TEST_CASE("The float tanh is within a few ulp of std::tanh everywhere") {
    double worst = 0;
    for (float x = -20.0f; x <= 20.0f; x += 0.001f) {
        const double exact = std::tanh(static_cast<double>(x));
        worst = std::max(worst, std::abs(static_cast<double>(detail::fast_tanh(x)) - exact));
    }
    MESSAGE("max |fast_tanh - tanh| = " << worst);
    CHECK(worst < 5e-7);
    CHECK(detail::fast_tanh(1e-5f) == 1e-5f);
    CHECK(detail::fast_tanh(100.0f) == doctest::Approx(1.0f));
    CHECK(detail::fast_tanh(-100.0f) == doctest::Approx(-1.0f));
}
