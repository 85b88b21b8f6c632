// Helpers for tests/data: a temporary directory removed at scope exit, writers for tiny IDX,
// gzip and text files, and CHECK_DATA_ERROR(expr, "part", ...), which checks that expr throws
// ctnn::data::DataError with a message containing every part.
#pragma once

#include <doctest/doctest.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <ctnn/data/error.hpp>

namespace ctnn::data::test {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

class TempDir {
  public:
    TempDir() {
        static std::atomic<unsigned> counter{0};
        const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
        m_path = fs::temp_directory_path() / ("ctnn-data-test-" + std::to_string(std::random_device{}()) +
                                              "-" + std::to_string(now) + "-" + std::to_string(counter++));
        fs::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const fs::path& path() const { return m_path; }
    fs::path operator/(const std::string& name) const { return m_path / name; }

  private:
    fs::path m_path;
};

inline void write_file(const fs::path& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("test helper: cannot write " + path.string());
}

inline void write_text(const fs::path& path, const std::string& text) {
    write_file(path, Bytes(text.begin(), text.end()));
}

inline void append_be32(Bytes& b, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

// An IDX file image: magic, big-endian dimensions, then data.
inline Bytes idx_bytes(std::uint32_t magic, const std::vector<std::uint32_t>& dims, const Bytes& data) {
    Bytes b;
    append_be32(b, magic);
    for (const auto d : dims) append_be32(b, d);
    b.insert(b.end(), data.begin(), data.end());
    return b;
}

// A gzip member holding `data` (windowBits 16 + 15 asks zlib for the gzip wrapper).
inline Bytes gzip_bytes(const Bytes& data, int level = Z_BEST_COMPRESSION) {
    z_stream zs{};
    if (deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("test helper: deflateInit2 failed");
    }
    Bytes out(deflateBound(&zs, static_cast<uLong>(data.size())) + 64);
    zs.next_in = const_cast<Bytef*>(data.data());
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    const int ret = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (ret != Z_STREAM_END) throw std::runtime_error("test helper: deflate failed");
    return out;
}

// The message of the DataError f throws, or a marker that none was thrown.
template <class F>
std::string data_error_message(F&& f) {
    try {
        f();
    } catch (const DataError& e) {
        return e.what();
    }
    return "<no DataError thrown>";
}

}  // namespace ctnn::data::test

#define CHECK_DATA_ERROR(expr, ...)                                                                  \
    do {                                                                                             \
        const std::string ctnn_msg_ = ::ctnn::data::test::data_error_message([&] { (void)(expr); }); \
        INFO("DataError message: ", ctnn_msg_);                                                      \
        for (const std::string& ctnn_part_ : std::vector<std::string>{__VA_ARGS__}) {                \
            CHECK_MESSAGE(ctnn_msg_.find(ctnn_part_) != std::string::npos,                           \
                          "expected to contain: ", ctnn_part_);                                      \
        }                                                                                            \
    } while (0)
