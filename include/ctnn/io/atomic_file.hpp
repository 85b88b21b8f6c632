// write_file_atomic: replace a file so that readers see either the old or the new content.
// Writes `<path>.tmp-<pid>` in the same directory, fsyncs it, renames it over `path` and
// fsyncs the directory. On failure the temporary is removed, the old file is untouched and
// IoError (naming `path` and the failing step with errno text) is thrown. POSIX only;
// two threads of one process must not write the same path at once (same temp name).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>

#include <ctnn/io/error.hpp>

namespace ctnn::io {

namespace detail {

inline std::string errno_text(int err) {
    return std::string(std::strerror(err));
}

// Closes the fd and unlinks the temporary unless released; keeps the failure path simple.
class TempFile {
  public:
    TempFile(std::filesystem::path path, int fd) : m_path(std::move(path)), m_fd(fd) {}
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (m_fd >= 0) ::close(m_fd);
        if (!m_committed) ::unlink(m_path.c_str());
    }
    int fd() const { return m_fd; }
    const std::filesystem::path& path() const { return m_path; }
    // Closes the descriptor; returns 0 or the errno of close().
    int close() {
        int rc = ::close(m_fd);
        m_fd = -1;
        return rc == 0 ? 0 : errno;
    }
    void commit() { m_committed = true; }

  private:
    std::filesystem::path m_path;
    int m_fd = -1;
    bool m_committed = false;
};

inline void write_all(int fd, std::span<const std::byte> bytes, const std::filesystem::path& target) {
    const std::byte* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw IoError(target, "write failed: " + errno_text(errno));
        }
        if (n == 0) throw IoError(target, "write failed: wrote 0 bytes");
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

inline void fsync_directory(const std::filesystem::path& dir, const std::filesystem::path& target) {
    int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw IoError(target, "cannot open directory for fsync: " + errno_text(errno));
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    // Some file systems cannot fsync a directory (EINVAL); the rename itself has happened.
    if (rc != 0 && err != EINVAL) throw IoError(target, "fsync of directory failed: " + errno_text(err));
}

}  // namespace detail

// Writes the concatenation of `chunks` to `path` atomically (see the header comment).
inline void write_file_atomic(const std::filesystem::path& path,
                              std::span<const std::span<const std::byte>> chunks) {
    if (path.empty() || !path.has_filename()) throw IoError(path, "not a file path");
    std::filesystem::path tmp = path;
    tmp += ".tmp-" + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw IoError(path,
                      "cannot create temporary file " + tmp.string() + ": " + detail::errno_text(errno));
    detail::TempFile file(tmp, fd);
    for (std::span<const std::byte> chunk : chunks) detail::write_all(file.fd(), chunk, path);
    if (::fsync(file.fd()) != 0) throw IoError(path, "fsync failed: " + detail::errno_text(errno));
    if (int err = file.close(); err != 0) throw IoError(path, "close failed: " + detail::errno_text(err));
    if (::rename(tmp.c_str(), path.c_str()) != 0)
        throw IoError(path, "cannot rename " + tmp.string() + " into place: " + detail::errno_text(errno));
    file.commit();
    detail::fsync_directory(path.parent_path(), path);
}

inline void write_file_atomic(const std::filesystem::path& path, std::span<const std::byte> bytes) {
    std::span<const std::byte> one[] = {bytes};
    write_file_atomic(path, std::span<const std::span<const std::byte>>(one));
}

}  // namespace ctnn::io
