#include <ctnn/layers/pad.hpp>

#include <vector>

#include "../support/gradcheck.hpp"

using namespace ctnn;

TEST_CASE("Pad: shapes are compile-time (LeNet-5's 28x28 -> 32x32)") {
    using P = Pad<2>::bind<Shape<1, 28, 28>>;
    static_assert(std::is_same_v<P::out_shape, Shape<1, 32, 32>>);
    static_assert(P::param_count == 0 && P::flops == 0);
    static_assert(std::is_same_v<Pad<1>::bind<Shape<3, 2, 5>>::out_shape, Shape<3, 4, 7>>);
    static_assert(Layer<Pad<2>, Shape<1, 28, 28>>);
    CHECK(P::name() == "Pad<2>");
    CHECK(std::string(P::kind) == "pad");
}

TEST_CASE("Pad: forward surrounds each plane with zeros, backward crops") {
    Model<Sequential<Input<2, 1, 2>, Pad<1>>, cpu::Blas> model;
    const float x[] = {1, 2, 3, 4, 5, 6, 7, 8};  // batch 2, two 1x2 planes each
    const float* y = model.forward(x, 2);
    const std::vector<float> plane0{0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0};  // 3x4
    CHECK(std::vector<float>(y, y + 12) == plane0);
    CHECK(y[12 + 5] == 3);
    CHECK(y[36 + 6] == 8);
    std::vector<float> dout(48), dinp(8, -1);
    for (std::size_t i = 0; i < dout.size(); ++i) dout[i] = float(i);
    model.backward(dout.data(), dinp.data());
    CHECK(dinp == std::vector<float>{5, 6, 17, 18, 29, 30, 41, 42});
}

TEST_CASE("Pad: finite-difference gradients") {
    CHECK(testing::check_layer_gradients<Pad<2>, Shape<2, 4, 3>>() < 1e-6);
    CHECK(testing::check_layer_gradients<Pad<1>, Shape<1, 1, 1>>() < 1e-6);
}
