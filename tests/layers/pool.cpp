#include <ctnn/layers/pool.hpp>

#include <vector>

#include "../fixtures/layers/check_reference.hpp"
#include "../support/gradcheck.hpp"

using namespace ctnn;

TEST_CASE("AvgPool, MaxPool: shapes are compile-time") {
    using A = AvgPool<2>::bind<Shape<6, 28, 28>>;
    static_assert(std::is_same_v<A::out_shape, Shape<6, 14, 14>>);
    static_assert(A::param_count == 0 && A::flops == 0);
    using M = MaxPool<3, 2>::bind<Shape<4, 7, 6>>;  // floor((7-3)/2)+1 = 3, floor((6-3)/2)+1 = 2
    static_assert(std::is_same_v<M::out_shape, Shape<4, 3, 2>>);
    static_assert(std::is_same_v<MaxPool<2>::bind<Shape<1, 5, 5>>::out_shape, Shape<1, 2, 2>>);  // floor
    static_assert(Layer<AvgPool<2>, Shape<6, 28, 28>> && Layer<MaxPool<2>, Shape<6, 28, 28>>);
    CHECK(A::name() == "AvgPool<2x2>");
    CHECK(M::name() == "MaxPool<3x3, stride 2>");
    CHECK(MaxPool<2, 1>::bind<Shape<1, 4, 4>>::name() == "MaxPool<2x2, stride 1>");
    CHECK(std::string(A::kind) == "avgpool");
    CHECK(std::string(M::kind) == "maxpool");
}

TEST_CASE("AvgPool: forward and backward by hand") {
    Model<Sequential<Input<1, 4, 4>, AvgPool<2>>, cpu::Blas> model;
    const float x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    const float* y = model.forward(x, 1);
    CHECK(std::vector<float>(y, y + 4) == std::vector<float>{3.5f, 5.5f, 11.5f, 13.5f});
    const float dout[] = {4, 8, 12, 16};
    std::vector<float> dinp(16);
    model.backward(dout, dinp.data());
    CHECK(dinp == std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
}

TEST_CASE("MaxPool: forward and backward by hand (overlapping windows, ties, a NaN)") {
    SUBCASE("stride 1: an element that is the max of two windows gets both gradients") {
        Model<Sequential<Input<1, 3, 3>, MaxPool<2, 1>>, cpu::Blas> model;
        const float x[] = {1, 2, 0, 3, 9, 1, 0, 4, 5};
        const float* y = model.forward(x, 1);
        CHECK(std::vector<float>(y, y + 4) == std::vector<float>{9, 9, 9, 9});
        const float dout[] = {1, 2, 3, 4};
        std::vector<float> dinp(9, -1);
        model.backward(dout, dinp.data());
        CHECK(dinp == std::vector<float>{0, 0, 0, 0, 10, 0, 0, 0, 0});
    }
    SUBCASE("a tie goes to the first maximum in row-major order, as PyTorch") {
        Model<Sequential<Input<1, 2, 4>, MaxPool<2>>, cpu::Blas> model;
        const float x[] = {7, 7, 1, 2, 7, 7, 3, 3};
        const float* y = model.forward(x, 1);
        CHECK(y[0] == 7);
        CHECK(y[1] == 3);
        const float dout[] = {1, 1};
        std::vector<float> dinp(8);
        model.backward(dout, dinp.data());
        CHECK(dinp == std::vector<float>{1, 0, 0, 0, 0, 0, 1, 0});
    }
    SUBCASE("a NaN propagates") {
        Model<Sequential<Input<1, 2, 2>, MaxPool<2>>, cpu::Blas> model;
        const float x[] = {1, std::nanf(""), 5, 2};
        CHECK(std::isnan(model.forward(x, 1)[0]));
    }
}

TEST_CASE("AvgPool, MaxPool: forward and gradients match PyTorch") {
    using namespace fixtures;
    check_against_torch<AvgPool<2>, Shape<2, 5, 4>>(CTNN_TORCH_REFERENCE_NO_PARAMS(avgpool_2));
    check_against_torch<AvgPool<3, 2>, Shape<2, 7, 6>>(CTNN_TORCH_REFERENCE_NO_PARAMS(avgpool_3_s2));
    check_against_torch<MaxPool<2>, Shape<2, 5, 4>>(CTNN_TORCH_REFERENCE_NO_PARAMS(maxpool_2));
    check_against_torch<MaxPool<3, 2>, Shape<2, 7, 6>>(CTNN_TORCH_REFERENCE_NO_PARAMS(maxpool_3_s2));
    check_against_torch<AvgPool<2, 3>, Shape<2, 8, 7>>(CTNN_TORCH_REFERENCE_NO_PARAMS(avgpool_2_s3));
    check_against_torch<MaxPool<2, 3>, Shape<2, 8, 7>>(CTNN_TORCH_REFERENCE_NO_PARAMS(maxpool_2_s3));
}

TEST_CASE("AvgPool, MaxPool: finite-difference gradients") {
    CHECK(testing::check_layer_gradients<AvgPool<2>, Shape<2, 5, 4>>() < 1e-6);
    CHECK(testing::check_layer_gradients<AvgPool<3, 2>, Shape<2, 7, 6>>() < 1e-6);
    CHECK(testing::check_layer_gradients<AvgPool<2, 1>, Shape<1, 4, 5>>() < 1e-6);
    CHECK(testing::check_layer_gradients<AvgPool<2, 3>, Shape<2, 8, 7>>() < 1e-6);  // gaps
    // Random inputs have no ties, so the max is differentiable at them.
    CHECK(testing::check_layer_gradients<MaxPool<2>, Shape<2, 5, 4>>() < 1e-6);
    CHECK(testing::check_layer_gradients<MaxPool<3, 2>, Shape<2, 7, 6>>() < 1e-6);
    CHECK(testing::check_layer_gradients<MaxPool<2, 1>, Shape<1, 4, 5>>() < 1e-6);
    CHECK(testing::check_layer_gradients<MaxPool<2, 3>, Shape<2, 8, 7>>() < 1e-6);
}

TEST_CASE("MaxPool: the argmax cache follows the batch size") {
    using Net = Sequential<Input<1, 4, 4>, MaxPool<2>>;
    Model<Net, cpu::Blas64> model;
    Rng rng(3);
    std::vector<double> x(5 * 16), dinp(5 * 16), dout(5 * 4, 1.0);
    for (auto& v : x) v = rng.uniform(-1, 1);
    for (std::size_t n : {2u, 5u, 1u}) {
        model.forward(x.data(), n);
        model.backward(dout.data(), dinp.data());
        double total = 0;  // each window routes its 1 to exactly one input
        for (std::size_t i = 0; i < n * 16; ++i) total += dinp[i];
        CHECK(total == double(n * 4));
    }
}
