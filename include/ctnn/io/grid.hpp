// image_grid: lays out `count` grayscale h x w float images (row-major, one after the
// other) as a grid with `cols` columns, each pixel a scale x scale block mapped [lo, hi]
// -> black..white, `pad` white pixels between tiles and an optional caption under each
// tile ("7 (0.98)", "true 4 / pred 9"), optionally coloured per tile.
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include <ctnn/io/image.hpp>

namespace ctnn::io {

inline Image image_grid(const float* images, std::size_t count, std::size_t h, std::size_t w,
                        std::size_t cols, float lo, float hi, std::size_t scale = 2, std::size_t pad = 2,
                        const std::vector<std::string>& captions = {},
                        const std::vector<Rgb>& caption_colors = {}) {
    const auto fail = [](const std::string& what) {
        throw std::invalid_argument("ctnn::io::image_grid: " + what);
    };
    if (count == 0 || h == 0 || w == 0 || cols == 0 || scale == 0)
        fail("count, h, w, cols and scale must be > 0");
    if (images == nullptr) fail("images is null");
    if (!captions.empty() && captions.size() != count)
        fail(std::to_string(captions.size()) + " captions for " + std::to_string(count) + " images");
    if (!caption_colors.empty() && caption_colors.size() != count)
        fail(std::to_string(caption_colors.size()) + " caption colors for " + std::to_string(count) +
             " images");
    if (!(hi > lo)) fail("need hi > lo");
    cols = std::min(cols, count);
    const std::size_t rows = (count + cols - 1) / cols;
    const std::size_t tile_w = w * scale, tile_h = h * scale;
    std::size_t caption_w = 0, caption_h = 0;
    for (const auto& c : captions) {
        caption_w = std::max(caption_w, static_cast<std::size_t>(Image::text_width(c)) + 2);
        caption_h = std::max(caption_h, static_cast<std::size_t>(Image::text_height(c)) + 2);
    }
    const std::size_t cell_w = std::max(tile_w, caption_w), cell_h = tile_h + caption_h;
    const std::size_t width = cols * cell_w + (cols + 1) * pad, height = rows * cell_h + (rows + 1) * pad;
    if (width > 1u << 15 || height > 1u << 15) fail("the grid would exceed 32768x32768 pixels");
    Image img(width, height, colors::white);
    for (std::size_t i = 0; i < count; ++i) {
        const auto cx = static_cast<int>(pad + (i % cols) * (cell_w + pad));
        const auto cy = static_cast<int>(pad + (i / cols) * (cell_h + pad));
        const int tx = cx + static_cast<int>((cell_w - tile_w) / 2);
        img.blit_gray(images + i * h * w, h, w, tx, cy, lo, hi, scale);
        if (captions.empty()) continue;
        const int text_x = cx + (static_cast<int>(cell_w) - Image::text_width(captions[i])) / 2;
        img.draw_text(text_x, cy + static_cast<int>(tile_h) + 2, captions[i],
                      caption_colors.empty() ? colors::black : caption_colors[i]);
    }
    return img;
}

}  // namespace ctnn::io
