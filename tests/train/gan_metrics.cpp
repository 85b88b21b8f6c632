// FID and Inception Score (train/gan_metrics.hpp) against closed forms, and the classifier
// readout of train/gan_eval.hpp.
#include <ctnn/ctnn.hpp>
#include <ctnn/models/lenet5.hpp>
#include <ctnn/train/gan_eval.hpp>
#include <ctnn/train/gan_metrics.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

using namespace ctnn;

namespace {
xt::xtensor<double, 2> diagonal_matrix(const std::vector<double>& d) {
    xt::xtensor<double, 2> m = xt::zeros<double>({d.size(), d.size()});
    for (std::size_t i = 0; i < d.size(); ++i) m(i, i) = d[i];
    return m;
}
xt::xtensor<double, 1> vector_of(const std::vector<double>& v) {
    xt::xtensor<double, 1> x = xt::zeros<double>({v.size()});
    for (std::size_t i = 0; i < v.size(); ++i) x(i) = v[i];
    return x;
}
// ||mu1 - mu2||^2 + sum_i (s1 + s2 - 2 sqrt(s1 s2)): the distance of two diagonal Gaussians.
double diagonal_closed_form(const std::vector<double>& mu1, const std::vector<double>& s1,
                            const std::vector<double>& mu2, const std::vector<double>& s2) {
    double total = 0;
    for (std::size_t i = 0; i < mu1.size(); ++i)
        total += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]) + s1[i] + s2[i] - 2 * std::sqrt(s1[i] * s2[i]);
    return total;
}
// n samples of N(mu, diag(var)), row-major n x d.
std::vector<float> gaussian_samples(std::size_t n, const std::vector<double>& mu,
                                    const std::vector<double>& var, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<float> x(n * mu.size());
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < mu.size(); ++k)
            x[i * mu.size() + k] = static_cast<float>(mu[k] + std::sqrt(var[k]) * rng.normal());
    return x;
}
}  // namespace

TEST_CASE("gaussian_stats: mean and unbiased covariance") {
    const std::vector<double> x = {1, 2, 3, 6, 5, 10};  // 3 samples of 2 features
    const auto s = gaussian_stats(x.data(), 3, 2);
    CHECK(s.mean(0) == doctest::Approx(3.0));
    CHECK(s.mean(1) == doctest::Approx(6.0));
    CHECK(s.cov(0, 0) == doctest::Approx(4.0));   // (4 + 0 + 4) / 2
    CHECK(s.cov(1, 1) == doctest::Approx(16.0));  // (16 + 0 + 16) / 2
    CHECK(s.cov(0, 1) == doctest::Approx(8.0));   // (8 + 0 + 8) / 2
    CHECK(s.cov(1, 0) == doctest::Approx(8.0));
    CHECK(s.count == 3);
}

TEST_CASE("FID of a set with itself is 0") {
    Rng rng(3);
    const std::size_t n = 400, d = 84;
    std::vector<float> features(n * d);
    for (auto& v : features) v = static_cast<float>(std::tanh(rng.normal()));
    const auto a = gaussian_stats(features.data(), n, d);
    CHECK(frechet_distance(a, a) < 1e-8);
    // Rank-deficient covariance (n < d): the clamped eigenvalues keep it finite and ~0.
    const auto few = gaussian_stats(features.data(), 20, d);
    const double self = frechet_distance(few, few);
    CHECK(std::isfinite(self));
    CHECK(self < 1e-6);
}

TEST_CASE("FID of two diagonal Gaussians matches the closed form") {
    const std::vector<double> mu1 = {0.0, 1.0, -2.0, 0.5}, s1 = {1.0, 4.0, 0.25, 2.0};
    const std::vector<double> mu2 = {1.0, 1.0, 0.0, -0.5}, s2 = {9.0, 1.0, 0.25, 0.5};
    const double expected = diagonal_closed_form(mu1, s1, mu2, s2);  // 1+4+1 + (4 + 1 + 0 + 0.5) = 11.5
    CHECK(expected == doctest::Approx(11.5));
    CHECK(frechet_distance(vector_of(mu1), diagonal_matrix(s1), vector_of(mu2), diagonal_matrix(s2)) ==
          doctest::Approx(expected).epsilon(1e-10));
    // Symmetric in its arguments.
    CHECK(frechet_distance(vector_of(mu2), diagonal_matrix(s2), vector_of(mu1), diagonal_matrix(s1)) ==
          doctest::Approx(expected).epsilon(1e-10));
}

