// Heatmaps as PNG files, made for confusion matrices: plot_heatmap colours each cell of a
// rows x cols matrix white-to-blue by value, writes the value in the cell (integers as
// counts, otherwise 3 significant digits), labels rows and columns (rotated when wide),
// adds axis labels, a title and a colour scale. render_heatmap returns the Image.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <ctnn/io/chart.hpp>
#include <ctnn/io/image.hpp>
#include <ctnn/io/png.hpp>

namespace ctnn::io {

struct HeatmapOptions {
    bool annotate = true;  // write each value in its cell (when it fits)
    std::string xlabel;    // under the column labels, e.g. "predicted"
    std::string ylabel;    // left of the row labels, e.g. "true"
    std::size_t cell = 0;  // cell side in pixels; 0 fits the matrix into about 480 pixels
};

// data: rows * cols values, row-major. Labels may be empty (then 0, 1, 2, ...).
inline Image render_heatmap(const std::string& title, std::size_t rows, std::size_t cols,
                            std::span<const double> data, const std::vector<std::string>& row_labels = {},
                            const std::vector<std::string>& col_labels = {}, const HeatmapOptions& opt = {}) {
    const auto fail = [](const std::string& what) {
        throw std::invalid_argument("ctnn::io::plot_heatmap: " + what);
    };
    if (rows == 0 || cols == 0 || rows > 1000 || cols > 1000) fail("rows and cols must be in 1..1000");
    if (data.size() != rows * cols)
        fail(std::to_string(data.size()) + " values for a " + std::to_string(rows) + "x" +
             std::to_string(cols) + " matrix");
    if (!row_labels.empty() && row_labels.size() != rows) fail("row_labels must be empty or one per row");
    if (!col_labels.empty() && col_labels.size() != cols) fail("col_labels must be empty or one per column");
    const auto row_label = [&](std::size_t r) {
        return row_labels.empty() ? std::to_string(r) : row_labels[r];
    };
    const auto col_label = [&](std::size_t c) {
        return col_labels.empty() ? std::to_string(c) : col_labels[c];
    };

    double vmin = std::numeric_limits<double>::infinity(), vmax = -vmin;
    bool integral = true;
    for (double v : data) {
        if (!std::isfinite(v)) continue;
        vmin = std::min(vmin, v), vmax = std::max(vmax, v);
        integral = integral && v == std::round(v) && std::abs(v) < 1e9;
    }
    if (vmin > vmax) vmin = 0, vmax = 1;  // no finite value at all
    const auto format = [integral](double v) {
        char buf[32];
        if (std::isnan(v)) return std::string("nan");
        std::snprintf(buf, sizeof buf, integral ? "%.0f" : "%.3g", v);
        return std::string(buf);
    };

    const int cell =
        static_cast<int>(opt.cell ? opt.cell : std::clamp<std::size_t>(480 / std::max(rows, cols), 12, 64));
    int row_w = 0, col_w = 0;
    for (std::size_t r = 0; r < rows; ++r) row_w = std::max(row_w, Image::text_width(row_label(r)));
    for (std::size_t c = 0; c < cols; ++c) col_w = std::max(col_w, Image::text_width(col_label(c)));
    const bool vertical_cols = col_w > cell - 4;
    const int col_h = vertical_cols ? col_w : 10;
    const std::string scale_hi = format(vmax), scale_lo = format(vmin);
    const int scale_w = std::max(Image::text_width(scale_hi), Image::text_width(scale_lo));

    const int left = 10 + (opt.ylabel.empty() ? 0 : 16) + row_w + 6, top = title.empty() ? 12 : 40;
    const int mw = static_cast<int>(cols) * cell, mh = static_cast<int>(rows) * cell;
    const int bar_x = left + mw + 16, bar_w = 14;
    const int width = std::max(bar_x + bar_w + 6 + scale_w + 12, Image::text_width(title, 2) + 20);
    const int height = top + mh + 6 + col_h + (opt.xlabel.empty() ? 0 : 22) + 10;
    Image img(static_cast<std::size_t>(width), static_cast<std::size_t>(height), colors::white);

    const auto shade = [&](double v) { return vmax > vmin ? (v - vmin) / (vmax - vmin) : 0.0; };
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) {
            const double v = data[r * cols + c];
            const int x = left + static_cast<int>(c) * cell, y = top + static_cast<int>(r) * cell;
            const double t = shade(v);
            img.fill_rect(x, y, cell, cell, std::isnan(v) ? colors::light_gray : blues(t));
            if (!opt.annotate) continue;
            const std::string text = format(v);
            const int tw = Image::text_width(text);
            if (tw > cell - 2 || cell < 10) continue;
            img.draw_text(x + (cell - tw) / 2, y + (cell - 7) / 2, text,
                          t > 0.55 ? colors::white : colors::black);
        }
    img.draw_rect(left - 1, top - 1, mw + 2, mh + 2, colors::gray);

