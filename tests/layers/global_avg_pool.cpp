// GlobalAvgPool (layers/global_avg_pool.hpp): shapes, forward and backward against PyTorch's
// AdaptiveAvgPool2d(1) + flatten (tests/fixtures/layers/make_resample.py), finite differences.
#include <doctest/doctest.h>

#include <ctnn/layers/global_avg_pool.hpp>

#include "../fixtures/layers/check_reference.hpp"
#include "../fixtures/layers/resample_reference.hpp"
#include "../support/gradcheck.hpp"

using namespace ctnn;

TEST_CASE("GlobalAvgPool: (C, H, W) -> (C), no parameters") {
    using L = GlobalAvgPool::bind<Shape<32, 7, 7>>;
    static_assert(std::is_same_v<L::out_shape, Shape<32>>);
    static_assert(L::param_count == 0 && L::flops == 0);
    static_assert(Layer<GlobalAvgPool, Shape<3, 1, 1>>);
    CHECK(L::name() == "GlobalAvgPool");
    CHECK(std::string(L::kind) == "globalavgpool");
}

TEST_CASE("GlobalAvgPool: forward and backward equal PyTorch's AdaptiveAvgPool2d(1)") {
    namespace r = ctnn::fixtures::resample;
    fixtures::check_against_torch<GlobalAvgPool, Shape<3, 5, 4>>(
        CTNN_TORCH_REFERENCE_NO_PARAMS(r::global_avg_pool_3x5x4));
}

TEST_CASE("GlobalAvgPool: finite-difference gradients") {
    const double error = testing::check_layer_gradients<GlobalAvgPool, Shape<4, 3, 5>>();
    MESSAGE("GlobalAvgPool gradient check: worst relative error " << error);
    CHECK(error < 1e-6);
    CHECK(testing::check_layer_gradients<GlobalAvgPool, Shape<2, 1, 1>>() < 1e-6);
}
