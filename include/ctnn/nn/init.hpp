// Parameter initialisation from a ParamSpec, deterministic for a seed.
// pytorch (default): weights Kaiming-uniform with a = sqrt(5), i.e. U(-1/sqrt(fan_in), +),
// biases U(-1/sqrt(fan_in), +), exactly PyTorch's Linear/Conv defaults.
// xavier: weights U(-sqrt(6/(fan_in+fan_out)), +), biases zero.
// dcgan: weights N(0, 0.02), biases zero (Radford et al. 2015; PyTorch's DCGAN example).
// Every scheme starts BatchNorm at gamma 1, beta 0 (the ones/zeros roles), and SpectralNorm's
// u and v at unit-length normal draws.
#pragma once

#include <cmath>
#include <vector>

#include "ctnn/core/param.hpp"
#include "ctnn/core/random.hpp"

namespace ctnn {

enum class InitScheme { pytorch, xavier, dcgan };

template <class T>
inline void init_tensor(const ParamSpec& spec, InitScheme scheme, Rng& rng, T* values) {
    const std::size_t n = spec.count();
    const double fan_in = static_cast<double>(spec.fan_in), fan_out = static_cast<double>(spec.fan_out);
    double bound = 0;
    switch (spec.role) {
        case InitRole::zeros:
        case InitRole::ones:
            for (std::size_t i = 0; i < n; ++i) values[i] = spec.role == InitRole::ones ? T(1) : T(0);
            return;
        case InitRole::unit_normal: {
            double squared = 0;
            std::vector<double> draws(n);
            for (auto& d : draws) d = rng.normal(), squared += d * d;
            const double scale = squared > 0 ? 1.0 / std::sqrt(squared) : 0.0;
            for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<T>(draws[i] * scale);
            return;
        }
        case InitRole::weight:
            if (scheme == InitScheme::dcgan) {
                for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<T>(0.02 * rng.normal());
                return;
            }
            bound =
                scheme == InitScheme::xavier ? std::sqrt(6.0 / (fan_in + fan_out)) : 1.0 / std::sqrt(fan_in);
            break;
        case InitRole::bias:
            bound = scheme != InitScheme::pytorch ? 0.0 : 1.0 / std::sqrt(fan_in);
            break;
    }
    for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<T>(rng.uniform(-bound, bound));
}

}  // namespace ctnn
