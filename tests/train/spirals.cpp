// End to end on a non-linear problem: an MLP separates three interleaved 2-D spirals.
#include <ctnn/ctnn.hpp>
#include <ctnn/data/spirals.hpp>
#include <ctnn/train/classifier.hpp>

#include <doctest/doctest.h>

using namespace ctnn;

TEST_CASE("An MLP learns three spirals to more than 95%") {
    using Mlp = Sequential<Input<2>, Dense<64>, ReLU, Dense<64>, ReLU, Dense<3>>;
    Classifier<Mlp, SoftmaxCrossEntropy, Adam> clf(Adam{.lr = 0.01f}, /*seed=*/5);
    const data::Dataset set = data::make_spirals(200, /*seed=*/11);
    double first_loss = 0, loss = 0;
    for (int step = 0; step < 1500; ++step) {
        loss = clf.fit_batch(set.images.data(), set.labels.data(), set.size());
        if (step == 0) first_loss = loss;
    }
    const auto report = clf.evaluate(set);
    MESSAGE("spirals: loss " << first_loss << " -> " << loss << ", accuracy " << report.accuracy);
    CHECK(loss < first_loss / 5);
    CHECK(report.accuracy > 0.95);
    CHECK(report.count == 600);
    std::size_t total = 0;
    for (auto count : report.confusion) total += count;
    CHECK(total == 600);
}
