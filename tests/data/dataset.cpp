// Tests for ctnn/data/dataset.hpp: pixel normalisations, subset/take bounds and copies, and
// split: disjoint, complete, order-preserving and the same for the same seed.
#include <ctnn/data/dataset.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <stdexcept>

using namespace ctnn::data;

namespace {

// n samples of 2 x 3 x 1; every float of sample i equals i, and label i is i * 10.
Dataset numbered(std::size_t n) {
    Dataset d;
    d.images = xt::xtensor<float, 4>::from_shape({n, 2, 3, 1});
    d.labels = xt::xtensor<std::int32_t, 1>::from_shape({n});
    for (std::size_t i = 0; i < n; ++i) {
        std::fill_n(d.images.data() + i * 6, 6, static_cast<float>(i));
        d.labels(i) = static_cast<std::int32_t>(i * 10);
    }
    return d;
}

// The sample numbers held by d (checking every float of a sample and its label agree).
std::vector<std::size_t> ids(const Dataset& d) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < d.size(); ++i) {
        const float v = d.images(i, 0, 0, 0);
        for (std::size_t k = 0; k < 6; ++k) REQUIRE(d.images.data()[i * 6 + k] == v);
        REQUIRE(d.labels(i) == static_cast<std::int32_t>(v) * 10);
        out.push_back(static_cast<std::size_t>(v));
    }
    return out;
}

}  // namespace

TEST_SUITE_BEGIN("data");
TEST_CASE("data/dataset: pixel normalisation") {
    CHECK(normalize_pixel(0, Normalize::unit) == 0.0f);
    CHECK(normalize_pixel(255, Normalize::unit) == 1.0f);
    CHECK(normalize_pixel(51, Normalize::unit) == doctest::Approx(0.2f));
    CHECK(normalize_pixel(0, Normalize::symmetric) == -1.0f);
    CHECK(normalize_pixel(255, Normalize::symmetric) == 1.0f);
    CHECK(normalize_pixel(51, Normalize::symmetric) == doctest::Approx(-0.6f));
    CHECK(normalize_pixel(0, Normalize::none) == 0.0f);
    CHECK(normalize_pixel(200, Normalize::none) == 200.0f);
    const auto table = detail::pixel_table(Normalize::symmetric);
    for (int p = 0; p < 256; ++p)
        CHECK(table[p] == normalize_pixel(static_cast<std::uint8_t>(p), Normalize::symmetric));
}

TEST_CASE("data/dataset: size, sample_size, subset and take") {
    const Dataset d = numbered(10);
    CHECK(d.size() == 10);
    CHECK(d.sample_size() == 6);
    CHECK(ids(subset(d, 3, 4)) == std::vector<std::size_t>{3, 4, 5, 6});
    CHECK(subset(d, 3, 4).images.shape()[1] == 2);
    CHECK(subset(d, 10, 0).size() == 0);
    CHECK(ids(take(d, 3)) == std::vector<std::size_t>{0, 1, 2});
    CHECK(take(d, 100).size() == 10);
    CHECK_THROWS_AS(subset(d, 8, 3), std::out_of_range);
    CHECK_THROWS_AS(subset(d, 11, 0), std::out_of_range);
    CHECK_THROWS_AS(subset(d, 1, static_cast<std::size_t>(-1)), std::out_of_range);  // no overflow
    CHECK(Dataset{}.size() == 0);
}

TEST_CASE("data/dataset: split is disjoint, complete, sorted and deterministic per seed") {
    const Dataset d = numbered(50);
    const auto [train, validation] = split(d, 12, 7);
    CHECK(train.size() == 38);
    CHECK(validation.size() == 12);
    const auto t = ids(train), v = ids(validation);
    CHECK(std::is_sorted(t.begin(), t.end()));
    CHECK(std::is_sorted(v.begin(), v.end()));
    std::set<std::size_t> all(t.begin(), t.end());
    all.insert(v.begin(), v.end());
    CHECK(all.size() == 50);  // disjoint and complete

    const auto [train2, validation2] = split(d, 12, 7);
    CHECK(ids(validation2) == v);
    CHECK(ids(train2) == t);
    const auto [train3, validation3] = split(d, 12, 8);
    CHECK(ids(validation3) != v);
    // A random draw, not the first or last 12 samples.
    CHECK(v != std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});

    CHECK(split(d, 0, 1).first.size() == 50);
    CHECK(split(d, 50, 1).second.size() == 50);
    CHECK_THROWS_AS(split(d, 51, 1), std::out_of_range);
}

TEST_SUITE_END();
