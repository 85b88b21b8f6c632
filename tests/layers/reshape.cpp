#include <ctnn/layers/reshape.hpp>

#include "../support/gradcheck.hpp"

using namespace ctnn;

TEST_CASE("Flatten and Reshape: shapes") {
    static_assert(std::is_same_v<Flatten::bind<Shape<16, 5, 5>>::out_shape, Shape<400>>);
    static_assert(std::is_same_v<Reshape<128, 7, 7>::bind<Shape<6272>>::out_shape, Shape<128, 7, 7>>);
    CHECK(Reshape<2, 3>::bind<Shape<6>>::name() == "Reshape(2, 3)");
}

TEST_CASE("Flatten and Reshape keep the elements in row-major order") {
    using Net = Sequential<Input<2, 3>, Flatten, Reshape<3, 2>>;
    Model<Net, cpu::Blas> model;
    const float x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    const float* y = model.forward(x, 2);
    CHECK(std::equal(x, x + 12, y));
}

TEST_CASE("Flatten and Reshape: finite-difference gradients") {
    CHECK(testing::check_layer_gradients<Flatten, Shape<2, 3, 2>>() < 1e-6);
    CHECK(testing::check_layer_gradients<Reshape<4, 3>, Shape<12>>() < 1e-6);
}
