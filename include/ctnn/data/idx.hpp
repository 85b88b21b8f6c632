// IDX files (the format MNIST ships in): read_idx_images -> N x rows x cols bytes and
// read_idx_labels -> N bytes, from raw or gzip files (detected by the magic 1f 8b), or from
// bytes in memory (read_idx_*_bytes). The header is checked (magic 0x00000803 / 0x00000801:
// unsigned-byte data of rank 3 / 1) and its dimensions are checked against the bytes
// actually present before anything is allocated.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <span>
#include <string>

#include <ctnn/data/error.hpp>
#include <ctnn/data/file.hpp>
#include <ctnn/detail/xtensor.hpp>

namespace ctnn::data {
namespace detail {

inline std::string hex(std::uint32_t v, int digits) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%0*x", digits, static_cast<unsigned>(v));
    return buf;
}
inline std::string hex32(std::uint32_t v) {
    return hex(v, 8);
}

inline const char* idx_type_name(std::uint8_t t) {
    switch (t) {
        case 0x08:
            return "unsigned byte";
        case 0x09:
            return "signed byte";
        case 0x0B:
            return "short";
        case 0x0C:
            return "int";
        case 0x0D:
            return "float";
        case 0x0E:
            return "double";
        default:
            return "unknown type";
    }
}

inline const char* idx_rank_meaning(std::size_t rank) {
    return rank == 3 ? "images" : rank == 1 ? "labels" : "neither images nor labels";
}

// Checks an IDX header of unsigned-byte data of rank Rank and that the data after it is exactly
// the size the dimensions say. One item (an image: dims 1..Rank-1) must fit in max_bytes even
// when there are 0 items, so the tensor's strides cannot overflow. Returns the dimensions; the
// data starts at byte 4 + 4 * Rank.
template <std::size_t Rank>
std::array<std::size_t, Rank> check_idx(const FileBytes& f, const std::filesystem::path& path,
                                        std::size_t max_bytes) {
    const auto& b = f.bytes;
    const std::string after = f.gzip ? " (after gzip decompression)" : "";
    const std::uint32_t expected_magic = 0x0800u + Rank;
    const std::string expected = hex32(expected_magic) + " (unsigned-byte " + idx_rank_meaning(Rank) +
                                 ", rank " + std::to_string(Rank) + ")";
    if (b.empty()) throw data_error(path, "file is empty" + after);
    if (b.size() < 4) {
        throw data_error(path, "too short for an IDX file: " + std::to_string(b.size()) + " bytes" + after +
                                   ", the magic number alone is 4; expected magic " + expected);
    }
    const std::uint32_t magic = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                                (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
    if (b[0] != 0 || b[1] != 0) {
        throw data_error(path,
                         "not an IDX file: wrong magic number " + hex32(magic) + ", expected " + expected);
    }
    if (b[2] != 0x08) {
        throw data_error(path, "wrong magic number " + hex32(magic) + ": IDX data type " + hex(b[2], 2) +
                                   " (" + idx_type_name(b[2]) +
                                   ") is not supported, expected 0x08 (unsigned "
                                   "byte); expected magic " +
                                   expected);
    }
    if (b[3] != Rank) {
        throw data_error(path, "wrong magic number " + hex32(magic) + ": IDX rank " + std::to_string(b[3]) +
                                   " (" + idx_rank_meaning(b[3]) + "), expected rank " +
                                   std::to_string(Rank) + " (" + idx_rank_meaning(Rank) +
                                   "); expected magic " + expected);
    }
    const std::size_t header = 4 + 4 * Rank;
    if (b.size() < header) {
        throw data_error(path, "truncated header: an IDX header of rank " + std::to_string(Rank) + " is " +
                                   std::to_string(header) + " bytes, the file has " +
                                   std::to_string(b.size()) + after);
    }
    std::array<std::size_t, Rank> dims{};
    std::string shape;
    std::size_t need = 1;
    bool overflow = false;
    for (std::size_t i = 0; i < Rank; ++i) {
        const std::uint8_t* p = b.data() + 4 + 4 * i;
        dims[i] = (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) | p[3];
        shape += (i ? " x " : "") + std::to_string(dims[i]);
        if (dims[i] != 0 && need > std::numeric_limits<std::size_t>::max() / dims[i])
            overflow = true;
        else
            need *= dims[i];
    }
    const std::size_t have = b.size() - header;
    const std::string says = "the header's dimensions " + shape + " need ";
    if (overflow || need > have) {
        throw data_error(path, "truncated data: " + says +
                                   (overflow ? "more than 2^64" : std::to_string(need)) +
                                   " bytes, but only " + std::to_string(have) + " bytes follow the " +
                                   std::to_string(header) + "-byte header" + after +
                                   "; the dimensions disagree with the file size");
    }
    if (need < have) {
        throw data_error(path, "trailing garbage: " + says + std::to_string(need) + " bytes, but " +
                                   std::to_string(have) + " bytes follow the " + std::to_string(header) +
                                   "-byte header" + after + " (" + std::to_string(have - need) + " extra)");
    }
    std::size_t item = 1;  // bytes per item, as the tensor's strides multiply them (0 items pass above)
    for (std::size_t i = Rank; i-- > 1;) {
        if (__builtin_mul_overflow(item, dims[i], &item) || item > max_bytes) {
            throw data_error(path, "absurd dimensions " + shape + ": one item of " +
                                       shape.substr(shape.find(" x ") + 3) + " bytes is over the limit of " +
                                       std::to_string(max_bytes) + " bytes");
        }
    }
    return dims;
}

inline xt::xtensor<std::uint8_t, 3> idx_images(const FileBytes& f, const std::filesystem::path& name,
                                               std::size_t max_bytes) {
    const auto dims = check_idx<3>(f, name, max_bytes);
    auto out = xt::xtensor<std::uint8_t, 3>::from_shape({dims[0], dims[1], dims[2]});
    std::copy(f.bytes.begin() + 16, f.bytes.end(), out.data());
    return out;
}

inline xt::xtensor<std::uint8_t, 1> idx_labels(const FileBytes& f, const std::filesystem::path& name,
                                               std::size_t max_bytes) {
    const auto dims = check_idx<1>(f, name, max_bytes);
    auto out = xt::xtensor<std::uint8_t, 1>::from_shape({dims[0]});
    std::copy(f.bytes.begin() + 8, f.bytes.end(), out.data());
    return out;
}

}  // namespace detail

// An IDX rank-3 unsigned-byte file (magic 0x00000803): N x rows x cols pixels.
inline xt::xtensor<std::uint8_t, 3> read_idx_images(const std::filesystem::path& path,
                                                    std::size_t max_bytes = max_file_bytes) {
    return detail::idx_images(read_bytes(path, max_bytes), path, max_bytes);
}

// An IDX rank-1 unsigned-byte file (magic 0x00000801): N labels.
inline xt::xtensor<std::uint8_t, 1> read_idx_labels(const std::filesystem::path& path,
                                                    std::size_t max_bytes = max_file_bytes) {
    return detail::idx_labels(read_bytes(path, max_bytes), path, max_bytes);
}

// As read_idx_images / read_idx_labels, from a file image in memory (raw or gzip);
// `name` labels the DataError (the fuzzers and callers with their own I/O use these).
inline xt::xtensor<std::uint8_t, 3> read_idx_images_bytes(std::span<const std::uint8_t> bytes,
                                                          const std::filesystem::path& name,
                                                          std::size_t max_bytes = max_file_bytes) {
    return detail::idx_images(decode_bytes({bytes.begin(), bytes.end()}, name, max_bytes), name, max_bytes);
}
inline xt::xtensor<std::uint8_t, 1> read_idx_labels_bytes(std::span<const std::uint8_t> bytes,
                                                          const std::filesystem::path& name,
                                                          std::size_t max_bytes = max_file_bytes) {
    return detail::idx_labels(decode_bytes({bytes.begin(), bytes.end()}, name, max_bytes), name, max_bytes);
}

}  // namespace ctnn::data
