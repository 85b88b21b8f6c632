// Scratch directories for the io tests: a fresh, empty directory per test under
// CTNN_TEST_OUTPUT_DIR (set by tests/CMakeLists.txt) or the system temp directory, and
// fixed-name output directories for the pictures worth looking at.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace ctnn::io::test {

inline std::filesystem::path scratch_dir(const std::string& name) {
#ifdef CTNN_TEST_OUTPUT_DIR
    std::filesystem::path base = CTNN_TEST_OUTPUT_DIR;
#else
    std::filesystem::path base = std::filesystem::temp_directory_path() / "ctnn-io-tests";
#endif
    static std::atomic<int> counter{0};
    auto dir = base / ("io-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

// A fixed directory (emptied first) for pictures a person may want to open after the run.
inline std::filesystem::path output_dir(const std::string& name) {
#ifdef CTNN_TEST_OUTPUT_DIR
    std::filesystem::path dir = std::filesystem::path(CTNN_TEST_OUTPUT_DIR) / ("io-" + name);
#else
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "ctnn-io-tests" / ("io-" + name);
#endif
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

inline std::vector<char> read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_all(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
}

// The root of the source tree, where tests/fixtures lives (tests run from it).
inline std::filesystem::path source_dir() {
#ifdef CTNN_SOURCE_DIR
    return CTNN_SOURCE_DIR;
#else
    return std::filesystem::current_path();
#endif
}

}  // namespace ctnn::io::test
