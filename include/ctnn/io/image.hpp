// Image: a small RGB raster (row-major, 3 bytes per pixel) with the drawing the io code
// needs: pixels, filled and outlined rectangles, thick lines (Bresenham), text in the
// stb_easy_font bitmap font (its quads rasterized, any integer scale) and grayscale
// float tiles mapped [lo, hi] -> 0..255. Drawing outside the image is clipped silently.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <ctnn/io/stb_warnings.hpp>
CTNN_IO_STB_WARNINGS_OFF
#include <stb/stb_easy_font.h>  // every function is static: each TU gets its own copy
CTNN_IO_STB_WARNINGS_ON

namespace ctnn::io {

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
    friend bool operator==(const Rgb&, const Rgb&) = default;
};

namespace colors {
inline constexpr Rgb black{0, 0, 0};
inline constexpr Rgb white{255, 255, 255};
inline constexpr Rgb gray{128, 128, 128};
inline constexpr Rgb light_gray{220, 220, 220};
inline constexpr Rgb red{214, 39, 40};
inline constexpr Rgb nan_marker{255, 0, 255};  // blit_gray paints NaN pixels with this
}  // namespace colors

namespace detail {
// stb_easy_font indexes a 96-entry table with (c - 32): keep only printable ASCII and '\n'.
inline std::string font_safe(std::string_view text) {
    std::string s(text);
    for (char& c : s)
        if (c != '\n' && (c < 32 || c > 126)) c = '?';
    return s;
}
}  // namespace detail

struct Image {
    static constexpr std::size_t channels = 3;
    std::size_t width = 0, height = 0;
    std::vector<std::uint8_t> pixels;  // width * height * 3, row-major RGB

    Image() = default;
    Image(std::size_t w, std::size_t h, Rgb background = colors::white)
        : width(w), height(h), pixels(w * h * 3) {
        if (w > 1u << 15 || h > 1u << 15)
            throw std::invalid_argument("ctnn::io::Image: " + std::to_string(w) + "x" + std::to_string(h) +
                                        " is larger than 32768x32768");
        fill_rect(0, 0, static_cast<int>(w), static_cast<int>(h), background);
    }

    int w() const { return static_cast<int>(width); }
    int h() const { return static_cast<int>(height); }

    Rgb pixel(std::size_t x, std::size_t y) const {
        if (x >= width || y >= height) throw std::out_of_range("ctnn::io::Image::pixel: outside the image");
        const std::uint8_t* p = &pixels[(y * width + x) * 3];
        return {p[0], p[1], p[2]};
    }

    void set_pixel(int x, int y, Rgb c) {
        if (x < 0 || y < 0 || x >= w() || y >= h()) return;
        std::uint8_t* p = &pixels[(static_cast<std::size_t>(y) * width + static_cast<std::size_t>(x)) * 3];
        p[0] = c.r;
        p[1] = c.g;
        p[2] = c.b;
    }

    // Fills [x, x+w) x [y, y+h), clipped to the image.
    void fill_rect(int x, int y, int rw, int rh, Rgb c) {
        const int x0 = std::max(x, 0), x1 = std::min(x + rw, w());
        const int y0 = std::max(y, 0), y1 = std::min(y + rh, h());
        for (int yy = y0; yy < y1; ++yy)
            for (int xx = x0; xx < x1; ++xx) set_pixel(xx, yy, c);
    }

    // One-pixel outline of [x, x+w) x [y, y+h).
    void draw_rect(int x, int y, int rw, int rh, Rgb c) {
        fill_rect(x, y, rw, 1, c);
        fill_rect(x, y + rh - 1, rw, 1, c);
        fill_rect(x, y, 1, rh, c);
        fill_rect(x + rw - 1, y, 1, rh, c);
    }

