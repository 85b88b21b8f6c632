// Parameter initialisation: each scheme's distribution, measured on a layer large enough for
// the sample moments to be tight, and BatchNorm's gamma = 1, beta = 0 under every scheme.
#include <ctnn/backend/cpu/blas.hpp>
#include <ctnn/layers/batch_norm.hpp>
#include <ctnn/layers/dense.hpp>
#include <ctnn/nn/model.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace ctnn;

namespace {
using Net = Sequential<Input<400>, Dense<300>, BatchNorm<>>;  // 120,000 weights, 300 biases

struct Moments {
    double mean = 0, std = 0, max_abs = 0;
};
Moments moments(const float* x, std::size_t n) {
    Moments m;
    for (std::size_t i = 0; i < n; ++i)
        m.mean += x[i], m.max_abs = std::max(m.max_abs, double(std::fabs(x[i])));
    m.mean /= double(n);
    for (std::size_t i = 0; i < n; ++i) m.std += (x[i] - m.mean) * (x[i] - m.mean);
    m.std = std::sqrt(m.std / double(n));
    return m;
}
}  // namespace

TEST_CASE("init: pytorch, xavier and dcgan schemes draw the documented distributions") {
    constexpr std::size_t weights = 400 * 300, biases = 300;
    SUBCASE("pytorch: weights and biases U(-1/sqrt(fan_in), +)") {
        Model<Net, cpu::Blas> model(7, InitScheme::pytorch);
        const double bound = 1.0 / std::sqrt(400.0);
        const Moments w = moments(model.parameters(), weights),
                      b = moments(model.parameters() + weights, biases);
        CHECK(w.max_abs <= bound);
        CHECK(w.std == doctest::Approx(bound / std::sqrt(3.0)).epsilon(0.01));
        CHECK(b.max_abs <= bound);
        CHECK(b.std > 0.5 * bound / std::sqrt(3.0));
    }
    SUBCASE("xavier: weights U(-sqrt(6 / (fan_in + fan_out)), +), biases zero") {
        Model<Net, cpu::Blas> model(7, InitScheme::xavier);
        const double bound = std::sqrt(6.0 / 700.0);
        const Moments w = moments(model.parameters(), weights),
                      b = moments(model.parameters() + weights, biases);
        CHECK(w.max_abs <= bound);
        CHECK(w.std == doctest::Approx(bound / std::sqrt(3.0)).epsilon(0.01));
        CHECK(b.max_abs == 0);
    }
    SUBCASE("dcgan: weights N(0, 0.02), biases zero") {
        Model<Net, cpu::Blas> model(7, InitScheme::dcgan);
        const Moments w = moments(model.parameters(), weights),
                      b = moments(model.parameters() + weights, biases);
        CHECK(std::fabs(w.mean) < 0.0005);
        CHECK(w.std == doctest::Approx(0.02).epsilon(0.01));
        CHECK(w.max_abs > 0.06);  // a normal's tail, not a uniform's bound
        CHECK(b.max_abs == 0);
    }
    for (const InitScheme scheme : {InitScheme::pytorch, InitScheme::xavier, InitScheme::dcgan}) {
        Model<Net, cpu::Blas> model(3, scheme);
        const float* gamma = model.parameters() + weights + biases;
        CHECK(std::all_of(gamma, gamma + 300, [](float g) { return g == 1.0f; }));
        CHECK(std::all_of(gamma + 300, gamma + 600, [](float b) { return b == 0.0f; }));
    }
}
