// Upsample<F> (layers/upsample.hpp): shapes, forward and backward against PyTorch's
// nn.Upsample(scale_factor = F, mode = "nearest") (tests/fixtures/layers/make_resample.py),
// finite differences.
#include <doctest/doctest.h>

#include <ctnn/layers/upsample.hpp>

#include "../fixtures/layers/check_reference.hpp"
#include "../fixtures/layers/resample_reference.hpp"
#include "../support/gradcheck.hpp"

using namespace ctnn;

TEST_CASE("Upsample<F>: (C, H, W) -> (C, F H, F W), no parameters") {
    using L = Upsample<2>::bind<Shape<64, 7, 7>>;
    static_assert(std::is_same_v<L::out_shape, Shape<64, 14, 14>>);
    static_assert(L::param_count == 0);
    static_assert(std::is_same_v<Upsample<3>::bind<Shape<1, 2, 5>>::out_shape, Shape<1, 6, 15>>);
    CHECK(L::name() == "Upsample<2>");
}

TEST_CASE("Upsample<F>: forward and backward equal PyTorch's nearest upsampling") {
    namespace r = ctnn::fixtures::resample;
    fixtures::check_against_torch<Upsample<2>, Shape<2, 3, 4>>(
        CTNN_TORCH_REFERENCE_NO_PARAMS(r::upsample2_2x3x4));
    fixtures::check_against_torch<Upsample<3>, Shape<1, 2, 2>>(
        CTNN_TORCH_REFERENCE_NO_PARAMS(r::upsample3_1x2x2));
}

TEST_CASE("Upsample<F>: finite-difference gradients") {
    const double error = testing::check_layer_gradients<Upsample<2>, Shape<2, 3, 4>>();
    MESSAGE("Upsample<2> gradient check: worst relative error " << error);
    CHECK(error < 1e-6);
    CHECK(testing::check_layer_gradients<Upsample<3>, Shape<1, 2, 3>>() < 1e-6);
}
