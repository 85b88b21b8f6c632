// Helpers of the CUDA tests (tests/backend/cuda/*.cu, the ctnn_cuda_tests executable).
// CTNN_REQUIRE_GPU() starts every test: without a usable GPU it prints
// "SKIPPED (no usable CUDA device: <reason>)" and returns; CTest reports such a test as Skipped
// (SKIP_REGULAR_EXPRESSION in tests/backend/cuda/CMakeLists.txt). Vectors go to and from the
// device with to_device / to_host; close() compares two host vectors within a tolerance.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/cuda.hpp>

namespace ctnn::testing {

inline bool gpu_or_skip() {
    if (cuda::device_available()) return true;
    std::printf("SKIPPED (%s)\n", cuda::device_status().reason.c_str());
    std::fflush(stdout);
    return false;
}

#define CTNN_REQUIRE_GPU()                           \
    do {                                             \
        if (!::ctnn::testing::gpu_or_skip()) return; \
    } while (false)

template <class T>
cuda::DeviceBuffer<T> to_device(const std::vector<T>& host) {
    auto buffer = cuda::CuBlas::allocate<T>(host.size());
    cuda::CuBlas::from_host(host.data(), buffer.data(), host.size());
    return buffer;
}

template <class T>
std::vector<T> to_host(const T* device, std::size_t n) {
    std::vector<T> host(n);
    cuda::CuBlas::to_host(device, host.data(), n);
    return host;
}

inline std::vector<float> random_floats(std::size_t n, std::uint64_t seed, double lo = -1.0,
                                        double hi = 1.0) {
    Rng rng(seed);
    std::vector<float> values(n);
    for (auto& v : values) v = static_cast<float>(rng.uniform(lo, hi));
    return values;
}

// The worst |a - b| / max(1, |a|, |b|) over two equally long vectors (NaN if the lengths differ
// or a value is not finite in one but not the other).
inline double max_relative_error(const float* a, const float* b, std::size_t n) {
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = a[i], y = b[i];
        if (std::isfinite(x) != std::isfinite(y)) return NAN;
        if (!std::isfinite(x)) continue;
        worst = std::max(worst, std::abs(x - y) / std::max({1.0, std::abs(x), std::abs(y)}));
    }
    return worst;
}

// CHECKs that `gpu` (device memory) matches `cpu` (host memory) within tol; names `what`.
inline void check_close(const char* what, const float* cpu, const float* gpu, std::size_t n, double tol) {
    const std::vector<float> host = to_host(gpu, n);
    const double error = max_relative_error(cpu, host.data(), n);
    INFO(what << ": worst relative error " << error << " over " << n << " values (tolerance " << tol << ")");
    CHECK(error <= tol);
}

}  // namespace ctnn::testing
