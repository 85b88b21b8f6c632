// The one safe writer for every output file (checkpoints, PNG, NPY, CSV logs, JSON): readers see
// either the old content or the new, never a torn file, and a planted link is never followed.
// write_file_atomic(path, bytes) / AtomicFile (stream into memory, then commit()):
//   1. `path` is refused unless it is absent or a regular file (a symlink, FIFO, device or
//      directory at that name is named in the IoError and left alone);
//   2. a temporary `<name>.tmp-<pid>-<random>` is created in the same directory the mkstemp way
//      (O_CREAT | O_EXCL | O_NOFOLLOW: an existing file or link at that name is never opened);
//   3. every write is checked (short writes resumed, errors thrown), then fsync and close;
//   4. rename over `path` (which replaces a link planted meanwhile, never its target), fsync the
//      directory. Any failure removes the temporary, keeps the old file and throws IoError
//      naming `path` and the failing step. POSIX only.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <string_view>

#include <ctnn/io/error.hpp>

namespace ctnn::io {

namespace detail {

inline std::string errno_text(int err) {
    return std::string(std::strerror(err));
}

inline const char* file_kind(mode_t mode) {
    if (S_ISLNK(mode)) return "a symbolic link";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

// Closes the fd and unlinks the temporary unless committed; keeps the failure path simple.
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

// Writes every byte or throws IoError naming `target` (a short write is resumed; a write that
// makes no progress, e.g. on a full disk, is an error).
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

// 12 random characters [a-z0-9] for a temporary name (random_device: not guessable from the pid).
inline std::string random_suffix() {
    constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device rd;
    std::string s;
    for (int i = 0; i < 12; ++i) s += alphabet[rd() % 36];
    return s;
}

// Opens a file that must not exist yet: anything at `path`, a symbolic link included, makes it
// fail with EEXIST (returns -1, errno set) and is left alone.
inline int open_new_file(const std::filesystem::path& path) {
    return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
}

// Creates the temporary next to `target` (O_CREAT | O_EXCL | O_NOFOLLOW), retrying on a name clash.
inline TempFile create_temporary(const std::filesystem::path& target) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::filesystem::path tmp = target;
        tmp += ".tmp-" + std::to_string(::getpid()) + "-" + random_suffix();
        const int fd = open_new_file(tmp);
        if (fd >= 0) return TempFile(tmp, fd);
        if (errno != EEXIST)
            throw IoError(target, "cannot create a temporary file in " +
                                      (target.has_parent_path() ? target.parent_path().string() : ".") +
                                      ": " + errno_text(errno));
    }
    throw IoError(target, "cannot create a temporary file: 100 random names were all taken");
}

// The permission bits of the regular file at `path`, or -1 when nothing is there; IoError for
// anything else (lstat: a symbolic link is refused as such, never followed).
inline int output_path_mode(const std::filesystem::path& path) {
    if (path.empty() || !path.has_filename() || path.filename() == "." || path.filename() == "..")
        throw IoError(path, "not a file path");
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return -1;
        throw IoError(path, "cannot check the output path: " + errno_text(errno));
    }
    if (!S_ISREG(st.st_mode))
        throw IoError(path, std::string("is ") + file_kind(st.st_mode) +
                                "; refusing to replace it (outputs are only written to regular files)");
    return static_cast<int>(st.st_mode & 07777);
}

}  // namespace detail

// Throws IoError naming `path` unless it names nothing yet or a regular file (a symbolic link,
// FIFO, device or directory is refused). Returns true when a regular file is there.
inline bool check_output_path(const std::filesystem::path& path) {
    return detail::output_path_mode(path) >= 0;
}

// Writes the concatenation of `chunks` to `path` atomically (see the header comment). A file
// that is replaced keeps its permission bits; a new one gets 0666 less the umask.
inline void write_file_atomic(const std::filesystem::path& path,
                              std::span<const std::span<const std::byte>> chunks) {
    const int mode = detail::output_path_mode(path);
    detail::TempFile file = detail::create_temporary(path);
    if (mode >= 0 && ::fchmod(file.fd(), static_cast<mode_t>(mode)) != 0)
        throw IoError(path,
                      "cannot copy the permissions to the temporary file: " + detail::errno_text(errno));
    for (std::span<const std::byte> chunk : chunks) detail::write_all(file.fd(), chunk, path);
    if (::fsync(file.fd()) != 0) throw IoError(path, "fsync failed: " + detail::errno_text(errno));
    if (int err = file.close(); err != 0) throw IoError(path, "close failed: " + detail::errno_text(err));
    if (::rename(file.path().c_str(), path.c_str()) != 0)
        throw IoError(path,
                      "cannot rename " + file.path().string() + " into place: " + detail::errno_text(errno));
    file.commit();
    detail::fsync_directory(path.parent_path(), path);
}

inline void write_file_atomic(const std::filesystem::path& path, std::span<const std::byte> bytes) {
    std::span<const std::byte> one[] = {bytes};
    write_file_atomic(path, std::span<const std::span<const std::byte>>(one));
}

// Text (JSON, CSV) written atomically.
inline void write_file_atomic(const std::filesystem::path& path, std::string_view text) {
    write_file_atomic(path, std::as_bytes(std::span(text.data(), text.size())));
}

// The streaming form: write into stream() (or append()), then commit() replaces `path` atomically
// with what was written. Nothing touches the disk before commit(); an AtomicFile destroyed
// uncommitted (an exception on the way) leaves the old file as it was. The path is checked at
// construction too, so a refused target fails before the content is computed.
//   io::AtomicFile out("runs/x/eval.json");
//   out.stream() << result.dump(2) << '\n';
//   out.commit();
class AtomicFile {
  public:
    explicit AtomicFile(std::filesystem::path path) : m_path(std::move(path)) { check_output_path(m_path); }

    const std::filesystem::path& path() const { return m_path; }
    std::ostream& stream() { return m_stream; }
    void append(std::string_view text) { m_stream << text; }
    std::string_view text() const { return m_stream.view(); }

    // Writes the content; throws IoError naming the file on any failure (the stream included).
    void commit() {
        if (!m_stream) throw IoError(m_path, "formatting the content failed (stream error)");
        write_file_atomic(m_path, m_stream.view());
    }

  private:
    std::filesystem::path m_path;
    std::ostringstream m_stream;
};

}  // namespace ctnn::io
