#include <ctnn/layers/conv.hpp>

#include <vector>

#include "../fixtures/layers/check_reference.hpp"
#include "../support/gradcheck.hpp"

using namespace ctnn;

namespace {

// Direct convolution, the textbook loop: out[n][o][y][x] = b[o] + sum w[o][c][i][j] in[n][c][yS-P+i][xS-P+j].
std::vector<double> direct_conv(const std::vector<double>& in, const double* w, const double* b,
                                std::size_t batch, std::size_t cin, std::size_t h, std::size_t wd,
                                std::size_t cout, std::size_t k, std::size_t s, std::size_t p) {
    const std::size_t ho = (h + 2 * p - k) / s + 1, wo = (wd + 2 * p - k) / s + 1;
    std::vector<double> out(batch * cout * ho * wo);
    for (std::size_t n = 0; n < batch; ++n)
        for (std::size_t o = 0; o < cout; ++o)
            for (std::size_t y = 0; y < ho; ++y)
                for (std::size_t x = 0; x < wo; ++x) {
                    double total = b[o];
                    for (std::size_t c = 0; c < cin; ++c)
                        for (std::size_t i = 0; i < k; ++i)
                            for (std::size_t j = 0; j < k; ++j) {
                                const long iy = long(y * s + i) - long(p), ix = long(x * s + j) - long(p);
                                if (iy < 0 || ix < 0 || iy >= long(h) || ix >= long(wd)) continue;
                                total += w[((o * cin + c) * k + i) * k + j] *
                                         in[((n * cin + c) * h + std::size_t(iy)) * wd + std::size_t(ix)];
                            }
                    out[((n * cout + o) * ho + y) * wo + x] = total;
                }
    return out;
}

std::vector<double> random_input(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<double> x(n);
    for (auto& v : x) v = rng.uniform(-1.0, 1.0);
    return x;
}

}  // namespace

TEST_CASE("Conv: shapes, parameters and FLOPs are compile-time (LeNet-5 sizes)") {
    using C1 = Conv<6, 5>::bind<Shape<1, 32, 32>>;
    static_assert(std::is_same_v<C1::out_shape, Shape<6, 28, 28>>);
    static_assert(C1::param_count == 6 * 25 + 6);
    static_assert(C1::flops == 6 * 28 * 28 * 25);
    using C3 = Conv<16, 5>::bind<Shape<6, 14, 14>>;
    static_assert(std::is_same_v<C3::out_shape, Shape<16, 10, 10>>);
    static_assert(C3::param_count == 2416);
    static_assert(C3::flops == 16 * 100 * 150);
    static_assert(C3::params[0].rank == 4 && C3::params[0].dims == std::array<std::size_t, 4>{16, 6, 5, 5});
    static_assert(C3::params[0].fan_in == 150 && C3::params[1].fan_in == 150);
    static_assert(C3::params[0].fan_out == 16 * 25);
    using Strided = Conv<64, 4, 2, 1>::bind<Shape<1, 28, 28>>;
    static_assert(std::is_same_v<Strided::out_shape, Shape<64, 14, 14>>);
    using Odd = Conv<3, 3, 2>::bind<Shape<2, 8, 7>>;  // floor((8-3)/2)+1 = 3, floor((7-3)/2)+1 = 3
    static_assert(std::is_same_v<Odd::out_shape, Shape<3, 3, 3>>);
    static_assert(Layer<Conv<6, 5>, Shape<1, 32, 32>>);
    CHECK(C1::name() == "Conv<6, 5x5>");
    CHECK(Strided::name() == "Conv<64, 4x4, stride 2, pad 1>");
    CHECK(Odd::name() == "Conv<3, 3x3, stride 2>");
    CHECK(std::string(C1::kind) == "conv");
    using Net = Sequential<Input<1, 8, 8>, Conv<2, 3>, Conv<3, 3>>;
    const auto slots = Model<Net, cpu::Blas>::parameter_slots();
    REQUIRE(slots.size() == 4);
    CHECK(slots[0].name == "conv1.weight");
    CHECK(slots[3].name == "conv2.bias");
    CHECK(slots[2].dims == std::vector<std::size_t>{3, 2, 3, 3});
}

