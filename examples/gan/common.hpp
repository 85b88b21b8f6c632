// What gan's subcommands share, compiled once in common.cpp: the terminal check, checkpoint
// metadata lookup and image grids of 28x28 digits as PNG.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <ctnn/io/safetensors.hpp>

namespace gan {

namespace fs = std::filesystem;

bool on_terminal();
// The value of a safetensors metadata key, or "" when absent.
std::string metadata(const ctnn::io::SafetensorsFile& file, const std::string& key);
// A square-ish grid of 28x28 images in [lo, hi].
void write_grid(const fs::path& path, const float* images, std::size_t count, float lo, float hi,
                const std::vector<std::string>& captions = {});

}  // namespace gan
