// IoError: the one exception type thrown by ctnn::io for file and format problems.
// Every message names the file and says what is wrong, e.g.
//   "ctnn::io: runs/ckpt.safetensors: tensor 'fc1.weight': data_offsets [0, 96] exceed ...".
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ctnn::io {

struct IoError : std::runtime_error {
    // `file` is the path (or a name such as "<memory>") the problem is about.
    IoError(const std::filesystem::path& file, std::string_view what)
        : std::runtime_error("ctnn::io: " + file.string() + ": " + std::string(what)), m_file(file) {}

    const std::filesystem::path& file() const noexcept { return m_file; }

  private:
    std::filesystem::path m_file;
};

}  // namespace ctnn::io
