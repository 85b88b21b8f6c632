// models/resnet.hpp: ResNet28's shapes and counts, and a short MNIST smoke test: 120 Adam steps
// of 16 images from the training set lower the loss (mean of the last 20 steps below half that of
// the first 20) and the network beats chance on 500 test images. A few seconds on one thread.
// Also: a steady-state training step of ResNet28 (Adadelta) allocates nothing.
#include <ctnn/ctnn.hpp>
#include <ctnn/data/data.hpp>
#include <ctnn/models/resnet.hpp>
#include <ctnn/train/classifier.hpp>

#include <doctest/doctest.h>

#include "../support/steady_state.hpp"

#include <chrono>
#include <filesystem>
#include <numeric>
#include <vector>

using namespace ctnn;

TEST_CASE("ResNet28: shapes, parameter count, nested names") {
    using Net = models::ResNet28;
    static_assert(Net::param_count == 152'202);
    static_assert(std::is_same_v<Net::layer<6>::out_shape, Shape<32, 14, 14>>);
    static_assert(std::is_same_v<Net::layer<8>::out_shape, Shape<64, 7, 7>>);
    const auto slots = Model<Net, cpu::Blas>::parameter_slots();
    CHECK(slots[4].name == "residual1.conv1.weight");
    CHECK(slots.back().name == "dense1.bias");
    bool projection = false;
    for (const auto& slot : slots) projection |= slot.name == "residual2.shortcut1.conv1.weight";
    CHECK(projection);
}

TEST_CASE("ResNet28 on real MNIST: 120 steps lower the loss (smoke test)") {
    const std::filesystem::path dir = CTNN_MNIST_DIR;
    if (!std::filesystem::exists(dir / "train-images-idx3-ubyte")) {
        MESSAGE("skipped: no MNIST in " << dir << " (run scripts/fetch-mnist.sh)");
        return;
    }
    set_num_threads(1);
    const auto mnist = data::mnist::load(dir);
    const auto test = data::take(mnist.test, 500);
    Classifier<models::ResNet28, SoftmaxCrossEntropy, Adam> clf(Adam{.lr = 2e-3f}, /*seed=*/7);
    constexpr std::size_t batch = 16, steps = 120, pixels = 28 * 28;
    std::vector<double> losses;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t s = 0; s < steps; ++s) {
        const std::size_t first = s * batch;
        losses.push_back(clf.fit_batch(mnist.train.images.data() + first * pixels,
                                       mnist.train.labels.data() + first, batch));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double head = std::accumulate(losses.begin(), losses.begin() + 20, 0.0) / 20;
    const double tail = std::accumulate(losses.end() - 20, losses.end(), 0.0) / 20;
    const auto report = clf.evaluate(test);
    MESSAGE("ResNet28: loss " << head << " (first 20 steps) -> " << tail << " (last 20), test accuracy "
                              << report.accuracy << " on 500 images, " << seconds << " s for " << steps
                              << " steps");
    CHECK(tail < head / 2);
    CHECK(report.accuracy > 0.5);
}

TEST_CASE("ResNet28: a steady-state training step allocates nothing (full and short batches)") {
    Classifier<models::ResNet28, SoftmaxCrossEntropy, Adadelta> clf(Adadelta{}, 3);
    constexpr std::size_t batch = 4;
    std::vector<float> images(batch * 28 * 28);
    for (std::size_t i = 0; i < images.size(); ++i) images[i] = float(i % 17) / 17.0f;
    const std::vector<std::int32_t> labels{1, 7, 3, 0};
    clf.fit_batch(images.data(), labels.data(), batch);  // sizes every buffer
    std::size_t count = 0;
    {
        testing::HeapCounter counter;
        clf.fit_batch(images.data(), labels.data(), batch);
        clf.fit_batch(images.data(), labels.data(), batch - 1);
        count = counter.count();
    }
    CHECK(count == 0);
}
