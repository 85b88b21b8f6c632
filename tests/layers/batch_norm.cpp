#include <ctnn/layers/batch_norm.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/gradcheck.hpp"

using namespace ctnn;

namespace {
constexpr double eps = 1e-5;

// PyTorch's formula, written out: gamma (x - mean) / sqrt(var + eps) + beta.
double normalised(double x, double mean, double var, double gamma = 1, double beta = 0) {
    return gamma * (x - mean) / std::sqrt(var + eps) + beta;
}
}  // namespace

TEST_CASE("BatchNorm: shapes, parameters and state are compile-time") {
    using Flat = BatchNorm<>::bind<Shape<5>>;
    static_assert(std::is_same_v<Flat::out_shape, Shape<5>>);
    static_assert(Flat::param_count == 10);
    static_assert(total_count(Flat::state) == 10);
    using Image = BatchNorm<0.2f, 1e-3f>::bind<Shape<3, 4, 4>>;
    static_assert(std::is_same_v<Image::out_shape, Shape<3, 4, 4>>);
    static_assert(Image::param_count == 6);  // one gamma and one beta per channel
    static_assert(total_count(Image::state) == 6);
    CHECK(Flat::name() == "BatchNorm<0.1, 1e-05>");
    CHECK(Image::name() == "BatchNorm<0.2, 0.001>");

    using Net = Sequential<Input<3, 2, 2>, BatchNorm<>>;
    using M = Model<Net, cpu::Blas>;
    const auto params = M::parameter_slots();
    const auto state = M::state_slots();
    REQUIRE(params.size() == 2);
    REQUIRE(state.size() == 2);
    CHECK(params[0].name == "batchnorm1.weight");
    CHECK(params[1].name == "batchnorm1.bias");
    CHECK(state[0].name == "batchnorm1.running_mean");
    CHECK(state[1].name == "batchnorm1.running_var");
    M model;
    const float* p = model.parameters();
    const float* s = model.state();
    CHECK(std::vector<float>(p, p + 6) == std::vector<float>{1, 1, 1, 0, 0, 0});
    CHECK(std::vector<float>(s, s + 6) == std::vector<float>{0, 0, 0, 1, 1, 1});
}

TEST_CASE("BatchNorm: flat input, train mode, running statistics over two steps") {
    using Net = Sequential<Input<2>, BatchNorm<>>;
    Model<Net, cpu::Blas> model;
    const float affine[] = {2, 0.5f, 1, -1};  // gamma (2), then beta (2)
    std::copy(std::begin(affine), std::end(affine), model.parameters());

    // Feature 0: 1, 2, 3, 4 -> mean 2.5, biased var 1.25, unbiased 5/3.
    // Feature 1: 0, 0, 2, -2 -> mean 0, biased var 2, unbiased 8/3.
    const float x[] = {1, 0, 2, 0, 3, 2, 4, -2};
    const float* y = model.forward(x, 4);
    for (int n = 0; n < 4; ++n) {
        CHECK(y[2 * n] == doctest::Approx(normalised(x[2 * n], 2.5, 1.25, 2, 1)));
        CHECK(y[2 * n + 1] == doctest::Approx(normalised(x[2 * n + 1], 0, 2, 0.5, -1)));
    }
    const float* state = model.state();  // running_mean (2), running_var (2)
    CHECK(state[0] == doctest::Approx(0.1 * 2.5));
    CHECK(state[1] == doctest::Approx(0.0));
    CHECK(state[2] == doctest::Approx(0.9 + 0.1 * 5.0 / 3));
    CHECK(state[3] == doctest::Approx(0.9 + 0.1 * 8.0 / 3));

    // Feature 0: 0, 2, 4, 6 -> mean 3, unbiased var 20/3. Feature 1: 1, 1, 1, 5 -> mean 2, unbiased 4.
    const float x2[] = {0, 1, 2, 1, 4, 1, 6, 5};
    model.forward(x2, 4);
    CHECK(state[0] == doctest::Approx(0.9 * 0.25 + 0.1 * 3));  // 0.525
    CHECK(state[1] == doctest::Approx(0.1 * 2));
    CHECK(state[2] == doctest::Approx(0.9 * (0.9 + 0.5 / 3) + 0.1 * 20.0 / 3));  // 1.62667
    CHECK(state[3] == doctest::Approx(0.9 * (0.9 + 0.8 / 3) + 0.1 * 4));         // 1.45
}

