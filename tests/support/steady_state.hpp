// The zero-allocation check of a steady-state training step, for any backend: HeapCounter (over
// the counting global operator new of tests/support/counting_new.cpp) and
// steady_state_allocations<B>(), the heap allocations made by training steps of an MLP and of
// both LeNet-5s after a warm-up step of the same or a larger batch. Used by tests/nn/allocation.cpp
// (ctnn_tests) and tests/backend/cuda/allocation.cu (ctnn_cuda_tests).
#pragma once

#include <ctnn/ctnn.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/train/classifier.hpp>

#include <atomic>
#include <cstdint>
#include <vector>

namespace ctnn::testing {

// The counting global operator new of counting_new.cpp (compiled by the C++ compiler into each
// test executable that includes this header: nvcc must not see a replacement operator new).
extern std::atomic<bool> counting_allocations;
extern std::atomic<std::size_t> allocations;
extern std::atomic<std::size_t> allocated_bytes;

// Counts the global operator new calls made while it lives, and the bytes they asked for.
class HeapCounter {
  public:
    HeapCounter() {
        allocations = 0;
        allocated_bytes = 0;
        counting_allocations = true;
    }
    ~HeapCounter() { counting_allocations = false; }
    HeapCounter(const HeapCounter&) = delete;
    HeapCounter& operator=(const HeapCounter&) = delete;
    std::size_t count() const { return allocations.load(); }
    std::size_t bytes() const { return allocated_bytes.load(); }
};

// Heap allocations during steady-state fit_batch calls on backend B (full and short batches);
// probe() is called just before and just after those calls (outside the count).
template <Backend B, class Probe>
std::size_t steady_state_allocations(Probe&& probe) {
    using Mlp = Sequential<Input<1, 4, 4>, Flatten, Dense<32>, Tanh, Dense<16>, LeakyReLU<0.2f>, Dense<4>>;
    Classifier<Mlp, SoftmaxCrossEntropy, Adam, B> mlp(Adam{}, 1);
    Classifier<models::LeNet5, SoftmaxCrossEntropy, Adam, B> classic(Adam{}, 1);
    Classifier<models::LeNet5Relu, SoftmaxCrossEntropy, SGD, B> relu(SGD{.momentum = 0.9f}, 1);
    std::vector<float> small(32 * 16, 0.5f), digits(16 * 784, 0.25f);
    std::vector<std::int32_t> labels(32, 3);
    // One "epoch" of full and short batches: warm-up epochs size every buffer and the scratch of
    // every pool thread, then one is counted. Several warm-ups, because a pool thread that happens
    // to take no part of some op in an epoch sizes its scratch for it only when it first does.
    const auto epoch = [&] {
        for (int i = 0; i < 3; ++i) mlp.fit_batch(small.data(), labels.data(), 32);
        mlp.fit_batch(small.data(), labels.data(), 17);  // a short last batch reuses the buffers too
        classic.fit_batch(digits.data(), labels.data(), 16);
        classic.fit_batch(digits.data(), labels.data(), 9);
        relu.fit_batch(digits.data(), labels.data(), 16);
        relu.fit_batch(digits.data(), labels.data(), 5);
    };
    for (int warm_up = 0; warm_up < 5; ++warm_up) epoch();
    probe();
    std::size_t count = 0;
    {
        HeapCounter counter;
        epoch();
        count = counter.count();
    }
    probe();
    return count;
}
template <Backend B>
std::size_t steady_state_allocations() {
    return steady_state_allocations<B>([] {});
}

}  // namespace ctnn::testing