TEST_CASE("FID with non-commuting covariances: the 2x2 trace-of-square-root identity") {
    // For PSD 2x2 M, Tr sqrt(M) = sqrt(Tr M + 2 sqrt(det M)); with M = S1^1/2 S2 S1^1/2,
    // Tr M = Tr(S1 S2) and det M = det S1 det S2: an answer that needs no matrix square root.
    xt::xtensor<double, 2> s1 = {{2.0, 0.5}, {0.5, 1.0}}, s2 = {{1.0, -0.3}, {-0.3, 3.0}};
    xt::xtensor<double, 1> mu1 = {0.5, 0.0}, mu2 = {0.0, 2.0};
    const double tr_s1s2 =
        s1(0, 0) * s2(0, 0) + s1(0, 1) * s2(1, 0) + s1(1, 0) * s2(0, 1) + s1(1, 1) * s2(1, 1);
    const double det1 = s1(0, 0) * s1(1, 1) - s1(0, 1) * s1(1, 0),
                 det2 = s2(0, 0) * s2(1, 1) - s2(0, 1) * s2(1, 0);
    const double expected = 0.25 + 4.0 + 3.0 + 4.0 - 2 * std::sqrt(tr_s1s2 + 2 * std::sqrt(det1 * det2));
    CHECK(frechet_distance(mu1, s1, mu2, s2) == doctest::Approx(expected).epsilon(1e-10));
    // sqrt_psd is a true square root.
    const xt::xtensor<double, 2> root = sqrt_psd(s1);
    const xt::xtensor<double, 2> back = detail::matmul(root, root);
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 2; ++j) CHECK(back(i, j) == doctest::Approx(s1(i, j)).epsilon(1e-12));
}

TEST_CASE("FID estimated from samples of two Gaussians approaches the closed form") {
    const std::vector<double> mu1 = {0.0, 0.0, 1.0}, s1 = {1.0, 2.0, 0.5};
    const std::vector<double> mu2 = {0.5, -1.0, 1.0}, s2 = {4.0, 0.5, 0.5};
    const std::size_t n = 20000;
    const auto a = gaussian_samples(n, mu1, s1, 1), b = gaussian_samples(n, mu2, s2, 2);
    const double estimate = frechet_distance(gaussian_stats(a.data(), n, 3), gaussian_stats(b.data(), n, 3));
    const double expected = diagonal_closed_form(mu1, s1, mu2, s2);  // 1.25 + 1 + 1.5 + 0 = 3.75
    CHECK(estimate == doctest::Approx(expected).epsilon(0.05));
}

TEST_CASE("Inception Score: 10 for ten equally frequent one-hot predictions, 1 for a single class") {
    const std::size_t n = 1000, k = 10;
    std::vector<float> onehot(n * k, 0.0f), same(n * k, 0.0f), uniform(n * k, 0.1f);
    for (std::size_t i = 0; i < n; ++i) onehot[i * k + i % k] = 1.0f, same[i * k + 3] = 1.0f;
    CHECK(inception_score(onehot.data(), n, k).mean == doctest::Approx(10.0));
    CHECK(inception_score(onehot.data(), n, k, 10).mean == doctest::Approx(10.0));
    CHECK(inception_score(onehot.data(), n, k, 10).std == doctest::Approx(0.0));
    CHECK(inception_score(same.data(), n, k).mean == doctest::Approx(1.0));
    CHECK(inception_score(uniform.data(), n, k).mean == doctest::Approx(1.0));
    // Two equally frequent classes, predicted with certainty: IS = 2.
    std::vector<float> two(n * k, 0.0f);
    for (std::size_t i = 0; i < n; ++i) two[i * k + (i % 2) * 7] = 1.0f;
    CHECK(inception_score(two.data(), n, k).mean == doctest::Approx(2.0));
    CHECK_THROWS_AS(inception_score(two.data(), 0, k), std::invalid_argument);
}

