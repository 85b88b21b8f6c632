// PNG output for Image: encode_png (to memory) and write_png (atomic: temp file + rename,
// IoError naming the path on failure). Encoding is stb_image_write compiled with
// STB_IMAGE_WRITE_STATIC inside this header, so every translation unit gets its own
// private copy and any number of TUs can include this header. If your TU includes
// <stb/stb_image_write.h> itself, include it before this header (its implementation is
// then used) or not at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <ctnn/io/atomic_file.hpp>
#include <ctnn/io/error.hpp>
#include <ctnn/io/image.hpp>
#include <ctnn/io/stb_warnings.hpp>

#ifndef INCLUDE_STB_IMAGE_WRITE_H
CTNN_IO_STB_WARNINGS_OFF
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#undef STB_IMAGE_WRITE_IMPLEMENTATION
#undef STB_IMAGE_WRITE_STATIC
CTNN_IO_STB_WARNINGS_ON
#endif

namespace ctnn::io {

namespace detail {
inline void append_to_vector(void* context, void* data, int size) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(context);
    const auto* p = static_cast<const std::uint8_t*>(data);
    out->insert(out->end(), p, p + size);
}

inline void check_image(const Image& img, const std::filesystem::path& file) {
    if (img.width == 0 || img.height == 0)
        throw IoError(file, "cannot encode an empty image (" + std::to_string(img.width) + "x" +
                                std::to_string(img.height) + ")");
    if (img.pixels.size() != img.width * img.height * Image::channels)
        throw IoError(file, "image holds " + std::to_string(img.pixels.size()) + " bytes, " +
                                std::to_string(img.width) + "x" + std::to_string(img.height) + " RGB needs " +
                                std::to_string(img.width * img.height * Image::channels));
}
}  // namespace detail

// The PNG file bytes of `img` (8-bit RGB). `name_for_errors` labels the IoError.
inline std::vector<std::uint8_t> encode_png(const Image& img,
                                            const std::filesystem::path& name_for_errors = "<memory>") {
    detail::check_image(img, name_for_errors);
    std::vector<std::uint8_t> out;
    const int w = static_cast<int>(img.width), h = static_cast<int>(img.height);
    if (stbi_write_png_to_func(&detail::append_to_vector, &out, w, h, static_cast<int>(Image::channels),
                               img.pixels.data(), w * static_cast<int>(Image::channels)) == 0)
        throw IoError(name_for_errors, "PNG encoding failed");
    return out;
}

// Writes `img` as a PNG file, atomically replacing any previous file at `path`.
inline void write_png(const std::filesystem::path& path, const Image& img) {
    const std::vector<std::uint8_t> bytes = encode_png(img, path);
    write_file_atomic(path, std::as_bytes(std::span(bytes)));
}

}  // namespace ctnn::io
