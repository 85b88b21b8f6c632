// SpectralNorm<L> (layers/spectral_norm.hpp): names and shapes, finite-difference gradients with
// u and v held (evaluation mode), and one training step against torch.nn.utils.spectral_norm
// (tests/fixtures/layers/make_spectral_norm.py): output, u and v after the power iteration,
// dinput and the gradients of weight_orig and bias.
#include <doctest/doctest.h>

#include <ctnn/layers/spectral_norm.hpp>

#include <algorithm>
#include <span>
#include <vector>

#include "../fixtures/layers/check_reference.hpp"
#include "../fixtures/layers/spectral_norm_reference.hpp"
#include "../support/gradcheck.hpp"

using namespace ctnn;
namespace reference = ctnn::fixtures::spectral_norm;

TEST_CASE("SpectralNorm: PyTorch's parameter and state names, the wrapped layer's shapes") {
    using L = SpectralNorm<Conv<4, 3, 2, 1>>::bind<Shape<3, 8, 8>>;
    static_assert(std::is_same_v<L::out_shape, Shape<4, 4, 4>>);
    static_assert(L::param_count == Conv<4, 3, 2, 1>::bind<Shape<3, 8, 8>>::param_count);
    static_assert(L::rows == 4 && L::cols == 27);
    CHECK(L::params[0].name == "weight_orig");
    CHECK(L::params[1].name == "bias");
    CHECK(L::state[0].name == "weight_u");
    CHECK(L::state[1].name == "weight_v");
    CHECK(L::name() == "SpectralNorm<Conv<4, 3x3, stride 2, pad 1>>");
    using T = SpectralNorm<ConvTranspose<2, 4, 2, 1>>::bind<Shape<3, 3, 3>>;
    static_assert(T::rows == 2 && T::cols == 48);  // Cout rows, as PyTorch's dim = 1
}

TEST_CASE("SpectralNorm: u and v start as unit vectors") {
    Model<Sequential<Input<6>, SpectralNorm<Dense<4>>>, cpu::Blas64> model(3);
    double u = 0, v = 0;
    for (std::size_t i = 0; i < 4; ++i) u += model.state()[i] * model.state()[i];
    for (std::size_t i = 4; i < 10; ++i) v += model.state()[i] * model.state()[i];
    CHECK(u == doctest::Approx(1.0));
    CHECK(v == doctest::Approx(1.0));
}

TEST_CASE("SpectralNorm: finite-difference gradients (u and v held: evaluation mode)") {
    const testing::GradCheckOptions eval{.mode = Mode::eval};
    CHECK(testing::check_layer_gradients<SpectralNorm<Dense<4>>, Shape<6>>(eval) < 1e-6);
    CHECK(testing::check_layer_gradients<SpectralNorm<Conv<3, 3, 1, 1>>, Shape<2, 5, 5>>(eval) < 1e-6);
    CHECK(testing::check_layer_gradients<SpectralNorm<ConvTranspose<2, 4, 2, 1>>, Shape<3, 3, 3>>(eval) <
          1e-6);
}

namespace {
template <class Layer, class In, class Case>
void check_against_pytorch() {
    using Net = Sequential<typename testing::input_of<In>::type, Layer>;
    Model<Net, cpu::Blas64> model(1);
    const std::size_t weights = std::size(Case::weight_orig), rows = std::size(Case::u);
    std::copy(std::begin(Case::weight_orig), std::end(Case::weight_orig), model.parameters());
    std::copy(std::begin(Case::bias), std::end(Case::bias), model.parameters() + weights);
    std::copy(std::begin(Case::u), std::end(Case::u), model.state());
    std::copy(std::begin(Case::v), std::end(Case::v), model.state() + rows);
    const std::vector<double> input(std::begin(Case::input), std::end(Case::input));
    const std::size_t batch = input.size() / In::size;
    const double* out = model.forward(input.data(), batch);
    std::vector<double> dinput(input.size());
    model.backward(Case::dout, dinput.data());
    using fixtures::check_close;
    check_close<double>({out, std::size(Case::output)}, Case::output, 1e-10, "output");
    check_close<double>({model.state(), rows}, Case::u_after, 1e-10, "u");
    check_close<double>({model.state() + rows, std::size(Case::v_after)}, Case::v_after, 1e-10, "v");
    check_close<double>(dinput, Case::dinput, 1e-10, "dinput");
    check_close<double>({model.gradients(), weights}, Case::dweight, 1e-10, "dweight_orig");
    check_close<double>({model.gradients() + weights, std::size(Case::dbias)}, Case::dbias, 1e-10, "dbias");
}
}  // namespace

TEST_CASE("SpectralNorm: one training step matches torch.nn.utils.spectral_norm") {
    check_against_pytorch<SpectralNorm<Dense<4>>, Shape<6>, reference::dense_6_4>();
    check_against_pytorch<SpectralNorm<Conv<3, 3, 1, 1>>, Shape<2, 5, 5>, reference::conv_3x3_p1>();
    check_against_pytorch<SpectralNorm<Conv<4, 4, 2, 1>>, Shape<3, 6, 6>, reference::conv_4x4_s2_p1>();
    check_against_pytorch<SpectralNorm<ConvTranspose<2, 4, 2, 1>>, Shape<3, 3, 3>,
                          reference::convt_4x4_s2_p1>();
}

TEST_CASE("SpectralNorm: the normalized weight's largest singular value is about 1 after iterating") {
    using Net = Sequential<Input<6>, SpectralNorm<Dense<4>>>;
    Model<Net, cpu::Blas64> model(5);
    std::vector<double> x(6, 0.5);
    for (int i = 0; i < 50; ++i) model.forward(x.data(), 1);  // 50 power iterations
    // sigma(W / sigma_estimate): the power iteration on W itself, 200 steps on the host.
    const double* w = model.parameters();
    std::vector<double> v(6, 1.0), u(4);
    double sigma = 0;
    for (int it = 0; it < 200; ++it) {
        double norm = 0;
        for (std::size_t r = 0; r < 4; ++r) {
            u[r] = 0;
            for (std::size_t c = 0; c < 6; ++c) u[r] += w[r * 6 + c] * v[c];
            norm += u[r] * u[r];
        }
        sigma = std::sqrt(norm);
        double vnorm = 0;
        for (std::size_t c = 0; c < 6; ++c) {
            v[c] = 0;
            for (std::size_t r = 0; r < 4; ++r) v[c] += w[r * 6 + c] * u[r] / sigma;
            vnorm += v[c] * v[c];
        }
        for (auto& value : v) value /= std::sqrt(vnorm);
    }
    // The layer's output for x = e_0 minus the bias is W_sn's first column: |W_sn| = |W| / sigma_est.
    model.set_mode(Mode::eval);
    std::vector<double> e(6, 0.0);
    e[0] = 1.0;
    const double* y = model.forward(e.data(), 1);
    double column = 0, true_column = 0;
    for (std::size_t r = 0; r < 4; ++r) {
        const double value = y[r] - w[24 + r];
        column += value * value;
        true_column += w[r * 6] * w[r * 6];
    }
    CHECK(std::sqrt(column) == doctest::Approx(std::sqrt(true_column) / sigma).epsilon(1e-4));
}
