// GroupNorm<G> (layers/group_norm.hpp) and LayerNorm (layers/layer_norm.hpp): shapes and names,
// forward and backward against PyTorch's nn.GroupNorm / nn.LayerNorm with random affine
// parameters (tests/fixtures/layers/make_norms.py), finite-difference gradients, a batch equal
// to its samples one by one, and evaluation equal to training (no running statistics).
#include <doctest/doctest.h>

#include <ctnn/layers/group_norm.hpp>
#include <ctnn/layers/layer_norm.hpp>

#include "../fixtures/layers/check_reference.hpp"
#include "../fixtures/layers/norm_reference.hpp"
#include "../support/gradcheck.hpp"

using namespace ctnn;
namespace r = ctnn::fixtures::norms;

TEST_CASE("GroupNorm<G> and LayerNorm: shapes, parameters and names") {
    using GN = GroupNorm<4>::bind<Shape<16, 7, 7>>;
    static_assert(std::is_same_v<GN::out_shape, Shape<16, 7, 7>>);
    static_assert(GN::param_count == 32);
    CHECK(GN::params[0].name == "weight");
    CHECK(GN::name() == "GroupNorm<4, 1e-05>");
    using LN = LayerNorm<>::bind<Shape<3, 4, 5>>;
    static_assert(LN::param_count == 2 * 60);
    static_assert(LN::params[0].rank == 3 && LN::params[0].dims[2] == 5);
    CHECK(LN::name() == "LayerNorm<1e-05>");
    static_assert(LayerNorm<>::bind<Shape<10>>::param_count == 20);
}

TEST_CASE("GroupNorm<G>: forward and backward equal PyTorch's nn.GroupNorm") {
    fixtures::check_against_torch<GroupNorm<2>, Shape<4, 3, 3>>(CTNN_TORCH_REFERENCE(r::group_norm_2_4x3x3));
    fixtures::check_against_torch<GroupNorm<3>, Shape<6>>(CTNN_TORCH_REFERENCE(r::group_norm_3_6));
    fixtures::check_against_torch<GroupNorm<1>, Shape<3, 2, 2>>(CTNN_TORCH_REFERENCE(r::group_norm_1_3x2x2));
    fixtures::check_against_torch<GroupNorm<3>, Shape<3, 2, 3>>(CTNN_TORCH_REFERENCE(r::group_norm_3_3x2x3));
}

TEST_CASE("LayerNorm: forward and backward equal PyTorch's nn.LayerNorm over the whole sample") {
    fixtures::check_against_torch<LayerNorm<>, Shape<3, 4, 4>>(CTNN_TORCH_REFERENCE(r::layer_norm_3x4x4));
    fixtures::check_against_torch<LayerNorm<>, Shape<10>>(CTNN_TORCH_REFERENCE(r::layer_norm_10));
}

TEST_CASE("GroupNorm<G> and LayerNorm: finite-difference gradients") {
    const double gn = testing::check_layer_gradients<GroupNorm<2>, Shape<4, 3, 2>>();
    const double gn_flat = testing::check_layer_gradients<GroupNorm<3>, Shape<6>>();
    const double ln = testing::check_layer_gradients<LayerNorm<>, Shape<2, 3, 3>>();
    const double ln_flat = testing::check_layer_gradients<LayerNorm<>, Shape<7>>();
    MESSAGE("gradient check, worst relative error: GroupNorm<2> "
            << gn << ", GroupNorm<3> flat " << gn_flat << ", LayerNorm " << ln << ", flat " << ln_flat);
    CHECK(gn < 1e-6);
    CHECK(gn_flat < 1e-6);
    CHECK(ln < 1e-6);
    CHECK(ln_flat < 1e-6);
}

TEST_CASE("GroupNorm<G> and LayerNorm: a batch equals its samples one by one") {
    fixtures::check_batch_consistency<GroupNorm<2>, Shape<4, 2, 2>>(5);
    fixtures::check_batch_consistency<LayerNorm<>, Shape<3, 2, 2>>(4);
}

TEST_CASE("GroupNorm: evaluation mode normalizes as training does (batch size 1 works)") {
    Model<Sequential<Input<4, 2, 2>, GroupNorm<2>>, cpu::Blas64> model(1);
    std::vector<double> x(16);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = double(i * i % 7);
    const double* train = model.forward(x.data(), 1);
    const std::vector<double> y(train, train + 16);
    model.eval();
    const double* eval = model.forward(x.data(), 1);
    for (std::size_t i = 0; i < 16; ++i) CHECK(eval[i] == y[i]);
}
