// image_grid: lays out `count` grayscale h x w float images (row-major, one after the
// other) as a grid with `cols` columns, each pixel a scale x scale block mapped [lo, hi]
// -> black..white, `pad` white pixels between tiles and an optional caption under each
// tile ("7 (0.98)", "true 4 / pred 9"), optionally coloured per tile. grid_size() gives the
// picture's size for the same arguments without any pixels, so a program can refuse a grid that
// is too large (over 32768 pixels either way) before it generates the images; no size overflows.
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include <ctnn/io/image.hpp>

namespace ctnn::io {

inline constexpr std::size_t max_grid_side = 32768;  // pixels, each way

struct GridSize {
    std::size_t cols = 0, rows = 0;     // tiles
    std::size_t width = 0, height = 0;  // pixels
};

// The layout image_grid makes of `count` h x w tiles (cell_w / cell_h: tiles widened by captions,
// 0 for none). Throws std::invalid_argument naming the sizes when an argument is 0 or the picture
// would exceed max_grid_side pixels either way; the arithmetic cannot wrap around.
inline GridSize grid_size(std::size_t count, std::size_t h, std::size_t w, std::size_t cols,
                          std::size_t scale = 2, std::size_t pad = 2, std::size_t caption_w = 0,
                          std::size_t caption_h = 0) {
    const auto fail = [](const std::string& what) {
        throw std::invalid_argument("ctnn::io::image_grid: " + what);
    };
    if (count == 0 || h == 0 || w == 0 || cols == 0 || scale == 0)
        fail("count, h, w, cols and scale must be > 0");
    const std::size_t limit = max_grid_side;
    GridSize g;
    g.cols = std::min(cols, count);
    g.rows = count / g.cols + (count % g.cols != 0);
    const std::string what = "a grid of " + std::to_string(count) + " images of " + std::to_string(h) + "x" +
                             std::to_string(w) + " in " + std::to_string(g.cols) + " columns";
    const auto too_large = [&](const std::string& detail) {
        fail(what + " would be " + detail + " (at most " + std::to_string(limit) + " pixels each way)");
    };
    if (w > limit || h > limit || scale > limit || pad > limit || caption_w > limit || caption_h > limit)
        too_large("made of tiles or gaps that large");
    const std::size_t cell_w = std::max(w * scale, caption_w), cell_h = h * scale + caption_h;  // <= 2^31
    if (g.cols > limit) too_large(std::to_string(g.cols) + " tiles wide");
    if (g.rows > limit) too_large(std::to_string(g.rows) + " tiles tall");
    g.width = g.cols * cell_w + (g.cols + 1) * pad;  // every term <= 2^31: no overflow
    g.height = g.rows * cell_h + (g.rows + 1) * pad;
    if (g.width > limit || g.height > limit)
        too_large(std::to_string(g.width) + "x" + std::to_string(g.height) + " pixels");
    return g;
}

inline Image image_grid(const float* images, std::size_t count, std::size_t h, std::size_t w,
                        std::size_t cols, float lo, float hi, std::size_t scale = 2, std::size_t pad = 2,
                        const std::vector<std::string>& captions = {},
                        const std::vector<Rgb>& caption_colors = {}) {
    const auto fail = [](const std::string& what) {
        throw std::invalid_argument("ctnn::io::image_grid: " + what);
    };
    grid_size(count, h, w, cols, scale, pad);  // refuses zeros and oversized grids before any work
    if (images == nullptr) fail("images is null");
    if (!captions.empty() && captions.size() != count)
        fail(std::to_string(captions.size()) + " captions for " + std::to_string(count) + " images");
    if (!caption_colors.empty() && caption_colors.size() != count)
        fail(std::to_string(caption_colors.size()) + " caption colors for " + std::to_string(count) +
             " images");
    if (!(hi > lo)) fail("need hi > lo");
    const std::size_t tile_w = w * scale, tile_h = h * scale;
    std::size_t caption_w = 0, caption_h = 0;
    for (const auto& c : captions) {
        caption_w = std::max(caption_w, static_cast<std::size_t>(Image::text_width(c)) + 2);
        caption_h = std::max(caption_h, static_cast<std::size_t>(Image::text_height(c)) + 2);
    }
    const GridSize size = grid_size(count, h, w, cols, scale, pad, caption_w, caption_h);
    cols = size.cols;
    const std::size_t cell_w = std::max(tile_w, caption_w);
    const std::size_t cell_h = tile_h + caption_h;
    Image img(size.width, size.height, colors::white);
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
