// A steady-state training step allocates nothing: a counting global operator new is armed
// around steps that follow a warm-up step of the same (or a larger) batch size.
#include <ctnn/ctnn.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/train/classifier.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};
}  // namespace

// GCC 12 cannot see that this pair is consistent (malloc in new, free in delete).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace ctnn;

TEST_CASE("A steady-state training step performs zero heap allocations") {
    using Mlp = Sequential<Input<1, 4, 4>, Flatten, Dense<32>, Tanh, Dense<16>, LeakyReLU<0.2f>, Dense<4>>;
    Classifier<Mlp, SoftmaxCrossEntropy, Adam> clf(Adam{}, 1);
    std::vector<float> x(32 * 16, 0.5f);
    std::vector<std::int32_t> y(32, 1);
    clf.fit_batch(x.data(), y.data(), 32);  // warm-up sizes every buffer

    allocations = 0;
    counting = true;
    for (int i = 0; i < 5; ++i) clf.fit_batch(x.data(), y.data(), 32);
    clf.fit_batch(x.data(), y.data(), 17);  // a short last batch reuses the buffers too
    counting = false;
    CHECK(allocations.load() == 0);

    Model<Mlp, cpu::Blas> model(3);
    model.forward(x.data(), 8);
    counting = true;
    model.forward(x.data(), 8);
    model.backward(x.data());
    counting = false;
    CHECK(allocations.load() == 0);
}

TEST_CASE("A steady-state LeNet-5 training step performs zero heap allocations") {
    Classifier<models::LeNet5, SoftmaxCrossEntropy, Adam> classic(Adam{}, 1);
    Classifier<models::LeNet5Relu, SoftmaxCrossEntropy, SGD> relu(SGD{.momentum = 0.9f}, 1);
    std::vector<float> x(16 * 784, 0.25f);
    std::vector<std::int32_t> y(16, 3);
    classic.fit_batch(x.data(), y.data(), 16);
    relu.fit_batch(x.data(), y.data(), 16);
    allocations = 0;
    counting = true;
    classic.fit_batch(x.data(), y.data(), 16);
    classic.fit_batch(x.data(), y.data(), 9);
    relu.fit_batch(x.data(), y.data(), 16);
    relu.fit_batch(x.data(), y.data(), 5);
    counting = false;
    CHECK(allocations.load() == 0);
}