TEST_CASE("Conv: forward matches hand-computed values") {
    // Input 1x3x3 = 1..9, kernel [[1, 2], [3, 4]], bias 0.5.
    const float x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    SUBCASE("stride 1, no padding") {
        Model<Sequential<Input<1, 3, 3>, Conv<1, 2>>, cpu::Blas> model;
        const float params[] = {1, 2, 3, 4, 0.5f};
        std::copy(std::begin(params), std::end(params), model.parameters());
        const float* y = model.forward(x, 1);
        CHECK(y[0] == 37.5f);  // 1 + 4 + 12 + 20
        CHECK(y[1] == 47.5f);  // 2 + 6 + 15 + 24
        CHECK(y[2] == 67.5f);  // 4 + 10 + 21 + 32
        CHECK(y[3] == 77.5f);  // 5 + 12 + 24 + 36
    }
    SUBCASE("stride 2, padding 1, two output channels") {
        Model<Sequential<Input<1, 3, 3>, Conv<2, 2, 2, 1>>, cpu::Blas> model;
        // Kernel 0 as above, kernel 1 picks the bottom-right tap; biases 0.5 and -1.
        const float params[] = {1, 2, 3, 4, 0, 0, 0, 1, 0.5f, -1};
        std::copy(std::begin(params), std::end(params), model.parameters());
        const float* y = model.forward(x, 1);
        // Windows at padded (0,0), (0,2), (2,0), (2,2).
        CHECK(y[0] == 4.5f);   // 1*4
        CHECK(y[1] == 18.5f);  // 2*3 + 3*4
        CHECK(y[2] == 36.5f);  // 4*2 + 7*4
        CHECK(y[3] == 77.5f);  // 5 + 12 + 24 + 36
        CHECK(y[4] == 0.0f);   // 1 - 1
        CHECK(y[5] == 2.0f);   // 3 - 1
        CHECK(y[6] == 6.0f);   // 7 - 1
        CHECK(y[7] == 8.0f);   // 9 - 1
    }
}

TEST_CASE("Conv: forward and gradients match PyTorch") {
    using namespace fixtures;
    fixtures::check_against_torch<Conv<3, 3>, Shape<2, 5, 6>>(CTNN_TORCH_REFERENCE(conv_3x3));
    fixtures::check_against_torch<Conv<4, 3, 2, 1>, Shape<3, 7, 6>>(CTNN_TORCH_REFERENCE(conv_3x3_s2_p1));
    fixtures::check_against_torch<Conv<2, 5, 1, 2>, Shape<1, 6, 6>>(CTNN_TORCH_REFERENCE(conv_5x5_p2));
    fixtures::check_against_torch<Conv<3, 2, 3>, Shape<2, 8, 7>>(CTNN_TORCH_REFERENCE(conv_2x2_s3));
}

TEST_CASE("Conv: forward matches a direct convolution at LeNet-5 sizes, for any batch order") {
    using Net = Sequential<Input<6, 14, 14>, Conv<16, 5>>;
    Model<Net, cpu::Blas64> model(5);
    const std::size_t batch = 5, in_size = 6 * 14 * 14, out_size = 16 * 10 * 10;
    const auto x = random_input(batch * in_size, 9);
    const double* w = model.parameters();
    const auto expected = direct_conv(x, w, w + 16 * 150, batch, 6, 14, 14, 16, 5, 1, 0);
    // Batches of 1, then 5, then 3 (buffers grow once and are reused for a smaller batch).
    for (std::size_t n : {1u, 5u, 3u}) {
        const double* y = model.forward(x.data(), n);
        for (std::size_t i = 0; i < n * out_size; ++i)
            if (std::abs(y[i] - expected[i]) > 1e-12) {
                INFO("batch ", n, " output ", i);
                CHECK(y[i] == doctest::Approx(expected[i]));
                break;
            }
    }
}

TEST_CASE("Conv: a batch in several chunks gives the per-sample results") {
    // A 3x3 output plane: 56 samples per im2col + GEMM step of the CPU backend, so 60 take two.
    CHECK(cpu::detail::ConvSizes(Conv<4, 3>::bind<Shape<3, 5, 5>>::geometry, 4).chunk == 56);
    fixtures::check_batch_consistency<Conv<4, 3>, Shape<3, 5, 5>>(60);
    fixtures::check_batch_consistency<Conv<5, 3, 2, 1>, Shape<2, 6, 6>>(120);
    fixtures::check_batch_consistency<Conv<3, 3, 1, 1>, Shape<2, 12, 12>>(3);  // one sample per step
}

