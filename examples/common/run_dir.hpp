// RunDir: the output directory of one run. Opening it creates it (with parents) and checks it
// is a writable directory, naming the option (--out) and the path when not; then it takes an
// exclusive lock (flock on <dir>/.lock, which holds the owner's pid) for as long as the RunDir
// lives, so a second run on the same directory fails at once, naming the pid that holds it. Every
// file a program writes goes through write(): atomically (ctnn::io::write_file_atomic: a
// temporary, fsync, rename), and a failure throws naming the file.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace examples {

namespace fs = std::filesystem;

class RunDir {
  public:
    // `option` names the flag the path came from, for messages ("--out").
    RunDir(fs::path dir, std::string option = "--out");
    RunDir(const RunDir&) = delete;
    RunDir& operator=(const RunDir&) = delete;
    ~RunDir();  // releases the lock

    const fs::path& path() const { return m_dir; }
    fs::path operator/(const fs::path& name) const { return m_dir / name; }
    // Creates a subdirectory (samples/), throwing naming it when it cannot.
    fs::path subdirectory(const fs::path& name) const;

    void write(const fs::path& name, std::string_view text) const;
    void write(const fs::path& name, std::span<const std::byte> bytes) const;
    void write_json(const fs::path& name, const nlohmann::json& value) const;  // 2-space indent
    // Removes a file if present (a stale output of an earlier run), naming it on failure.
    void remove(const fs::path& name) const;

  private:
    fs::path m_dir;
    int m_lock_fd = -1;
};

// A directory for outputs (`option` names the flag): created if needed; throws naming the flag
// and path when it cannot be, or is not writable.
void make_output_directory(const fs::path& dir, const std::string& option);

// text written atomically to `path` (ctnn::io::write_file_atomic), for outputs outside a RunDir.
void write_file(const fs::path& path, std::string_view text);

}  // namespace examples
