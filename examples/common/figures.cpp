// The examples' pictures (figures.hpp).
#include "figures.hpp"

#include <cmath>
#include <stdexcept>

#include <ctnn/io/grid.hpp>
#include <ctnn/io/plot.hpp>
#include <ctnn/io/png.hpp>

namespace examples {

namespace {

constexpr std::size_t scale_of(bool captions) {
    return captions ? 3 : 2;
}
constexpr std::size_t default_pad = 2;
constexpr std::size_t max_grid_pixels = std::size_t{1} << 26;  // 8192 x 8192

std::size_t square_columns(std::size_t count) {
    return static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(count))));
}

}  // namespace

void check_grid(std::size_t count, std::size_t h, std::size_t w, const std::string& option) {
    const std::size_t cols = square_columns(count), rows = count ? (count + cols - 1) / cols : 0;
    const double width = double(cols) * double(w * scale_of(false) + default_pad) + default_pad,
                 height = double(rows) * double(h * scale_of(false) + default_pad) + default_pad;
    if (width * height > double(max_grid_pixels))
        throw std::invalid_argument(
            option + ": a grid of " + std::to_string(count) + " images of " + std::to_string(h) + "x" +
            std::to_string(w) + " would be " + std::to_string(std::size_t(width)) + "x" +
            std::to_string(std::size_t(height)) + " pixels, more than one PNG of at most " +
            std::to_string(max_grid_pixels) + " pixels holds (write a .npy file for that many)");
}

void write_grid(const fs::path& path, const float* images, std::size_t count, std::size_t h, std::size_t w,
                float lo, float hi, const std::vector<std::string>& captions, std::size_t columns,
                std::size_t pad) {
    const std::size_t cols = columns ? columns : square_columns(count);
    ctnn::io::write_png(path, ctnn::io::image_grid(images, count, h, w, cols, lo, hi,
                                                   scale_of(!captions.empty()), pad, captions));
}

void plot_history(const fs::path& path, const std::string& title, const History& history,
                  const std::vector<std::pair<std::string, std::string>>& curves, const std::string& ylabel) {
    if (history.rows() == 0) return;
    const std::vector<double> epochs = history.column("epoch");
    std::vector<ctnn::io::Series> series;
    for (const auto& [label, column] : curves) series.push_back({label, epochs, history.column(column)});
    ctnn::io::plot_lines(path, title, series, "epoch", ylabel);
}

}  // namespace examples
