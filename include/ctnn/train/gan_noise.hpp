// Per-element random bodies for GAN training, backend-neutral (a GPU kernel can run them):
// hashed_normal(key, i) is a standard normal for element i of the draw `key` (Box-Muller on
// the two 32-bit halves of a SplitMix64 hash), the same on every platform. add_gaussian_noise
// adds std * hashed_normal to n values in backend memory (instance noise on D's inputs).
#pragma once

#include <cmath>
#include <cstdint>

#include "ctnn/layers/dropout.hpp"  // detail::dropout_hash, detail::dropout_key

namespace ctnn {

namespace detail {
template <class T>
inline CTNN_HD T hashed_normal(std::uint64_t key, std::uint64_t index) {
    const std::uint64_t h = dropout_hash(key + index);
    const double u1 = (static_cast<double>(h >> 40) + 1.0) * 0x1.0p-24;  // (0, 1]: log is finite
    const double u2 = static_cast<double>(h & 0xFFFFFFu) * 0x1.0p-24;    // [0, 1)
    return static_cast<T>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
}
}  // namespace detail

// x[i] += std * N(0, 1), drawn from (key, i). Nothing to do when std is 0.
template <class B, class T>
void add_gaussian_noise(T* x, std::size_t n, T std, std::uint64_t key) {
    if (std == T(0)) return;
    B::for_each(n, [x, std, key] CTNN_HD(std::size_t i) { x[i] += std * detail::hashed_normal<T>(key, i); });
}

}  // namespace ctnn
