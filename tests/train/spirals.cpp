// End to end on a non-linear problem: an MLP separates three interleaved 2-D spirals.
#include <ctnn/ctnn.hpp>
#include <ctnn/train/classifier.hpp>

#include <doctest/doctest.h>

#include <cmath>

using namespace ctnn;

namespace {
// 3 spirals of `per_class` points each, with a little seeded noise (the CS231n data set).
void make_spirals(std::size_t per_class, std::vector<float>& points, std::vector<std::int32_t>& labels) {
    Rng rng(11);
    for (std::int32_t c = 0; c < 3; ++c)
        for (std::size_t i = 0; i < per_class; ++i) {
            const double r = double(i) / double(per_class);
            const double t = c * 4.0 + 4.0 * r + rng.normal() * 0.2;
            points.push_back(static_cast<float>(r * std::sin(t)));
            points.push_back(static_cast<float>(r * std::cos(t)));
            labels.push_back(c);
        }
}
}  // namespace

TEST_CASE("An MLP learns three spirals to more than 95%") {
    using Mlp = Sequential<Input<2>, Dense<64>, ReLU, Dense<64>, ReLU, Dense<3>>;
    Classifier<Mlp, SoftmaxCrossEntropy, Adam> clf(Adam{.lr = 0.01f}, /*seed=*/5);
    std::vector<float> points;
    std::vector<std::int32_t> labels;
    make_spirals(200, points, labels);
    double first_loss = 0, loss = 0;
    for (int step = 0; step < 1500; ++step) {
        loss = clf.fit_batch(points.data(), labels.data(), labels.size());
        if (step == 0) first_loss = loss;
    }
    data::Dataset set;
    set.images = xt::adapt(points, std::array<std::size_t, 4>{labels.size(), 2, 1, 1});
    set.labels = xt::adapt(labels, std::array<std::size_t, 1>{labels.size()});
    const auto report = clf.evaluate(set);
    MESSAGE("spirals: loss " << first_loss << " -> " << loss << ", accuracy " << report.accuracy);
    CHECK(loss < first_loss / 5);
    CHECK(report.accuracy > 0.95);
    CHECK(report.count == 600);
    std::size_t total = 0;
    for (auto count : report.confusion) total += count;
    CHECK(total == 600);
}
