// Deterministic random numbers: the same seed gives the same weights, shuffles and dropout
// masks on every platform (no std:: distributions, whose output is implementation-defined).
// Rng: a seeded stream (weights, shuffles, latents). detail::dropout_hash / dropout_key /
// dropout_keep: counter-based hashes for per-element draws (dropout masks, instance noise), which
// any body can evaluate on its own (a GPU thread too: constexpr).
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace ctnn {

namespace detail {
// SplitMix64's output function: a well-mixed 64-bit hash of x.
constexpr std::uint64_t dropout_hash(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// The key of one draw: the draw numbered `counter` of the stream `seed` (a dropout mask per
// train forward).
constexpr std::uint64_t dropout_key(std::uint64_t seed, std::uint64_t counter) {
    return dropout_hash(dropout_hash(seed) ^ counter);
}

// Element `index` survives when the top 32 bits of its hash are >= threshold = P * 2^32,
// i.e. with probability 1 - P (integer arithmetic: no floating-point rounding between platforms).
constexpr bool dropout_keep(std::uint64_t key, std::uint64_t index, std::uint64_t threshold) {
    return (dropout_hash(key + index) >> 32) >= threshold;
}
}  // namespace detail

// The seed of rank `rank`'s own draws in data-parallel training (Dropout masks, latents, instance
// noise): seed itself on rank 0, so one rank draws what a single process draws, and an
// independent SplitMix64 mix of (seed, rank) on the others.
inline std::uint64_t rank_seed(std::uint64_t seed, int rank) {
    if (rank == 0) return seed;
    const auto r = static_cast<std::uint64_t>(rank);
    return detail::dropout_hash(detail::dropout_hash(seed ^ 0x72616e6bull) + r);
}

class Rng {
  public:
    explicit Rng(std::uint64_t seed = 0) : m_engine(seed) {}

    std::uint64_t next_u64() { return m_engine(); }

    // Uniform in [0, 1) with 24 (float) or 53 (double) random bits.
    double uniform01() { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }

    // Unbiased integer in [0, bound) (Lemire's method without the multiply trick: rejection).
    std::uint64_t below(std::uint64_t bound) {
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
        std::uint64_t value;
        do value = m_engine();
        while (value >= limit);
        return value % bound;
    }

    // Standard normal by Box-Muller (one value per call; simple and platform-independent).
    double normal() {
        double u1;
        do u1 = uniform01();
        while (u1 <= 0.0);
        const double u2 = uniform01();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }

    // Standard normal conditioned on |z| <= bound (the GAN "truncation trick": latents near the
    // mode give cleaner, less varied samples). bound <= 0 or infinite: normal(). Bounds of 1 or
    // more redraw normals (at least 68% accepted); smaller ones draw z uniform in [-bound, bound]
    // and keep it with probability exp(-z^2 / 2) (at least 60% accepted), so no bound is slow.
    double truncated_normal(double bound) {
        if (!(bound > 0.0) || std::isinf(bound)) return normal();
        double z;
        if (bound >= 1.0) {
            do z = normal();
            while (std::abs(z) > bound);
        } else {
            do z = uniform(-bound, bound);
            while (uniform01() >= std::exp(-0.5 * z * z));
        }
        return z;
    }

  private:
    std::mt19937_64 m_engine;
};

}  // namespace ctnn