    for (std::size_t r = 0; r < rows; ++r) {
        const std::string s = row_label(r);
        img.draw_text(left - 6 - Image::text_width(s), top + static_cast<int>(r) * cell + (cell - 7) / 2, s,
                      colors::black);
    }
    for (std::size_t c = 0; c < cols; ++c) {
        const std::string s = col_label(c);
        const int cx = left + static_cast<int>(c) * cell + cell / 2;
        if (vertical_cols)
            draw_text_vertical(img, cx - 5, top + mh + 6 + (col_w - Image::text_width(s)), s, colors::black);
        else
            img.draw_text(cx - Image::text_width(s) / 2, top + mh + 6, s, colors::black);
    }

    // Colour scale: max at the top, min at the bottom.
    for (int y = 0; y < mh; ++y)
        img.fill_rect(bar_x, top + y, bar_w, 1, blues(1.0 - y / std::max(mh - 1.0, 1.0)));
    img.draw_rect(bar_x - 1, top - 1, bar_w + 2, mh + 2, colors::gray);
    img.draw_text(bar_x + bar_w + 6, top, scale_hi, colors::black);
    img.draw_text(bar_x + bar_w + 6, top + mh - 8, scale_lo, colors::black);

    img.draw_text((width - Image::text_width(title, 2)) / 2, 10, title, colors::black, 2);
    img.draw_text(left + (mw - Image::text_width(opt.xlabel)) / 2, top + mh + 6 + col_h + 10, opt.xlabel,
                  colors::black);
    draw_text_vertical(img, 8, top + (mh - Image::text_width(opt.ylabel)) / 2, opt.ylabel, colors::black);
    return img;
}

// The same from a vector of equal-length rows of any arithmetic type (counts, rates).
template <class T>
requires std::is_arithmetic_v<T> Image render_heatmap(const std::string& title,
                                                      const std::vector<std::vector<T>>& matrix,
                                                      const std::vector<std::string>& row_labels = {},
                                                      const std::vector<std::string>& col_labels = {},
                                                      const HeatmapOptions& opt = {}) {
    const std::size_t cols = matrix.empty() ? 0 : matrix.front().size();
    std::vector<double> flat;
    for (const auto& row : matrix) {
        if (row.size() != cols)
            throw std::invalid_argument("ctnn::io::plot_heatmap: rows of different lengths");
        flat.insert(flat.end(), row.begin(), row.end());
    }
    return render_heatmap(title, matrix.size(), cols, flat, row_labels, col_labels, opt);
}

// Writes render_heatmap(...) to `path` as a PNG (atomically; IoError naming the path).
inline void plot_heatmap(const std::filesystem::path& path, const std::string& title, std::size_t rows,
                         std::size_t cols, std::span<const double> data,
                         const std::vector<std::string>& row_labels = {},
                         const std::vector<std::string>& col_labels = {}, const HeatmapOptions& opt = {}) {
    write_png(path, render_heatmap(title, rows, cols, data, row_labels, col_labels, opt));
}

template <class T>
requires std::is_arithmetic_v<T>
void plot_heatmap(const std::filesystem::path& path, const std::string& title,
                  const std::vector<std::vector<T>>& matrix, const std::vector<std::string>& row_labels = {},
                  const std::vector<std::string>& col_labels = {}, const HeatmapOptions& opt = {}) {
    write_png(path, render_heatmap(title, matrix, row_labels, col_labels, opt));
}

}  // namespace ctnn::io
