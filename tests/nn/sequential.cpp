#include <ctnn/ctnn.hpp>

#include <doctest/doctest.h>

using namespace ctnn;

using Mlp = Sequential<Input<1, 28, 28>, Flatten, Dense<256>, ReLU, Dense<10>>;
static_assert(std::is_same_v<Mlp::input_shape, Shape<1, 28, 28>>);
static_assert(std::is_same_v<Mlp::output_shape, Shape<10>>);
static_assert(Mlp::depth == 4);
static_assert(Mlp::param_count == 784 * 256 + 256 + 256 * 10 + 10);
static_assert(Mlp::flops == 784 * 256 + 256 * 10);
static_assert(std::is_same_v<Mlp::layer<1>, Dense<256>::bind<Shape<784>>>);
static_assert(Layer<Dense<3>, Shape<4>>);
static_assert(Backend<cpu::Blas> && Backend<cpu::Blas64>);

TEST_CASE("summary<Net>() lists every layer with its shape and parameters") {
    const std::string text = summary<Mlp>();
    MESSAGE("\n" << text);
    CHECK(text.find("Dense<256>") != std::string::npos);
    CHECK(text.find("(784)") != std::string::npos);
    CHECK(text.find("200,960") != std::string::npos);
    CHECK(text.find("Total params: 203,530") != std::string::npos);
}

TEST_CASE("Parameters live in one buffer, named per layer kind") {
    const auto slots = Model<Mlp, cpu::Blas>::parameter_slots();
    REQUIRE(slots.size() == 4);
    CHECK(slots[0].name == "dense1.weight");
    CHECK(slots[0].dims == std::vector<std::size_t>{256, 784});
    CHECK(slots[1].name == "dense1.bias");
    CHECK(slots[3].name == "dense2.bias");
    CHECK(slots[3].offset + slots[3].count == Mlp::param_count);
    CHECK(Mlp::fingerprint() == "Input(1, 28, 28) -> Flatten -> Dense<256> -> ReLU -> Dense<10>");
}

TEST_CASE("Model: backward gives the input gradient when asked, and gradients accumulate") {
    using Net = Sequential<Input<3>, Dense<2>>;
    Model<Net, cpu::Blas64> model(1);
    const double x[] = {1, 2, 3};
    const double dout[] = {1, 1};
    double dx[3];
    model.forward(x, 1);
    model.backward(dout, dx);
    const double* w = model.parameters();
    for (int i = 0; i < 3; ++i) CHECK(dx[i] == doctest::Approx(w[i] + w[3 + i]));
    const double first = model.gradients()[0];
    model.backward(dout, dx);
    CHECK(model.gradients()[0] == doctest::Approx(2 * first));
    model.zero_grad();
    CHECK(model.gradients()[0] == 0.0);
}
