// Shared pieces of the charts in plot.hpp and heatmap.hpp: "nice" axis ticks (1-2-5
// steps covering a data range), tick-label formatting, a 10-colour categorical palette,
// a sequential white-to-blue colour map and text drawn rotated 90 degrees (y labels).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <ctnn/io/image.hpp>

namespace ctnn::io {

// Line colours, matplotlib's "tab10" (cycled beyond 10 series).
inline Rgb palette_color(std::size_t i) {
    static constexpr Rgb tab10[] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                                    {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
                                    {188, 189, 34},  {23, 190, 207}};
    return tab10[i % 10];
}

// Sequential colour map for t in [0, 1]: near-white to dark blue (matplotlib "Blues").
inline Rgb blues(double t) {
    static constexpr Rgb stops[] = {
        {247, 251, 255}, {198, 219, 239}, {107, 174, 214}, {33, 113, 181}, {8, 48, 107}};
    t = std::clamp(std::isnan(t) ? 0.0 : t, 0.0, 1.0) * 4.0;
    const auto i = std::min(static_cast<std::size_t>(t), std::size_t{3});
    const double f = t - static_cast<double>(i);
    const auto mix = [f](std::uint8_t a, std::uint8_t b) {
        return static_cast<std::uint8_t>(std::lround(a + (b - a) * f));
    };
    return {mix(stops[i].r, stops[i + 1].r), mix(stops[i].g, stops[i + 1].g),
            mix(stops[i].b, stops[i + 1].b)};
}

struct Ticks {
    double lo = 0, hi = 1, step = 1;  // the axis spans [lo, hi]; ticks at lo + k * step
    std::vector<double> values;
};

namespace detail {
// The 1, 2, 5 or 10 times a power of ten nearest to x (Heckbert's "nice numbers").
inline double nice_number(double x) {
    const double e = std::floor(std::log10(x));
    const double f = x / std::pow(10.0, e);
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * std::pow(10.0, e);
}
}  // namespace detail

// About `target` ticks at a 1-2-5 step, the axis widened outwards to whole steps so
// [lo, hi] covers [min_value, max_value]. An empty or single-valued range is widened.
inline Ticks nice_ticks(double min_value, double max_value, int target = 6) {
    if (!std::isfinite(min_value) || !std::isfinite(max_value) || min_value > max_value) {
        min_value = 0;
        max_value = 1;
    }
    if (max_value == min_value) {
        const double d = min_value == 0 ? 1.0 : std::abs(min_value) * 0.1;
        min_value -= d;
        max_value += d;
    }
    min_value = std::max(min_value, -1e300);  // keeps every difference below finite
    max_value = std::min(max_value, 1e300);
    Ticks t;
    t.step = detail::nice_number((max_value - min_value) / std::max(target - 1, 1));
    t.lo = std::floor(min_value / t.step) * t.step;
    t.hi = std::ceil(max_value / t.step) * t.step;
    const auto n = static_cast<long>(std::lround((t.hi - t.lo) / t.step));
    for (long k = 0; k <= n && k <= 1000; ++k) {
        double v = t.lo + static_cast<double>(k) * t.step;
        if (std::abs(v) < t.step * 1e-9) v = 0;  // no "-0" and no 1e-17 for zero
        t.values.push_back(v);
    }
    return t;
}

// A tick label with just enough decimals for the step ("0.25", "1500", "1e+08").
inline std::string format_tick(double v, double step) {
    char buf[48];
    if (std::abs(v) >= 1e6 || (step < 1e-4 && v != 0))
        std::snprintf(buf, sizeof buf, "%.3g", v);
    else {
        const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
        std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    }
    return buf;
}

// Draws `text` rotated 90 degrees counter-clockwise (reading bottom to top) with the
// top-left corner of its rotated box at (x, y).
inline void draw_text_vertical(Image& img, int x, int y, std::string_view text, Rgb c, int scale = 1) {
    const int tw = Image::text_width(text, scale), th = Image::text_height(text, scale);
    if (tw <= 0 || th <= 0) return;
    Image tmp(static_cast<std::size_t>(tw), static_cast<std::size_t>(th), colors::white);
    tmp.draw_text(0, 0, text, colors::black, scale);
    for (int sy = 0; sy < th; ++sy)
        for (int sx = 0; sx < tw; ++sx)
            if (tmp.pixel(static_cast<std::size_t>(sx), static_cast<std::size_t>(sy)) == colors::black)
                img.set_pixel(x + sy, y + (tw - 1 - sx), c);
}

}  // namespace ctnn::io
