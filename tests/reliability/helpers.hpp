// Helpers for tests/reliability: a fresh scratch directory per test under CTNN_TEST_OUTPUT_DIR,
// whole-file reads, a checker that an expression throws E with a message holding every part,
// and bitwise comparison of two models' parameters, state and counters.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace ctnn::reliability {

namespace fs = std::filesystem;

inline fs::path scratch_dir(const std::string& name) {
#ifdef CTNN_TEST_OUTPUT_DIR
    const fs::path base = CTNN_TEST_OUTPUT_DIR;
#else
    const fs::path base = fs::temp_directory_path() / "ctnn-reliability-tests";
#endif
    static std::atomic<int> counter{0};
    const fs::path dir =
        base / ("reliability-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

inline std::vector<char> read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The message of the E that f throws, or a marker saying none (or another type) was thrown.
template <class E, class F>
std::string error_message(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("<wrong exception type: ") + e.what() + ">";
    }
    return "<nothing thrown>";
}

// Bitwise equality of n floats (so -0.0 != 0.0 and a NaN equals the same NaN).
inline bool same_bits(const float* a, const float* b, std::size_t n) {
    return std::memcmp(a, b, n * sizeof(float)) == 0;
}

}  // namespace ctnn::reliability

// CHECK_THROWS_PARTS(E, expr, "part", ...): expr throws E whose message contains every part.
#define CHECK_THROWS_PARTS(E, expr, ...)                                                            \
    do {                                                                                            \
        const std::string ctnn_msg_ = ::ctnn::reliability::error_message<E>([&] { (void)(expr); }); \
        INFO("message: ", ctnn_msg_);                                                               \
        for (const std::string& ctnn_part_ : std::vector<std::string>{__VA_ARGS__})                 \
            CHECK_MESSAGE(ctnn_msg_.find(ctnn_part_) != std::string::npos,                          \
                          "expected to contain: ", ctnn_part_);                                     \
    } while (0)
