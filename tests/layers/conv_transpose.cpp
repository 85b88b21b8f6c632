#include <ctnn/layers/conv.hpp>
#include <ctnn/layers/conv_transpose.hpp>

#include <vector>

#include "../fixtures/layers/check_reference.hpp"
#include "../support/gradcheck.hpp"

using namespace ctnn;

TEST_CASE("ConvTranspose: shapes, parameters and FLOPs are compile-time (DCGAN sizes)") {
    using T1 = ConvTranspose<128, 7>::bind<Shape<100, 1, 1>>;
    static_assert(std::is_same_v<T1::out_shape, Shape<128, 7, 7>>);
    static_assert(T1::param_count == 100 * 128 * 49 + 128);
    static_assert(T1::flops == 100 * 128 * 49);
    static_assert(T1::params[0].dims == std::array<std::size_t, 4>{100, 128, 7, 7});
    static_assert(T1::params[0].fan_in == 128 * 49);  // PyTorch: fan_in from weight dim 1
    static_assert(T1::params[1].fan_in == 128 * 49);
    using T2 = ConvTranspose<64, 4, 2, 1>::bind<Shape<128, 7, 7>>;
    static_assert(std::is_same_v<T2::out_shape, Shape<64, 14, 14>>);
    using T3 = ConvTranspose<1, 4, 2, 1>::bind<Shape<64, 14, 14>>;
    static_assert(std::is_same_v<T3::out_shape, Shape<1, 28, 28>>);
    static_assert(T3::flops == 64 * 196 * 16);
    using Generator = Sequential<Input<100, 1, 1>, ConvTranspose<128, 7>, ConvTranspose<64, 4, 2, 1>,
                                 ConvTranspose<1, 4, 2, 1>>;
    static_assert(std::is_same_v<Generator::output_shape, Shape<1, 28, 28>>);
    static_assert(Layer<ConvTranspose<64, 4, 2, 1>, Shape<128, 7, 7>>);
    CHECK(T1::name() == "ConvTranspose<128, 7x7>");
    CHECK(T2::name() == "ConvTranspose<64, 4x4, stride 2, pad 1>");
    CHECK(Model<Generator, cpu::Blas>::parameter_slots()[2].name == "convtranspose2.weight");
}

