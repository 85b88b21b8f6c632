// gan's shared helpers (common.hpp).
#include "common.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include <ctnn/io/grid.hpp>
#include <ctnn/io/png.hpp>

namespace gan {

using namespace ctnn;

bool on_terminal() {
    return ::isatty(::fileno(stderr)) != 0;
}

std::string metadata(const io::SafetensorsFile& file, const std::string& key) {
    const auto it = file.metadata.find(key);
    return it == file.metadata.end() ? std::string() : it->second;
}

void write_grid(const fs::path& path, const float* images, std::size_t count, float lo, float hi,
                const std::vector<std::string>& captions) {
    const auto cols = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(count))));
    io::write_png(path,
                  io::image_grid(images, count, 28, 28, cols, lo, hi, captions.empty() ? 2 : 3, 2, captions));
}

}  // namespace gan
