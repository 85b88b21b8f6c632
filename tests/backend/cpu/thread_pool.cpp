// backend/cpu/thread_pool.hpp and backend/threads.hpp: every index of a parallel range runs once,
// in contiguous parts of about equal size; nested parallel ops run serially inside a part;
// set_num_threads sizes the pool (clamped to the cores) and parallel_parts follows it.
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <vector>

#include <ctnn/backend/threads.hpp>

namespace {

struct RestoreThreads {
    int threads = ctnn::get_num_threads();
    ~RestoreThreads() { ctnn::set_num_threads(threads); }
};

}  // namespace

TEST_CASE(
    "parallel_ranges covers every index below n once, in non-empty contiguous parts, at every thread count") {
    RestoreThreads restore;
    for (int threads : {1, 2, 4}) {
        ctnn::set_num_threads(threads);
        CHECK(ctnn::get_num_threads() >= 1);
        CHECK(ctnn::get_num_threads() <= static_cast<int>(ctnn::cpu::ThreadPool::hardware_threads()));
        for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
            for (std::size_t parts : {std::size_t{1}, std::size_t{3}, std::size_t{16}}) {
                std::vector<std::atomic<int>> hits(n);
                std::vector<std::size_t> sizes(parts, 0);
                ctnn::cpu::parallel_ranges(n, parts,
                                           [&](std::size_t begin, std::size_t end, std::size_t part) {
                                               CHECK(begin < end);
                                               sizes[part] = end - begin;
                                               for (std::size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
                                           });
                for (std::size_t i = 0; i < n; ++i) CHECK(hits[i].load() == 1);
                std::size_t largest = 0, smallest = n, used = 0;
                for (std::size_t s : sizes)
                    if (s) largest = std::max(largest, s), smallest = std::min(smallest, s), ++used;
                if (n) CHECK(largest - smallest <= 1);
                CHECK(used == std::min(n, parts));
            }
        }
    }
}

TEST_CASE("a parallel op inside a part runs serially (no nested fan-out), and the pool is reusable") {
    RestoreThreads restore;
    ctnn::set_num_threads(2);
    std::atomic<int> inner_parts{0}, total{0};
    ctnn::cpu::parallel_ranges(4, 4, [&](std::size_t, std::size_t, std::size_t) {
        CHECK(ctnn::cpu::parallel_parts(1e9, 1.0) == 1);
        ctnn::cpu::parallel_ranges(100, 1, [&](std::size_t begin, std::size_t end, std::size_t) {
            inner_parts.fetch_add(1);
            total.fetch_add(static_cast<int>(end - begin));
        });
    });
    CHECK(inner_parts.load() == 4);
    CHECK(total.load() == 400);
    CHECK(ctnn::cpu::parallel_parts(1e9, 1.0) == static_cast<std::size_t>(ctnn::get_num_threads()));
    CHECK(ctnn::cpu::parallel_parts(10, 100) == 1);  // less than a grain of work: not split
}

TEST_CASE("set_num_threads: 0 or less means one per core, and more than the cores is clamped") {
    RestoreThreads restore;
    const int cores = static_cast<int>(ctnn::cpu::ThreadPool::hardware_threads());
    ctnn::set_num_threads(0);
    CHECK(ctnn::get_num_threads() == cores);
    ctnn::set_num_threads(-3);
    CHECK(ctnn::get_num_threads() == cores);
    ctnn::set_num_threads(cores + 5);
    CHECK(ctnn::get_num_threads() == cores);
    ctnn::set_num_threads(1);
    CHECK(ctnn::get_num_threads() == 1);
}
