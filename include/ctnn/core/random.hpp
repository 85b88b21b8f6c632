// Deterministic random numbers: the same seed gives the same weights, shuffles and dropout
// masks on every platform (no std:: distributions, whose output is implementation-defined).
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace ctnn {

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
        do value = m_engine(); while (value >= limit);
        return value % bound;
    }

    // Standard normal by Box-Muller (one value per call; simple and platform-independent).
    double normal() {
        double u1;
        do u1 = uniform01(); while (u1 <= 0.0);
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
            do z = normal(); while (std::abs(z) > bound);
        } else {
            do z = uniform(-bound, bound); while (uniform01() >= std::exp(-0.5 * z * z));
        }
        return z;
    }

private:
    std::mt19937_64 m_engine;
};

}  // namespace ctnn
