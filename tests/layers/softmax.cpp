#include <ctnn/layers/softmax.hpp>

#include "../support/gradcheck.hpp"

using namespace ctnn;

TEST_CASE("Softmax: forward values, rows sum to one, stable for large inputs") {
    using Net = Sequential<Input<3>, Softmax>;
    Model<Net, cpu::Blas> model;
    const float x[] = {1, 2, 3, 1000, 1000, 1000};
    const float* y = model.forward(x, 2);
    CHECK(y[0] == doctest::Approx(0.0900306));
    CHECK(y[1] == doctest::Approx(0.2447285));
    CHECK(y[2] == doctest::Approx(0.6652410));
    for (int k = 3; k < 6; ++k) CHECK(y[k] == doctest::Approx(1.0 / 3));
}

TEST_CASE("Softmax: finite-difference gradients") {
    CHECK(testing::check_layer_gradients<Softmax, Shape<7>>() < 1e-6);
}
