#include <ctnn/layers/dense.hpp>

#include "../support/gradcheck.hpp"

using namespace ctnn;

TEST_CASE("Dense: shapes, parameter count and FLOPs are compile-time") {
    using L = Dense<7>::bind<Shape<5>>;
    static_assert(std::is_same_v<L::out_shape, Shape<7>>);
    static_assert(L::param_count == 5 * 7 + 7);
    static_assert(L::flops == 35);
    CHECK(L::name() == "Dense<7>");
}

TEST_CASE("Dense: forward matches hand-computed values") {
    using Net = Sequential<Input<3>, Dense<2>>;
    Model<Net, cpu::Blas> model;
    // weight (2 x 3) row-major, then bias (2).
    const float params[] = {1, 2, 3, -1, 0, 1, 0.5f, -2};
    std::copy(std::begin(params), std::end(params), model.parameters());
    const float x[] = {1, 1, 1, 2, 0, -1};
    const float* y = model.forward(x, 2);
    CHECK(y[0] == doctest::Approx(6.5));   // 1+2+3+0.5
    CHECK(y[1] == doctest::Approx(-2));    // -1+0+1-2
    CHECK(y[2] == doctest::Approx(-0.5));  // 2+0-3+0.5
    CHECK(y[3] == doctest::Approx(-5));    // -2+0-1-2
}

TEST_CASE("Dense: finite-difference gradients") {
    CHECK(testing::check_layer_gradients<Dense<4>, Shape<6>>() < 1e-6);
}

TEST_CASE("Dense: initialisation is PyTorch's default and seeded") {
    using Net = Sequential<Input<100>, Dense<50>>;
    Model<Net, cpu::Blas> a(3), b(3), c(4);
    CHECK(std::equal(a.parameters(), a.parameters() + Net::param_count, b.parameters()));
    CHECK_FALSE(std::equal(a.parameters(), a.parameters() + Net::param_count, c.parameters()));
    const float bound = 1.0f / std::sqrt(100.0f);
    float max_abs = 0;
    for (std::size_t i = 0; i < Net::param_count; ++i)
        max_abs = std::max(max_abs, std::abs(a.parameters()[i]));
    CHECK(max_abs <= bound);
    CHECK(max_abs > 0.9f * bound);
}