TEST_CASE("ConvTranspose: forward matches hand-computed values") {
    SUBCASE("a 1x1 input stamps the kernel") {
        Model<Sequential<Input<1, 1, 1>, ConvTranspose<1, 2>>, cpu::Blas> model;
        const float params[] = {1, 2, 3, 4, 0.5f};
        std::copy(std::begin(params), std::end(params), model.parameters());
        const float x[] = {2};
        const float* y = model.forward(x, 1);
        CHECK(std::vector<float>(y, y + 4) == std::vector<float>{2.5f, 4.5f, 6.5f, 8.5f});
    }
    SUBCASE("stride 2 spreads, stride 1 overlaps and sums") {
        // Input 1x2x2 = [[1, 2], [3, 4]], kernel 2x2 of ones, no bias.
        const float params[] = {1, 1, 1, 1, 0};
        const float x[] = {1, 2, 3, 4};
        Model<Sequential<Input<1, 2, 2>, ConvTranspose<1, 2, 2>>, cpu::Blas> spread;
        std::copy(std::begin(params), std::end(params), spread.parameters());
        const float* y = spread.forward(x, 1);
        CHECK(std::vector<float>(y, y + 16) ==
              std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
        Model<Sequential<Input<1, 2, 2>, ConvTranspose<1, 2>>, cpu::Blas> overlap;
        std::copy(std::begin(params), std::end(params), overlap.parameters());
        y = overlap.forward(x, 1);
        CHECK(std::vector<float>(y, y + 9) == std::vector<float>{1, 3, 2, 4, 10, 6, 3, 7, 4});
        // Padding 1 crops one pixel from each side of the stride-1 result: the centre.
        Model<Sequential<Input<1, 2, 2>, ConvTranspose<1, 3, 1, 1>>, cpu::Blas> cropped;
        const float ones3[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
        std::copy(std::begin(ones3), std::end(ones3), cropped.parameters());
        y = cropped.forward(x, 1);
        CHECK(std::vector<float>(y, y + 4) == std::vector<float>{10, 10, 10, 10});
    }
}

TEST_CASE("ConvTranspose: forward and gradients match PyTorch") {
    using namespace fixtures;
    check_against_torch<ConvTranspose<3, 3>, Shape<2, 4, 5>>(CTNN_TORCH_REFERENCE(convt_3x3));
    check_against_torch<ConvTranspose<2, 4, 2, 1>, Shape<3, 3, 4>>(CTNN_TORCH_REFERENCE(convt_4x4_s2_p1));
    check_against_torch<ConvTranspose<4, 4>, Shape<5, 1, 1>>(CTNN_TORCH_REFERENCE(convt_latent_4x4));
    check_against_torch<ConvTranspose<2, 3, 3, 2>, Shape<2, 3, 2>>(CTNN_TORCH_REFERENCE(convt_3x3_s3_p2));
}

TEST_CASE("ConvTranspose: is the adjoint of Conv with the same weight") {
    // <convT(x), y> == <x, conv(y)> for bias 0: ConvTranspose's forward is Conv's input gradient.
    using CT = Sequential<Input<3, 4, 4>, ConvTranspose<2, 4, 2, 1>>;  // -> (2, 8, 8)
    using C = Sequential<Input<2, 8, 8>, Conv<3, 4, 2, 1>>;            // -> (3, 4, 4)
    Model<CT, cpu::Blas64> up(3);
    Model<C, cpu::Blas64> down;
    // ConvTranspose weight (Cin=3, Cout=2, K, K) and Conv weight (Cout=3, Cin=2, K, K): the same array.
    std::copy(up.parameters(), up.parameters() + 96, down.parameters());
    std::fill(up.parameters() + 96, up.parameters() + CT::param_count, 0.0);
    std::fill(down.parameters() + 96, down.parameters() + C::param_count, 0.0);
    Rng rng(8);
    std::vector<double> x(2 * 48), y(2 * 128);
    for (auto& v : x) v = rng.uniform(-1, 1);
    for (auto& v : y) v = rng.uniform(-1, 1);
    const double* up_x = up.forward(x.data(), 2);
    const double* down_y = down.forward(y.data(), 2);
    double lhs = 0, rhs = 0;
    for (std::size_t i = 0; i < y.size(); ++i) lhs += up_x[i] * y[i];
    for (std::size_t i = 0; i < x.size(); ++i) rhs += x[i] * down_y[i];
    CHECK(lhs == doctest::Approx(rhs).epsilon(1e-12));
}

TEST_CASE("ConvTranspose: a batch in several chunks gives the per-sample results") {
    // 32 samples per GEMM + col2im step of the CPU backend, so 70 take three.
    CHECK(cpu::detail::ConvSizes(ConvTranspose<3, 4, 2, 1>::bind<Shape<2, 4, 4>>::geometry, 2).chunk == 32);
    fixtures::check_batch_consistency<ConvTranspose<3, 4, 2, 1>, Shape<2, 4, 4>>(70);
    fixtures::check_batch_consistency<ConvTranspose<4, 4>, Shape<5, 1, 1>>(300);  // latent: 256 per step
    fixtures::check_batch_consistency<ConvTranspose<2, 3>, Shape<3, 17, 16>>(3);  // one sample per step
}

TEST_CASE("ConvTranspose: finite-difference gradients (stride and padding variants)") {
    CHECK(testing::check_layer_gradients<ConvTranspose<3, 3>, Shape<2, 4, 5>>() < 1e-6);
    CHECK(testing::check_layer_gradients<ConvTranspose<3, 4, 2, 1>, Shape<2, 4, 3>>() < 1e-6);
    CHECK(testing::check_layer_gradients<ConvTranspose<2, 3, 3, 2>, Shape<2, 4, 3>>() < 1e-6);
    CHECK(testing::check_layer_gradients<ConvTranspose<4, 5>, Shape<6, 1, 1>>() < 1e-6);
    CHECK(testing::check_layer_gradients<ConvTranspose<2, 2, 2, 1>, Shape<3, 3, 3>>() < 1e-6);
}