TEST_CASE("BatchNorm: (C, H, W) input normalises each channel over N * H * W") {
    using Net = Sequential<Input<2, 1, 2>, BatchNorm<0.3f>>;
    Model<Net, cpu::Blas> model;
    // Sample 0: channel 0 (1, 3), channel 1 (0, 4); sample 1: channel 0 (5, 7), channel 1 (-4, 0).
    // Channel 0: 1, 3, 5, 7 -> mean 4, var 5, unbiased 20/3. Channel 1: 0, 4, -4, 0 -> mean 0, var 8,
    // unbiased 32/3.
    const float x[] = {1, 3, 0, 4, 5, 7, -4, 0};
    const float* y = model.forward(x, 2);
    for (int n = 0; n < 2; ++n)
        for (int s = 0; s < 2; ++s) {
            CHECK(y[4 * n + s] == doctest::Approx(normalised(x[4 * n + s], 4, 5)));
            CHECK(y[4 * n + 2 + s] == doctest::Approx(normalised(x[4 * n + 2 + s], 0, 8)));
        }
    const float* state = model.state();
    CHECK(state[0] == doctest::Approx(0.3 * 4));
    CHECK(state[1] == doctest::Approx(0.0));
    CHECK(state[2] == doctest::Approx(0.7 + 0.3 * 20.0 / 3));
    CHECK(state[3] == doctest::Approx(0.7 + 0.3 * 32.0 / 3));

    // One sample is enough in train mode when H * W > 1 (BatchNorm2d accepts it too).
    const float one[] = {1, 2, 3, 5};
    y = model.forward(one, 1);
    CHECK(y[0] == doctest::Approx(normalised(1, 1.5, 0.25)));
    CHECK(y[3] == doctest::Approx(normalised(5, 4, 1)));
}

TEST_CASE("BatchNorm: eval mode uses the running statistics, per sample") {
    using Net = Sequential<Input<2>, BatchNorm<>>;
    Model<Net, cpu::Blas> model;
    const float affine[] = {2, 1, 0, 3};
    const float running[] = {1, -1, 4, 0.25f};  // running_mean (2), running_var (2)
    std::copy(std::begin(affine), std::end(affine), model.parameters());
    std::copy(std::begin(running), std::end(running), model.state());
    model.eval();

    const float x[] = {3, 0, -1, 1, 0.5f, -2};
    const float* out = model.forward(x, 3);
    const std::vector<float> y(out, out + 6);
    for (int n = 0; n < 3; ++n) {
        CHECK(y[2 * n] == doctest::Approx(normalised(x[2 * n], 1, 4, 2, 0)));
        CHECK(y[2 * n + 1] == doctest::Approx(normalised(x[2 * n + 1], -1, 0.25, 1, 3)));
    }
    // Eval does not touch the running statistics, and a sample's output ignores its batch.
    CHECK(std::equal(std::begin(running), std::end(running), model.state()));
    for (int n = 0; n < 3; ++n) {
        const float* alone = model.forward(x + 2 * n, 1);
        CHECK(alone[0] == y[2 * n]);
        CHECK(alone[1] == y[2 * n + 1]);
    }

    // In train mode the same sample's output depends on the rest of the batch.
    model.train();
    const float other[] = {3, 0, 10, 10};
    const float first = model.forward(x, 3)[0];
    CHECK(model.forward(other, 2)[0] != doctest::Approx(first));
    // And a flat input of one sample has no batch statistics to train with (as in PyTorch).
    CHECK_THROWS_AS(model.forward(x, 1), std::invalid_argument);
}

TEST_CASE("BatchNorm: train and eval differ; eval follows the updated running statistics") {
    using Net = Sequential<Input<3>, BatchNorm<1.0f>>;  // momentum 1: running stats = last batch
    Model<Net, cpu::Blas> model;
    const float x[] = {1, 2, 3, 4, 6, 8, -2, 0, 1, 5, 5, 5};
    const float* out = model.forward(x, 4);
    const std::vector<float> train(out, out + 12);
    model.eval();
    const float* eval = model.forward(x, 4);
    // Feature 0 is 1, 4, -2, 5: mean 2, biased var 7.5, unbiased 10. Eval divides by sqrt(10 + eps).
    CHECK(train[0] == doctest::Approx(normalised(1, 2, 7.5)));
    CHECK(eval[0] == doctest::Approx(normalised(1, 2, 10)));
    CHECK(eval[0] != doctest::Approx(train[0]));
}

TEST_CASE("BatchNorm: backward adds into the parameter gradients") {
    using Net = Sequential<Input<2>, BatchNorm<>>;
    Model<Net, cpu::Blas> model;
    const float x[] = {1, 0, 2, 5, 4, -1};
    const float dout[] = {1, 2, -1, 0.5f, 3, 1};
    model.forward(x, 3);
    model.backward(dout);
    const std::vector<float> once(model.gradients(), model.gradients() + 4);
    model.backward(dout);
    for (int i = 0; i < 4; ++i) CHECK(model.gradients()[i] == doctest::Approx(2 * once[i]));
    // dbeta = sum of dout per feature.
    CHECK(once[2] == doctest::Approx(3));
    CHECK(once[3] == doctest::Approx(3.5));
}

TEST_CASE("BatchNorm: finite-difference gradients, train mode") {
    CHECK(testing::check_layer_gradients<BatchNorm<>, Shape<5>>() < 1e-6);
    CHECK(testing::check_layer_gradients<BatchNorm<>, Shape<3, 4, 4>>() < 1e-6);
    CHECK(testing::check_layer_gradients<BatchNorm<0.1f, 1e-3f>, Shape<4>>({.batch = 7, .input_scale = 10}) <
          1e-6);
}

