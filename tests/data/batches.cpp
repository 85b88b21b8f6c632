// Tests for ctnn/data/batches.hpp: batch counts and sizes, every sample exactly once per
// epoch with its own pixels and label, orders fixed by (seed, epoch), drop_last, no shuffle,
// and buffers that stay put (nothing is reallocated per batch or per epoch); with a Share, the
// ranks' parts of every batch.
#include <ctnn/data/batches.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <vector>

using namespace ctnn::data;

namespace {

// n samples of 1 x 2 x 2; the floats of sample i are i, i + 0.25, i + 0.5, i + 0.75; label i % 10.
Dataset numbered(std::size_t n) {
    Dataset d;
    d.images = xt::xtensor<float, 4>::from_shape({n, 1, 2, 2});
    d.labels = xt::xtensor<std::int32_t, 1>::from_shape({n});
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < 4; ++k) d.images.data()[i * 4 + k] = static_cast<float>(i) + 0.25f * k;
        d.labels(i) = static_cast<std::int32_t>(i % 10);
    }
    return d;
}

// The sample numbers of one epoch, batch by batch, checking each batch's pixels and labels.
std::vector<std::vector<std::size_t>> epoch_batches(Batches& b, std::size_t epoch) {
    b.start_epoch(epoch);
    std::vector<std::vector<std::size_t>> out;
    while (b.next()) {
        std::vector<std::size_t> ids;
        for (std::size_t i = 0; i < b.size(); ++i) {
            const float first = b.images()[i * 4];
            const auto id = static_cast<std::size_t>(first);
            for (std::size_t k = 0; k < 4; ++k) REQUIRE(b.images()[i * 4 + k] == first + 0.25f * k);
            REQUIRE(b.labels()[i] == static_cast<std::int32_t>(id % 10));
            REQUIRE(b.indices()[i] == id);
            ids.push_back(id);
        }
        out.push_back(ids);
    }
    return out;
}

std::vector<std::size_t> flat(const std::vector<std::vector<std::size_t>>& batches) {
    std::vector<std::size_t> out;
    for (const auto& b : batches) out.insert(out.end(), b.begin(), b.end());
    return out;
}

}  // namespace

TEST_SUITE_BEGIN("data");

TEST_CASE("data/batches: every sample exactly once per epoch, last batch short") {
    const Dataset d = numbered(103);
    Batches b(d, 10, 42);
    CHECK(b.batches_per_epoch() == 11);
    CHECK(b.batch_size() == 10);
    CHECK(b.sample_size() == 4);
    for (std::size_t epoch = 0; epoch < 3; ++epoch) {
        const auto batches = epoch_batches(b, epoch);
        REQUIRE(batches.size() == 11);
        for (std::size_t i = 0; i < 10; ++i) CHECK(batches[i].size() == 10);
        CHECK(batches[10].size() == 3);
        auto all = flat(batches);
        std::sort(all.begin(), all.end());
        for (std::size_t i = 0; i < all.size(); ++i) REQUIRE(all[i] == i);
        CHECK(all.size() == 103);
        CHECK(b.epoch() == epoch);
    }
    CHECK_FALSE(b.next());  // stays finished
    CHECK(b.size() == 0);
}

TEST_CASE("data/batches: the order depends only on (seed, epoch)") {
    const Dataset d = numbered(64);
    Batches a(d, 8, 7), same(d, 8, 7), other(d, 8, 8);
    const auto e0 = flat(epoch_batches(a, 0)), e1 = flat(epoch_batches(a, 1));
    CHECK(e0 != e1);
    CHECK(flat(epoch_batches(same, 1)) == e1);  // epoch 1 without having run epoch 0
    CHECK(flat(epoch_batches(same, 0)) == e0);
    CHECK(flat(epoch_batches(a, 0)) == e0);  // rewinding repeats the epoch
    CHECK(flat(epoch_batches(other, 0)) != e0);
    std::vector<std::size_t> identity(64);
    for (std::size_t i = 0; i < 64; ++i) identity[i] = i;
    CHECK(e0 != identity);

    Batches fresh(d, 8, 7);  // a new Batches starts at epoch 0 without start_epoch
    std::vector<std::size_t> ids;
    while (fresh.next()) ids.insert(ids.end(), fresh.indices(), fresh.indices() + fresh.size());
    CHECK(ids == e0);
}

