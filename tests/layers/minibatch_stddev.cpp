#include <ctnn/layers/minibatch_stddev.hpp>

#include <cmath>
#include <vector>

#include "../support/gradcheck.hpp"

using namespace ctnn;

namespace {
template <class M>
std::vector<double> run(M& model, const std::vector<double>& x, std::size_t batch) {
    const double* y = model.forward(x.data(), batch);
    return std::vector<double>(y, y + batch * M::output_shape::size);
}
}  // namespace

TEST_CASE("MinibatchStddev: shapes, name, no parameters") {
    static_assert(std::is_same_v<MinibatchStddev<>::bind<Shape<5>>::out_shape, Shape<6>>);
    static_assert(std::is_same_v<MinibatchStddev<>::bind<Shape<3, 4, 4>>::out_shape, Shape<4, 4, 4>>);
    static_assert(MinibatchStddev<>::bind<Shape<5>>::param_count == 0);
    // In a discriminator: the Dense after it sees one more input.
    using D = Sequential<Input<1, 28, 28>, Flatten, Dense<8>, MinibatchStddev<>, Dense<1>>;
    static_assert(D::param_count == (784 * 8 + 8) + (9 + 1));
    CHECK(MinibatchStddev<>::bind<Shape<5>>::name() == "MinibatchStddev<4, 1e-08>");
}

TEST_CASE("MinibatchStddev: flat input, values by hand") {
    // Groups of 2. Group 0: feature 0 is {0, 2} (std 1), feature 1 is {1, 1} (std sqrt(eps)).
    // Group 1: feature 0 is {1, 1}, feature 1 is {3, -1} (std 2). The last group holds one sample.
    Model<Sequential<Input<2>, MinibatchStddev<2>>, cpu::Blas64> model;
    const double tiny = std::sqrt(static_cast<double>(1e-8f));
    const std::vector<double> x = {0, 1, 2, 1, 1, 3, 1, -1, 5, 7};
    const auto y = run(model, x, 5);
    const std::vector<double> expected = {0, 1,  (1 + tiny) / 2,
                                          2, 1,  (1 + tiny) / 2,  //
                                          1, 3,  (2 + tiny) / 2,
                                          1, -1, (2 + tiny) / 2,  //
                                          5, 7,  tiny};
    REQUIRE(y.size() == expected.size());
    for (std::size_t i = 0; i < y.size(); ++i) CHECK(y[i] == doctest::Approx(expected[i]).epsilon(1e-7));
}

TEST_CASE("MinibatchStddev: (C, H, W) input fills the appended channel; eval mode is the same") {
    // One channel of 1x2, groups of 4: features {1, 3, 5, 7} (std sqrt(5)) and {0, 0, 0, 4} (std sqrt(3)).
    Model<Sequential<Input<1, 1, 2>, MinibatchStddev<4>>, cpu::Blas64> model;
    const std::vector<double> x = {1, 0, 3, 0, 5, 0, 7, 4};
    const double m = (std::sqrt(5.0 + 1e-8) + std::sqrt(3.0 + 1e-8)) / 2;
    const auto y = run(model, x, 4);
    for (std::size_t n = 0; n < 4; ++n) {
        CHECK(y[n * 4 + 0] == x[n * 2 + 0]);
        CHECK(y[n * 4 + 1] == x[n * 2 + 1]);
        CHECK(y[n * 4 + 2] == doctest::Approx(m).epsilon(1e-7));
        CHECK(y[n * 4 + 3] == doctest::Approx(m).epsilon(1e-7));
    }
    model.eval();
    CHECK(run(model, x, 4) == y);
}

TEST_CASE("MinibatchStddev: a group of identical samples reads sqrt(eps), a varied one more") {
    Model<Sequential<Input<16>, MinibatchStddev<4>>, cpu::Blas64> model;
    Rng rng(3);
    std::vector<double> x(8 * 16);
    for (std::size_t f = 0; f < 16; ++f) {
        const double same = rng.uniform(-1, 1);
        for (std::size_t n = 0; n < 4; ++n) x[n * 16 + f] = same;  // group 0: one sample 4 times
        for (std::size_t n = 4; n < 8; ++n) x[n * 16 + f] = rng.uniform(-1, 1);  // group 1: varied
    }
    const auto y = run(model, x, 8);
    CHECK(y[16] == doctest::Approx(1e-4).epsilon(1e-3));
    CHECK(y[7 * 17 + 16] > 0.3);
}

TEST_CASE("MinibatchStddev: finite-difference gradients") {
    // Batch 3 in one group of 4 (a short group); batch 7 in groups of 3 (the last of 1 sample).
    CHECK(testing::check_layer_gradients<MinibatchStddev<>, Shape<5>>() < 1e-6);
    CHECK(testing::check_layer_gradients<MinibatchStddev<3>, Shape<6>>({.batch = 7}) < 1e-6);
    CHECK(testing::check_layer_gradients<MinibatchStddev<2>, Shape<2, 3, 3>>({.batch = 5}) < 1e-6);
    CHECK(testing::check_layer_gradients<MinibatchStddev<4>, Shape<3, 2, 2>>(
              {.batch = 8, .mode = Mode::eval}) < 1e-6);
}
