// A steady-state training step allocates nothing: the counting operator new of steady_state.hpp
// is armed around steps that follow a warm-up step of the same (or a larger) batch size. The
// CUDA build runs the same check from tests/backend/cuda/allocation.cu.
#include "../support/steady_state.hpp"

#include <doctest/doctest.h>

using namespace ctnn;

TEST_CASE("A steady-state training step performs zero heap allocations (MLP and both LeNet-5s)") {
    CHECK(testing::steady_state_allocations<cpu::Blas>() == 0);
}

TEST_CASE("A steady-state forward and backward of a bound model performs zero heap allocations") {
    using Mlp = Sequential<Input<1, 4, 4>, Flatten, Dense<32>, Tanh, Dense<16>, LeakyReLU<0.2f>, Dense<4>>;
    Model<Mlp, cpu::Blas> model(3);
    std::vector<float> x(8 * 16, 0.5f);
    model.forward(x.data(), 8);
    testing::HeapCounter counter;
    model.forward(x.data(), 8);
    model.backward(x.data());
    CHECK(counter.count() == 0);
}