TEST_CASE("data/batches: drop_last, no shuffle, oversized and empty") {
    const Dataset d = numbered(10);
    Batches dropped(d, 4, 1, true, true);
    CHECK(dropped.batches_per_epoch() == 2);
    const auto batches = epoch_batches(dropped, 0);
    CHECK(batches.size() == 2);
    CHECK(flat(batches).size() == 8);
    CHECK(dropped.size() == 0);

    Batches ordered(d, 4, 1, /*shuffle=*/false);
    CHECK(ordered.batches_per_epoch() == 3);
    CHECK(epoch_batches(ordered, 5) ==
          std::vector<std::vector<std::size_t>>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}});

    Batches big(d, 1000, 1);
    CHECK(big.batches_per_epoch() == 1);
    CHECK(epoch_batches(big, 0).at(0).size() == 10);
    Batches big_dropped(d, 1000, 1, true, true);
    CHECK(big_dropped.batches_per_epoch() == 0);
    CHECK(epoch_batches(big_dropped, 0).empty());

    const Dataset empty = numbered(0);
    Batches none(empty, 4, 1);
    CHECK(none.batches_per_epoch() == 0);
    CHECK_FALSE(none.next());

    CHECK_THROWS_AS(Batches(d, 0, 1), std::invalid_argument);
    // A temporary Dataset would dangle: that overload is deleted.
    static_assert(!std::is_constructible_v<Batches, Dataset&&, std::size_t, std::uint64_t>);
    static_assert(std::is_constructible_v<Batches, const Dataset&, std::size_t, std::uint64_t>);
}

TEST_CASE("data/batches: buffers are allocated once and reused by every batch and epoch") {
    const Dataset d = numbered(50);
    Batches b(d, 16, 3);
    const float* images = b.images();
    const std::int32_t* labels = b.labels();
    for (std::size_t epoch = 0; epoch < 3; ++epoch) {
        b.start_epoch(epoch);
        while (b.next()) {
            CHECK(b.images() == images);
            CHECK(b.labels() == labels);
        }
    }
}

TEST_SUITE_END();

TEST_CASE("Batches with a Share: the ranks' parts of each batch, in order, are the whole batch") {
    const Dataset d = numbered(23);
    for (const bool drop_last : {false, true}) {
        Batches whole(d, 7, 5, true, drop_last);
        Batches a(d, 7, 5, true, drop_last, Share{0, 3}), b(d, 7, 5, true, drop_last, Share{1, 3}),
            c(d, 7, 5, true, drop_last, Share{2, 3});
        std::size_t batches = 0;
        while (a.next()) {
            REQUIRE(whole.next());
            REQUIRE(b.next());
            REQUIRE(c.next());
            CHECK(a.global_size() == whole.size());
            CHECK(a.size() + b.size() + c.size() == whole.size());
            std::vector<std::size_t> joined(a.indices(), a.indices() + a.size());
            joined.insert(joined.end(), b.indices(), b.indices() + b.size());
            joined.insert(joined.end(), c.indices(), c.indices() + c.size());
            CHECK(joined == std::vector<std::size_t>(whole.indices(), whole.indices() + whole.size()));
            CHECK(b.labels()[0] == d.labels(b.indices()[0]));
            CHECK(b.images()[0] == d.images.data()[b.indices()[0] * 4]);
            ++batches;
        }
        // 23 = 3 x 7 + 2: the last 2 samples are fewer than the 3 ranks, so the shares drop them.
        CHECK(batches == 3);
        CHECK(a.batches_per_epoch() == 3);
        CHECK(whole.next() == !drop_last);
        CHECK_FALSE(b.next());
    }
    CHECK_THROWS_AS(Batches(d, 2, 1, true, false, Share{0, 3}), std::invalid_argument);
    CHECK_THROWS_AS(Batches(d, 8, 1, true, false, Share{3, 3}), std::invalid_argument);
}
