// write_npy: a float32 array as a NumPy .npy file (format 1.0), written atomically: the magic,
// the version, the header length, a dict ('<f4', C order, the shape) padded with spaces to a
// multiple of 64 bytes and ended by '\n', then the raw little-endian values. numpy.load reads it.
//   io::write_npy("digits.npy", images, {count, 28, 28});
#pragma once

#include <bit>
#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>

#include "ctnn/io/atomic_file.hpp"

namespace ctnn::io {

inline void write_npy(const std::filesystem::path& path, const float* values,
                      std::initializer_list<std::size_t> shape) {
    static_assert(std::endian::native == std::endian::little,
                  "write_npy writes the host's float bytes as '<f4'");
    std::size_t count = 1;
    std::string dims;
    for (std::size_t d : shape) {
        if (d != 0 && count > static_cast<std::size_t>(-1) / sizeof(float) / d)
            throw std::invalid_argument(path.string() + ": the array is too large to write");
        count *= d;
        dims += std::to_string(d) + ", ";
    }
    // "(3,)" for one axis, "(3, 28, 28)" for more, "()" for none.
    if (!dims.empty()) dims.resize(dims.size() - (shape.size() == 1 ? 1 : 2));
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    const std::size_t preamble = 10;  // magic (6) + version (2) + header length (2)
    header.append(63 - (preamble + header.size()) % 64, ' ');
    header += '\n';
    if (header.size() > 0xFFFF) throw std::invalid_argument(path.string() + ": the .npy header is too long");
    std::string bytes = "\x93NUMPY";
    bytes += '\x01';
    bytes += '\x00';
    bytes += static_cast<char>(header.size() & 0xFF);
    bytes += static_cast<char>(header.size() >> 8);
    bytes += header;
    const auto* raw = reinterpret_cast<const std::byte*>(values);
    const std::span<const std::byte> chunks[] = {std::as_bytes(std::span(bytes)),
                                                 std::span(raw, count * sizeof(float))};
    write_file_atomic(path, std::span<const std::span<const std::byte>>(chunks));
}

}  // namespace ctnn::io
