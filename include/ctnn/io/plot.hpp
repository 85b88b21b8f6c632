// Line charts as PNG files a person can open: plot_lines draws any number of named
// series (loss, accuracy, ...) with automatic "nice" axes, tick labels, grid lines, a
// legend, axis labels and a title (default 800x500). render_lines returns the Image.
// Also includes heatmap.hpp (plot_heatmap, for confusion matrices).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <ctnn/io/chart.hpp>
#include <ctnn/io/heatmap.hpp>
#include <ctnn/io/image.hpp>
#include <ctnn/io/png.hpp>

namespace ctnn::io {

// One curve. Leave x empty to plot y against 1, 2, ..., n (epochs, steps).
// Non-finite points are skipped and break the line.
struct Series {
    std::string name;
    std::vector<double> x;
    std::vector<double> y;
};

namespace detail {
inline double series_x(const Series& s, std::size_t i) {
    return s.x.empty() ? static_cast<double>(i + 1) : s.x[i];
}
}  // namespace detail

inline Image render_lines(const std::string& title, const std::vector<Series>& series,
                          const std::string& xlabel, const std::string& ylabel, std::size_t width = 800,
                          std::size_t height = 500) {
    if (width < 200 || height < 150)
        throw std::invalid_argument("ctnn::io::plot_lines: image smaller than 200x150");
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    for (const Series& s : series) {
        if (!s.x.empty() && s.x.size() != s.y.size())
            throw std::invalid_argument("ctnn::io::plot_lines: series '" + s.name + "' has " +
                                        std::to_string(s.x.size()) + " x values and " +
                                        std::to_string(s.y.size()) + " y values");
        for (std::size_t i = 0; i < s.y.size(); ++i) {
            const double x = detail::series_x(s, i), y = s.y[i];
            if (!std::isfinite(x) || !std::isfinite(y)) continue;
            x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
        }
    }
    const Ticks xt = nice_ticks(x0, x1, 8), yt = nice_ticks(y0, y1, 6);

    Image img(width, height, colors::white);
    int ytick_w = 0;
    for (double v : yt.values) ytick_w = std::max(ytick_w, Image::text_width(format_tick(v, yt.step)));
    const int left = 12 + (ylabel.empty() ? 0 : 16) + ytick_w + 6;
    const int top = title.empty() ? 16 : 40, right = 20, bottom = xlabel.empty() ? 30 : 48;
    const int pw = img.w() - left - right, ph = img.h() - top - bottom;
    const auto px = [&](double x) {
        return left + static_cast<int>(std::lround((x - xt.lo) / (xt.hi - xt.lo) * (pw - 1)));
    };
    const auto py = [&](double y) {
        return top + ph - 1 - static_cast<int>(std::lround((y - yt.lo) / (yt.hi - yt.lo) * (ph - 1)));
    };

    // Grid, ticks and tick labels.
    for (double v : xt.values) {
        const int x = px(v);
        img.fill_rect(x, top, 1, ph, colors::light_gray);
        img.fill_rect(x, top + ph, 1, 4, colors::black);
        const std::string label = format_tick(v, xt.step);
        img.draw_text(x - Image::text_width(label) / 2, top + ph + 7, label, colors::black);
    }
    for (double v : yt.values) {
        const int y = py(v);
        img.fill_rect(left, y, pw, 1, colors::light_gray);
        img.fill_rect(left - 4, y, 4, 1, colors::black);
        const std::string label = format_tick(v, yt.step);
        img.draw_text(left - 7 - Image::text_width(label), y - 4, label, colors::black);
    }
    img.draw_rect(left, top, pw, ph, colors::black);

    // Curves; a marker on each point when there are few.
    for (std::size_t k = 0; k < series.size(); ++k) {
        const Series& s = series[k];
        const Rgb c = palette_color(k);
        const bool markers = s.y.size() <= 40;
        bool have_prev = false;
        int prev_x = 0, prev_y = 0;
        for (std::size_t i = 0; i < s.y.size(); ++i) {
            const double x = detail::series_x(s, i), y = s.y[i];
            if (!std::isfinite(x) || !std::isfinite(y)) {
                have_prev = false;
                continue;
            }
            const int cx = px(x), cy = py(y);
            if (have_prev) img.draw_line(prev_x, prev_y, cx, cy, c, 2);
            if (markers || s.y.size() == 1) img.fill_rect(cx - 2, cy - 2, 5, 5, c);
            have_prev = true;
            prev_x = cx, prev_y = cy;
        }
    }

    // Legend, top right inside the plot area.
    int legend_w = 0, named = 0;
    for (const Series& s : series)
        if (!s.name.empty()) legend_w = std::max(legend_w, Image::text_width(s.name)), ++named;
    if (named > 0) {
        const int lw = legend_w + 40, lh = named * 16 + 8, lx = left + pw - lw - 8, ly = top + 8;
        img.fill_rect(lx, ly, lw, lh, colors::white);
        img.draw_rect(lx, ly, lw, lh, colors::gray);
        int row = 0;
        for (std::size_t k = 0; k < series.size(); ++k) {
            if (series[k].name.empty()) continue;
            const int y = ly + 8 + row++ * 16;
            img.fill_rect(lx + 6, y + 2, 22, 3, palette_color(k));
            img.draw_text(lx + 34, y - 1, series[k].name, colors::black);
        }
    }

    // Title and axis labels.
    img.draw_text((img.w() - Image::text_width(title, 2)) / 2, 10, title, colors::black, 2);
    img.draw_text(left + (pw - Image::text_width(xlabel)) / 2, top + ph + 26, xlabel, colors::black);
    draw_text_vertical(img, 8, top + (ph - Image::text_width(ylabel)) / 2, ylabel, colors::black);
    return img;
}

// Writes render_lines(...) to `path` as a PNG (atomically; IoError naming the path).
inline void plot_lines(const std::filesystem::path& path, const std::string& title,
                       const std::vector<Series>& series, const std::string& xlabel,
                       const std::string& ylabel, std::size_t width = 800, std::size_t height = 500) {
    write_png(path, render_lines(title, series, xlabel, ylabel, width, height));
}

}  // namespace ctnn::io
