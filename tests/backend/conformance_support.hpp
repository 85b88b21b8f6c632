// What the backend conformance tests (layer_ops_conformance.hpp, train_ops_conformance.hpp)
// share: seeded uniform inputs, the same on every platform, and Memory<B>, which moves host
// vectors to backend memory and back with B::from_host / B::to_host.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <ctnn/core/random.hpp>

namespace ctnn::testing {

// n values uniform in [lo, hi) from Rng(seed).
inline std::vector<float> uniform_floats(std::size_t n, std::uint64_t seed, double lo = -1.0,
                                         double hi = 1.0) {
    Rng rng(seed);
    std::vector<float> values(n);
    for (auto& v : values) v = static_cast<float>(rng.uniform(lo, hi));
    return values;
}

template <class B>
struct Memory {
    // Backend memory holding a copy of host.
    template <class U>
    static typename B::template buffer<U> upload(const std::vector<U>& host) {
        auto buffer = B::template allocate<U>(host.size());
        B::from_host(host.data(), buffer.data(), host.size());
        return buffer;
    }
    // n zeros in backend memory.
    template <class U>
    static typename B::template buffer<U> zeros(std::size_t n) {
        return B::template allocate<U>(n);
    }
    // n values of backend memory, on the host.
    template <class U>
    static std::vector<U> download(const U* device, std::size_t n) {
        std::vector<U> host(n);
        B::to_host(device, host.data(), n);
        return host;
    }
};

}  // namespace ctnn::testing
