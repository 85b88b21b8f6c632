// Shared helpers of the ctnn benchmarks: the thread argument, items/s and GFLOP/s counters,
// deterministic inputs. Every benchmark takes its thread count as an argument ("threads:1")
// and calls ctnn::set_num_threads with it, so one binary measures 1 and 2 threads.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include <ctnn/backend/threads.hpp>

namespace bench {

// Sets ctnn's thread knob from argument `index` of the benchmark.
inline void use_threads(benchmark::State& state, std::size_t index) {
    ctnn::set_num_threads(static_cast<int>(state.range(static_cast<int>(index))));
}

// items/s from `items` per iteration; GFLOP/s from `flops` (floating-point operations, a
// multiply-add counts 2) per iteration.
inline void report(benchmark::State& state, std::size_t items, double flops) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(items));
    state.counters["GFLOP/s"] = benchmark::Counter(flops * static_cast<double>(state.iterations()) / 1e9,
                                                   benchmark::Counter::kIsRate);
}

// n values in [-1, 1) from a fixed linear congruential sequence: the same on every run.
inline std::vector<float> inputs(std::size_t n, std::uint32_t seed = 1) {
    std::vector<float> x(n);
    std::uint32_t s = seed * 2654435761u + 1;
    for (auto& v : x) {
        s = s * 1664525u + 1013904223u;
        v = static_cast<float>(s >> 8) / 8388608.0f - 1.0f;
    }
    return x;
}

// The thread counts every benchmark runs at.
inline constexpr int thread_counts[] = {1, 2};

}  // namespace bench
