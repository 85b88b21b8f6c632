// Deterministic shuffling shared by split() and Batches. std::mt19937_64 is fully specified
// by the standard; seeds are derived from (seed, stream, index) with splitmix64, bounded
// draws are unbiased (rejection) and the shuffle is a hand-written Fisher-Yates, so one seed
// gives the same order with every standard library (std::shuffle and
// std::uniform_int_distribution are implementation-defined).
#pragma once

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <random>
#include <span>
#include <utility>

namespace ctnn::data::detail {

// Independent streams, so that split() and Batches with one seed do not share an order.
inline constexpr std::uint64_t split_stream = 0x73706c6974ull;    // "split"
inline constexpr std::uint64_t batches_stream = 0x6261746368ull;  // "batch"

inline std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

inline std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
    return splitmix64(splitmix64(splitmix64(seed) ^ stream) ^ index);
}

// Uniform in [0, bound), bound > 0: reject the lowest 2^64 mod bound outputs, then reduce.
inline std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t bound) {
    const std::uint64_t threshold = (std::uint64_t{0} - bound) % bound;
    for (;;) {
        const std::uint64_t x = rng();
        if (x >= threshold) return x % bound;
    }
}

// Fisher-Yates, from the back: v[i] swaps with a uniform v[j], j in [0, i].
inline void shuffle(std::span<std::size_t> v, std::mt19937_64& rng) {
    for (std::size_t i = v.size(); i > 1; --i) {
        const auto j = static_cast<std::size_t>(uniform_below(rng, i));
        std::swap(v[i - 1], v[j]);
    }
}

// Writes the identity into v, then shuffles it with a generator seeded from (seed, stream, index).
inline void permutation(std::span<std::size_t> v, std::uint64_t seed, std::uint64_t stream,
                        std::uint64_t index) {
    std::iota(v.begin(), v.end(), std::size_t{0});
    std::mt19937_64 rng(mix_seed(seed, stream, index));
    shuffle(v, rng);
}

}  // namespace ctnn::data::detail