    // Bresenham line from (x0, y0) to (x1, y1) inclusive, drawn with a square brush of
    // side `thickness` centred on each point.
    void draw_line(int x0, int y0, int x1, int y1, Rgb c, int thickness = 1) {
        const int dx = std::abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
        const int dy = -std::abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
        const int lo = (thickness - 1) / 2;
        int err = dx + dy;
        for (;;) {
            if (thickness <= 1)
                set_pixel(x0, y0, c);
            else
                fill_rect(x0 - lo, y0 - lo, thickness, thickness, c);
            if (x0 == x1 && y0 == y1) break;
            const int e2 = 2 * err;
            if (e2 >= dy) {
                err += dy;
                x0 += sx;
            }
            if (e2 <= dx) {
                err += dx;
                y0 += sy;
            }
        }
    }

    // Size in pixels of `text` drawn at `scale` (lines are 12 * scale apart; glyphs are
    // about 7 * scale tall above the baseline region).
    static int text_width(std::string_view text, int scale = 1) {
        std::string s = detail::font_safe(text);
        return stb_easy_font_width(s.data()) * scale;
    }
    static int text_height(std::string_view text, int scale = 1) {
        std::string s = detail::font_safe(text);
        return stb_easy_font_height(s.data()) * scale;
    }

    // Draws `text` with its top-left corner at (x, y); '\n' starts a new line.
    void draw_text(int x, int y, std::string_view text, Rgb c, int scale = 1) {
        if (text.empty() || scale < 1) return;
        std::string s = detail::font_safe(text);
        // Each quad is 4 vertices of 16 bytes; a glyph has at most ~20 segments.
        std::vector<float> buffer(s.size() * 4 * 4 * 24 + 64);
        const int quads = stb_easy_font_print(0.0f, 0.0f, s.data(), nullptr, buffer.data(),
                                              static_cast<int>(buffer.size() * sizeof(float)));
        for (int q = 0; q < quads; ++q) {
            const float* v = &buffer[static_cast<std::size_t>(q) * 16];  // 4 vertices x (x, y, z, rgba)
            float qx0 = v[0], qx1 = v[0], qy0 = v[1], qy1 = v[1];
            for (int k = 1; k < 4; ++k) {
                qx0 = std::min(qx0, v[4 * k]);
                qx1 = std::max(qx1, v[4 * k]);
                qy0 = std::min(qy0, v[4 * k + 1]);
                qy1 = std::max(qy1, v[4 * k + 1]);
            }
            const int px0 = static_cast<int>(std::lround(qx0)) * scale,
                      px1 = static_cast<int>(std::lround(qx1)) * scale;
            const int py0 = static_cast<int>(std::lround(qy0)) * scale,
                      py1 = static_cast<int>(std::lround(qy1)) * scale;
            fill_rect(x + px0, y + py0, px1 - px0, py1 - py0, c);
        }
    }

    // Draws an h x w grayscale tile (row-major floats) at (x, y), each value v as gray
    // 255 * clamp((v - lo) / (hi - lo), 0, 1), every source pixel as a scale x scale block.
    // NaN pixels are painted colors::nan_marker so they stand out.
    void blit_gray(const float* src, std::size_t th, std::size_t tw, int x, int y, float lo, float hi,
                   std::size_t scale = 1) {
        if (!(hi > lo)) throw std::invalid_argument("ctnn::io::Image::blit_gray: need hi > lo");
        const int s = static_cast<int>(scale);
        for (std::size_t r = 0; r < th; ++r)
            for (std::size_t col = 0; col < tw; ++col) {
                const float v = src[r * tw + col];
                Rgb c = colors::nan_marker;
                if (!std::isnan(v)) {
                    const float t = std::clamp((v - lo) / (hi - lo), 0.0f, 1.0f);
                    const auto g = static_cast<std::uint8_t>(std::lround(t * 255.0f));
                    c = {g, g, g};
                }
                fill_rect(x + static_cast<int>(col) * s, y + static_cast<int>(r) * s, s, s, c);
            }
    }

    // Copies `src` with its top-left corner at (x, y), clipped.
    void blit(const Image& src, int x, int y) {
        for (std::size_t r = 0; r < src.height; ++r)
            for (std::size_t col = 0; col < src.width; ++col)
                set_pixel(x + static_cast<int>(col), y + static_cast<int>(r), src.pixel(col, r));
    }
};

}  // namespace ctnn::io
