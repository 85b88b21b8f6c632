// read_bytes: a whole file in memory, transparently gunzipped when it starts with the gzip
// magic 1f 8b (decode_bytes does the same for bytes already in memory). Sizes are capped
// (max_bytes, default 1 GiB) before and while reading, so a hostile or corrupt file cannot
// make us allocate more; every problem throws DataError.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <ctnn/data/error.hpp>

namespace ctnn::data {

// Largest file, or decompressed stream, the loaders accept (MNIST's largest file is 47 MB).
inline constexpr std::size_t max_file_bytes = std::size_t{1} << 30;

// The bytes of a file and whether they came out of a gzip stream.
struct FileBytes {
    std::vector<std::uint8_t> bytes;
    bool gzip = false;
};

namespace detail {

inline bool has_gzip_magic(const std::uint8_t* p, std::size_t n) {
    return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

// The raw bytes of a regular, non-empty file of at most max_bytes.
inline std::vector<std::uint8_t> read_raw(const std::filesystem::path& path, std::size_t max_bytes) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) throw data_error(path, "file not found");
    if (ec) throw data_error(path, "cannot access file (" + ec.message() + ")");
    if (st.type() == fs::file_type::directory) throw data_error(path, "is a directory, expected a file");
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) throw data_error(path, "cannot read file size (" + ec.message() + ")");
    if (size == 0) throw data_error(path, "file is empty");
    if (size > max_bytes) {
        throw data_error(path, "file is " + std::to_string(size) + " bytes, over the limit of " +
                                   std::to_string(max_bytes) + " bytes");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw data_error(path, "cannot open file for reading");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (static_cast<std::uintmax_t>(in.gcount()) != size) {
        throw data_error(path, "read error: got " + std::to_string(in.gcount()) + " of " +
                                   std::to_string(size) + " bytes");
    }
    return bytes;
}

// Decompresses a gzip file image (one or more concatenated members), at most max_bytes out.
inline std::vector<std::uint8_t> gunzip(const std::vector<std::uint8_t>& in,
                                        const std::filesystem::path& path, std::size_t max_bytes) {
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw data_error(path, "zlib: cannot initialise inflate");
    struct End {
        z_stream* z;
        ~End() { inflateEnd(z); }
    } end{&zs};

    std::vector<std::uint8_t> out;
    std::array<std::uint8_t, 1 << 16> chunk;
    std::size_t fed = 0;  // bytes of `in` handed to zlib so far
    for (;;) {
        if (zs.avail_in == 0 && fed < in.size()) {
            const std::size_t n = std::min<std::size_t>(in.size() - fed, UINT_MAX);
            zs.next_in = const_cast<Bytef*>(in.data() + fed);
            zs.avail_in = static_cast<uInt>(n);
            fed += n;
        }
        zs.next_out = chunk.data();
        zs.avail_out = static_cast<uInt>(chunk.size());
        const int ret = inflate(&zs, Z_NO_FLUSH);
        const std::size_t produced = chunk.size() - zs.avail_out;
        if (produced > max_bytes - out.size()) {
            throw data_error(path, "gzip data decompresses to more than the limit of " +
                                       std::to_string(max_bytes) + " bytes");
        }
        out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(produced));
        const std::size_t consumed = fed - zs.avail_in;
        if (ret == Z_STREAM_END) {
            const std::size_t rest = in.size() - consumed;
            if (rest == 0) return out;
            if (!has_gzip_magic(in.data() + consumed, rest)) {
                throw data_error(path, "trailing garbage: " + std::to_string(rest) +
                                           " bytes after the end of the gzip stream");
            }
            inflateReset(&zs);  // another gzip member follows (as `cat a.gz b.gz` makes)
            continue;
        }
        if (ret != Z_OK && ret != Z_BUF_ERROR) {
            const std::string why = zs.msg ? std::string(zs.msg) : "error " + std::to_string(ret);
            throw data_error(path, "corrupt gzip data (zlib: " + why + ")");
        }
        if (zs.avail_in == 0 && fed == in.size() && zs.avail_out != 0) {
            throw data_error(path, "truncated gzip stream: the compressed data ends after " +
                                       std::to_string(in.size()) + " bytes, before the end of the stream (" +
                                       std::to_string(out.size()) + " bytes decompressed so far)");
        }
    }
}

}  // namespace detail

// A file image already in memory, gunzipped if it starts with 1f 8b; `name` labels errors.
// May be empty (the format parsers say so). The parsers' in-memory entry points use this.
inline FileBytes decode_bytes(std::vector<std::uint8_t> bytes, const std::filesystem::path& name,
                              std::size_t max_bytes = max_file_bytes) {
    if (bytes.size() > max_bytes) {
        throw detail::data_error(name, "file is " + std::to_string(bytes.size()) +
                                           " bytes, over the limit of " + std::to_string(max_bytes) +
                                           " bytes");
    }
    FileBytes f;
    f.bytes = std::move(bytes);
    if (detail::has_gzip_magic(f.bytes.data(), f.bytes.size())) {
        f.bytes = detail::gunzip(f.bytes, name, max_bytes);
        f.gzip = true;
    }
    return f;
}

// The contents of `path`, gunzipped if the file starts with 1f 8b.
inline FileBytes read_bytes(const std::filesystem::path& path, std::size_t max_bytes = max_file_bytes) {
    return decode_bytes(detail::read_raw(path, max_bytes), path, max_bytes);
}

}  // namespace ctnn::data