TEST_CASE("Conv: finite-difference gradients (stride and padding variants)") {
    CHECK(testing::check_layer_gradients<Conv<3, 3>, Shape<2, 5, 6>>() < 1e-6);
    CHECK(testing::check_layer_gradients<Conv<2, 3, 1, 1>, Shape<3, 4, 4>>() < 1e-6);
    CHECK(testing::check_layer_gradients<Conv<4, 3, 2, 1>, Shape<2, 7, 6>>() < 1e-6);
    CHECK(testing::check_layer_gradients<Conv<2, 4, 2, 1>, Shape<2, 8, 8>>() < 1e-6);
    CHECK(testing::check_layer_gradients<Conv<3, 2, 3>, Shape<1, 8, 7>>() < 1e-6);
    CHECK(testing::check_layer_gradients<Conv<5, 1>, Shape<3, 3, 3>>() < 1e-6);
    CHECK(testing::check_layer_gradients<Conv<4, 5>, Shape<2, 5, 5>>() < 1e-6);  // 1x1 output
}

TEST_CASE("Conv: backward after another forward recomputes the columns of its own input") {
    using Net = Sequential<Input<2, 6, 6>, Conv<3, 3, 1, 1>>;
    const std::size_t batch = 2, n_in = batch * 72, n_out = batch * Net::output_shape::size;
    const auto x1 = random_input(n_in, 1), x2 = random_input(n_in, 2), dout = random_input(n_out, 3);
    Model<Net, cpu::Blas64> reference(4), model(4);
    std::vector<double> d_ref(n_in), d_model(n_in);
    reference.forward(x1.data(), batch);
    reference.backward(dout.data(), d_ref.data());
    // The layer sees x2 last, then is asked for the gradient at x1 (as a GAN discriminator is).
    auto& layer = model.layer<0>();
    std::vector<double> scratch(n_out);
    layer.forward(x1.data(), scratch.data(), batch, Mode::train);
    layer.forward(x2.data(), scratch.data(), batch, Mode::train);
    layer.backward(x1.data(), scratch.data(), dout.data(), d_model.data(), batch);
    CHECK(d_model == d_ref);
    CHECK(std::equal(model.gradients(), model.gradients() + Net::param_count, reference.gradients()));
    // Backward twice after one forward (the first overwrote the columns with dcol): same again.
    model.zero_grad();
    reference.zero_grad();
    layer.forward(x1.data(), scratch.data(), batch, Mode::train);
    layer.backward(x1.data(), scratch.data(), dout.data(), d_model.data(), batch);
    layer.backward(x1.data(), scratch.data(), dout.data(), d_model.data(), batch);
    reference.backward(dout.data(), d_ref.data());
    reference.backward(dout.data(), d_ref.data());
    CHECK(std::equal(model.gradients(), model.gradients() + Net::param_count, reference.gradients()));
    // An eval-mode forward keeps no columns: same output, and backward makes them again.
    model.zero_grad();
    reference.zero_grad();
    std::vector<double> eval_out(n_out);
    layer.forward(x1.data(), eval_out.data(), batch, Mode::eval);
    CHECK(std::equal(eval_out.begin(), eval_out.end(), reference.forward(x1.data(), batch)));
    layer.backward(x1.data(), eval_out.data(), dout.data(), d_model.data(), batch);
    reference.backward(dout.data(), d_ref.data());
    CHECK(d_model == d_ref);
    CHECK(std::equal(model.gradients(), model.gradients() + Net::param_count, reference.gradients()));
}

TEST_CASE("Conv: eval mode in several chunks matches training mode") {
    using Net = Sequential<Input<3, 5, 5>, Conv<4, 3>>;  // 14 samples per chunk
    const std::size_t batch = 31;
    std::vector<double> x(batch * 75);
    Rng rng(6);
    for (auto& v : x) v = rng.uniform(-1, 1);
    Model<Net, cpu::Blas64> model(2);
    model.eval();
    const double* y = model.forward(x.data(), batch);
    const std::vector<double> eval_out(y, y + batch * Net::output_shape::size);
    model.train();
    y = model.forward(x.data(), batch);
    CHECK(std::equal(eval_out.begin(), eval_out.end(), y));
}

TEST_CASE("Conv: initialisation bound is 1/sqrt(Cin*K*K), as PyTorch") {
    using Net = Sequential<Input<6, 14, 14>, Conv<16, 5>>;
    Model<Net, cpu::Blas> model(1);
    const float bound = 1.0f / std::sqrt(150.0f);
    float max_abs = 0;
    for (std::size_t i = 0; i < Net::param_count; ++i)
        max_abs = std::max(max_abs, std::abs(model.parameters()[i]));
    CHECK(max_abs <= bound);
    CHECK(max_abs > 0.95f * bound);
}
