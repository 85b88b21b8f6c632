#include <doctest/doctest.h>

#include <cmath>

#include <ctnn/core/random.hpp>

using namespace ctnn;

TEST_CASE("Rng::truncated_normal: within the bound, with the truncated normal's variance") {
    Rng rng(11);
    constexpr int draws = 100000;
    double sum = 0, squares = 0, largest = 0;
    for (int i = 0; i < draws; ++i) {
        const double z = rng.truncated_normal(1.0);
        sum += z, squares += z * z, largest = std::max(largest, std::abs(z));
    }
    CHECK(largest <= 1.0);
    CHECK(largest > 0.99);
    // N(0, 1) conditioned on |z| <= 1: mean 0, variance 1 - 2 phi(1) / (Phi(1) - Phi(-1)) = 0.29113.
    CHECK(std::abs(sum / draws) < 0.01);
    CHECK(squares / draws == doctest::Approx(0.29113).epsilon(0.01));
}

TEST_CASE("Rng::truncated_normal: small bounds (drawn by uniform proposals) are fast and right") {
    // N(0, 1) conditioned on |z| <= 0.5: variance 1 - 2 * 0.5 * phi(0.5) / (Phi(0.5) - Phi(-0.5)) = 0.08059.
    Rng rng(12);
    constexpr int draws = 100000;
    double squares = 0, largest = 0;
    for (int i = 0; i < draws; ++i) {
        const double z = rng.truncated_normal(0.5);
        squares += z * z, largest = std::max(largest, std::abs(z));
    }
    CHECK(largest <= 0.5);
    CHECK(squares / draws == doctest::Approx(0.08059).epsilon(0.01));
    for (int i = 0; i < 1000; ++i) CHECK(std::abs(rng.truncated_normal(1e-9)) <= 1e-9);
}

TEST_CASE("Rng::truncated_normal: bound 0 or infinity is the plain normal stream") {
    Rng plain(5), off(5), infinite(5);
    for (int i = 0; i < 100; ++i) {
        const double z = plain.normal();
        CHECK(off.truncated_normal(0.0) == z);
        CHECK(infinite.truncated_normal(INFINITY) == z);
    }
}