TEST_CASE("BatchNorm: finite-difference gradients, eval mode (statistics are constants)") {
    CHECK(testing::check_layer_gradients<BatchNorm<>, Shape<2, 3, 3>>({.mode = Mode::eval}) < 1e-6);
}

// The generic checker starts from gamma = 1, beta = 0; this one draws gamma and beta, so a
// missing gamma factor in dinp or a wrong affine gradient cannot hide behind 1 and 0.
TEST_CASE("BatchNorm: finite-difference input gradient with a random affine transform") {
    using Net = Sequential<Input<3, 2, 2>, BatchNorm<>>;
    Model<Net, cpu::Blas64> model;
    Rng rng(11);
    for (std::size_t i = 0; i < Net::param_count; ++i) model.parameters()[i] = rng.uniform(-2, 2);
    constexpr std::size_t batch = 2, n = batch * 12;
    std::vector<double> x(n), r(n), dinp(n);
    for (auto& v : x) v = rng.uniform(-1, 1);
    for (auto& v : r) v = rng.uniform(-1, 1);
    auto objective = [&] {
        const double* y = model.forward(x.data(), batch);
        double total = 0;
        for (std::size_t i = 0; i < n; ++i) total += y[i] * r[i];
        return total;
    };
    objective();
    model.backward(r.data(), dinp.data());
    for (std::size_t i = 0; i < n; ++i) {
        const double saved = x[i];
        x[i] = saved + 1e-6;
        const double plus = objective();
        x[i] = saved - 1e-6;
        const double minus = objective();
        x[i] = saved;
        CHECK(testing::relative_error(dinp[i], (plus - minus) / 2e-6) < 1e-6);
    }
}

// --- PyTorch reference: tests/fixtures/layers/batch_norm.txt (make_batch_norm.py) -------------

namespace {
std::map<std::string, std::vector<float>> read_fixture() {
    std::map<std::string, std::vector<float>> tensors;
    std::ifstream file(std::string(CTNN_SOURCE_DIR) + "/tests/fixtures/layers/batch_norm.txt");
    REQUIRE(file.good());
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        std::string name;
        std::size_t count = 0;
        fields >> name >> count;
        std::vector<float> values(count);
        for (auto& v : values) fields >> v;
        REQUIRE(fields);
        tensors[name] = values;
    }
    return tensors;
}

void check_close(const float* actual, const std::vector<float>& expected, const std::string& what) {
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO(what, "[", i, "]");
        CHECK(actual[i] == doctest::Approx(expected[i]).epsilon(1e-5));
    }
}

// Train forward on x1, backward with dout, train forward on x2, eval forward on x1.
template <class Net>
void check_against_pytorch(const std::string& name, std::size_t batch) {
    const auto fixture = read_fixture();
    auto tensor = [&](const std::string& key) -> const std::vector<float>& {
        INFO("fixture tensor ", name, ".", key);
        REQUIRE(fixture.count(name + "." + key) == 1);
        return fixture.at(name + "." + key);
    };
    using M = Model<Net, cpu::Blas>;
    constexpr std::size_t channels = M::param_count / 2, size = Net::input_shape::size;
    M model;
    std::copy_n(tensor("weight").data(), channels, model.parameters());
    std::copy_n(tensor("bias").data(), channels, model.parameters() + channels);
    REQUIRE(tensor("x1").size() == batch * size);
    std::vector<float> dx(batch * size);

    check_close(model.forward(tensor("x1").data(), batch), tensor("y1"), "y1");
    model.backward(tensor("dout").data(), dx.data());
    check_close(dx.data(), tensor("dx"), "dx");
    check_close(model.gradients(), tensor("dweight"), "dweight");
    check_close(model.gradients() + channels, tensor("dbias"), "dbias");
    check_close(model.state(), tensor("running_mean1"), "running_mean1");
    check_close(model.state() + channels, tensor("running_var1"), "running_var1");

    model.forward(tensor("x2").data(), batch);
    check_close(model.state(), tensor("running_mean2"), "running_mean2");
    check_close(model.state() + channels, tensor("running_var2"), "running_var2");

    model.eval();
    check_close(model.forward(tensor("x1").data(), batch), tensor("y_eval"), "y_eval");
}
}  // namespace

TEST_CASE("BatchNorm: matches PyTorch's BatchNorm1d (forward, backward, running statistics)") {
    check_against_pytorch<Sequential<Input<4>, BatchNorm<0.1f, 1e-5f>>>("flat", 6);
}

TEST_CASE("BatchNorm: matches PyTorch's BatchNorm2d (forward, backward, running statistics)") {
    check_against_pytorch<Sequential<Input<3, 4, 4>, BatchNorm<0.2f, 1e-3f>>>("image", 2);
}
