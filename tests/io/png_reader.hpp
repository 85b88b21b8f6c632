// Test helper: decode a PNG file back into an Image with stb_image (a private static copy
// per test TU, so several test files may include this).
#pragma once

#include <ctnn/io/image.hpp>
#include <ctnn/io/stb_warnings.hpp>

#include <filesystem>
#include <stdexcept>

CTNN_IO_STB_WARNINGS_OFF
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>
#undef STB_IMAGE_IMPLEMENTATION
CTNN_IO_STB_WARNINGS_ON

namespace ctnn::io::test {

// Reads an 8-bit PNG as RGB; `channels_in_file` receives the stored channel count.
inline Image read_png(const std::filesystem::path& path, int* channels_in_file = nullptr) {
    int w = 0, h = 0, n = 0;
    unsigned char* data = stbi_load(path.c_str(), &w, &h, &n, 3);
    if (data == nullptr)
        throw std::runtime_error("stb_image cannot read " + path.string() + ": " + stbi_failure_reason());
    Image img(static_cast<std::size_t>(w), static_cast<std::size_t>(h));
    img.pixels.assign(data, data + static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
    stbi_image_free(data);
    if (channels_in_file) *channels_in_file = n;
    return img;
}

}  // namespace ctnn::io::test