TEST_CASE("read_classifier: LeNet-5's 84-d features and softmax probabilities; sample_quality") {
    Model<models::LeNet5, cpu::Blas> lenet(5);
    const std::size_t n = 30;
    Rng rng(6);
    std::vector<float> images(n * 784);
    for (auto& v : images) v = static_cast<float>(rng.uniform01());
    const auto r = read_classifier<models::lenet5_feature_layer>(lenet, images.data(), n, /*batch=*/8);
    REQUIRE(r.count == n);
    CHECK(r.feature_size == 84);
    CHECK(r.classes == 10);
    for (std::size_t i = 0; i < n; ++i) {
        const float* p = r.probabilities.data() + i * 10;
        CHECK(std::accumulate(p, p + 10, 0.0) == doctest::Approx(1.0).epsilon(1e-5));
        CHECK(r.confidence[i] == p[r.predicted[i]]);
        CHECK(std::all_of(p, p + 10, [&](float v) { return v <= r.confidence[i]; }));
    }
    // The features are the Tanh after Dense<84>: in (-1, 1), and the same as a direct forward.
    CHECK(std::all_of(r.features.begin(), r.features.end(), [](float v) { return v > -1.0f && v < 1.0f; }));
    lenet.eval();
    lenet.forward(images.data() + 9 * 784, 1);
    const float* direct = lenet.layer_output<models::lenet5_feature_layer>();
    for (std::size_t k = 0; k < 84; ++k)
        CHECK(r.features[9 * 84 + k] == doctest::Approx(direct[k]).epsilon(1e-5));

    const auto q = sample_quality(r, gaussian_stats(r));
    CHECK(q.fid < 1e-6);
    CHECK(std::accumulate(q.class_histogram.begin(), q.class_histogram.end(), std::size_t{0}) == n);
    CHECK(q.mean_confidence > 0.1);
    CHECK(q.inception.mean >= 1.0);
}

TEST_CASE("FID and IS refuse NaN, Inf and negative probabilities, naming the element") {
    // Issue 15 #8: a NaN classifier reported FID 0.0.
    const double nan = std::numeric_limits<double>::quiet_NaN(),
                 inf = std::numeric_limits<double>::infinity();
    std::vector<double> features{0.1, 0.2, 0.3, 0.4, 0.5, 0.7};
    CHECK_NOTHROW(gaussian_stats(features.data(), 3, 2));
    features[3] = nan;
    CHECK_THROWS_WITH_AS(gaussian_stats(features.data(), 3, 2),
                         doctest::Contains("gaussian_stats: feature [1][1] is NaN"), std::invalid_argument);
    const std::vector<float> float_features{0.1f, std::numeric_limits<float>::infinity(), 0.3f, 0.4f};
    CHECK_THROWS_WITH_AS(gaussian_stats(float_features.data(), 2, 2),
                         doctest::Contains("feature [0][1] is +Inf"), std::invalid_argument);

    const auto mu = vector_of({0, 0}), bad_mu = vector_of({0, nan});
    const auto cov = diagonal_matrix({1, 2});
    auto bad_cov = diagonal_matrix({1, 2});
    bad_cov(1, 0) = -inf;
    CHECK(frechet_distance(mu, cov, mu, cov) == doctest::Approx(0.0));
    CHECK_THROWS_WITH_AS(frechet_distance(mu, cov, bad_mu, cov), doctest::Contains("mean b [0][1] is NaN"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(frechet_distance(mu, bad_cov, mu, cov),
                         doctest::Contains("covariance a [1][0] is -Inf"), std::invalid_argument);

    std::vector<double> probs{0.5, 0.5, 1.0, 0.0};
    CHECK_NOTHROW(inception_score(probs.data(), 2, 2));
    probs[2] = nan;
    CHECK_THROWS_WITH_AS(inception_score(probs.data(), 2, 2),
                         doctest::Contains("inception_score: probability [1][0] is NaN"),
                         std::invalid_argument);
    probs[2] = -0.25;
    CHECK_THROWS_WITH_AS(inception_score(probs.data(), 2, 2), doctest::Contains("must not be negative"),
                         std::invalid_argument);
}
