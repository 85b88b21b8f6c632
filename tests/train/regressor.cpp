// Regressor (train/regressor.hpp): an MLP fits y = 2 x0 - x1 + 0.5 with MSE, L1 and Huber, and a
// one-logit classifier (BCEWithLogits) separates two half-planes; a table of the wrong width is
// refused naming both shapes.
#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/regressor.hpp>

#include <vector>

using namespace ctnn;

namespace {
using Net = Sequential<Input<2>, Dense<32>, Tanh, Dense<1>>;

data::Table linear_table(std::size_t rows, std::uint64_t seed, bool binary) {
    Rng rng(seed);
    std::vector<float> x(rows * 2), y(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        x[r * 2] = static_cast<float>(rng.uniform(-1, 1)),
              x[r * 2 + 1] = static_cast<float>(rng.uniform(-1, 1));
        const float value = 2 * x[r * 2] - x[r * 2 + 1] + 0.5f;
        y[r] = binary ? (value > 0 ? 1.0f : 0.0f) : value;
    }
    return data::from_arrays(x, y, rows);
}

template <class Loss>
RegressionReport fit(std::size_t epochs) {
    Regressor<Net, Loss, Adam> regressor(Adam{.lr = 1e-2f}, 3);
    const auto train = linear_table(512, 1, false), test = linear_table(256, 2, false);
    for (std::size_t e = 0; e < epochs; ++e) regressor.fit_epoch(train, 32);
    return regressor.evaluate(test);
}
}  // namespace

TEST_CASE("Regressor: MSE, L1 and Huber fit a linear function") {
    const auto mse = fit<MSE>(30), l1 = fit<L1>(30), huber = fit<Huber<1.0f>>(30);
    MESSAGE("test RMSE: MSE " << mse.rmse << ", L1 " << l1.rmse << ", Huber " << huber.rmse << "; R^2 "
                              << mse.r2);
    CHECK(mse.rmse < 0.1);
    CHECK(l1.rmse < 0.15);
    CHECK(huber.rmse < 0.1);
    CHECK(mse.r2 > 0.99);
}

TEST_CASE("Regressor with BCEWithLogits: one-logit binary classification") {
    Regressor<Net, BCEWithLogits, Adam> classifier(Adam{.lr = 1e-2f}, 4);
    const auto train = linear_table(512, 5, true), test = linear_table(256, 6, true);
    for (int e = 0; e < 20; ++e) classifier.fit_epoch(train, 32);
    const RegressionReport report = classifier.evaluate(test);
    MESSAGE("test accuracy " << report.accuracy);
    CHECK(report.accuracy > 0.95);
    float logit = 0;
    const float positive[] = {1.0f, -1.0f};
    classifier.predict(positive, 1, &logit);
    CHECK(logit > 0);
}

TEST_CASE("Regressor: a table of another width is refused naming both shapes") {
    Regressor<Net, MSE, Adam> regressor(Adam{}, 1);
    const float x[] = {1, 2, 3}, y[] = {1};
    CHECK_THROWS_WITH_AS(regressor.fit_epoch(data::from_arrays(x, y, 1), 4),
                         doctest::Contains("the table has 3 features and 1 targets, the network takes"),
                         std::invalid_argument);
}
