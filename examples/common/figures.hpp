// The examples' pictures, in their own translation unit (figures.cpp: PNG encoding, charts):
// grids of grayscale digits with optional captions, and curves of a History's columns. The grid
// size is checked before anything is drawn (check_grid: too many images for one PNG is refused
// naming the option, before generating them).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "history.hpp"

namespace examples {

namespace fs = std::filesystem;

// Throws naming `option` ("--count 250000") when `count` h x w images would not fit one PNG grid.
void check_grid(std::size_t count, std::size_t h, std::size_t w, const std::string& option);

// A grid of `count` h x w images (values in [lo, hi]) to `path` (atomically): `columns` columns
// (0: square-ish), each pixel 2x2 (3x3 with captions), `pad` pixels between tiles.
void write_grid(const fs::path& path, const float* images, std::size_t count, std::size_t h, std::size_t w,
                float lo, float hi, const std::vector<std::string>& captions = {}, std::size_t columns = 0,
                std::size_t pad = 2);

// One chart of `history`'s columns against its first (the epoch): curves = {label, column}.
void plot_history(const fs::path& path, const std::string& title, const History& history,
                  const std::vector<std::pair<std::string, std::string>>& curves, const std::string& ylabel);

}  // namespace examples
