// Model::backward_input: the input gradient of backward, without the weight gradients of the
// layers that can skip them (Dense, Conv); layers without it (BatchNorm) run backward.
#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

#include <vector>

using namespace ctnn;

TEST_CASE("Model::backward_input gives backward's input gradient and leaves Dense/Conv gradients alone") {
    using Net = Sequential<Input<2, 8, 8>, Conv<4, 3, 1, 1>, BatchNorm<>, LeakyReLU<0.2f>, Conv<3, 3, 2, 1>,
                           Flatten, Dense<5>, Tanh, Dense<1>>;
    Model<Net, cpu::Blas64> full(5), input_only(5);
    Rng rng(11);
    const std::size_t batch = 4;
    std::vector<double> x(batch * Net::input_shape::size), dout(batch), dx_full(x.size()),
        dx_input(x.size(), 7.0);
    for (auto& v : x) v = rng.uniform(-1, 1);
    for (auto& v : dout) v = rng.uniform(-1, 1);
    full.forward(x.data(), batch);
    full.backward(dout.data(), dx_full.data());
    input_only.forward(x.data(), batch);
    input_only.backward_input(dout.data(), dx_input.data());
    for (std::size_t i = 0; i < x.size(); ++i)
        REQUIRE(dx_input[i] == doctest::Approx(dx_full[i]).epsilon(1e-12));
    // The first Conv's and the last Dense's weight gradients were not computed: still zero.
    const auto slots = decltype(input_only)::parameter_slots();
    for (const auto& slot : slots) {
        if (slot.name.rfind("batchnorm", 0) == 0) continue;
        for (std::size_t i = 0; i < slot.count; ++i) REQUIRE(input_only.gradients()[slot.offset + i] == 0.0);
    }
}
