// The run directory (run_dir.hpp).
#include "run_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <ctnn/io/atomic_file.hpp>

namespace examples {

void make_output_directory(const fs::path& dir, const std::string& option) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw std::runtime_error("cannot create the " + option + " directory " + dir.string() + ": " +
                                 (ec ? ec.message() : std::string("a file of that name exists")));
    if (::access(dir.c_str(), W_OK) != 0)
        throw std::runtime_error("cannot write to " + option + " " + dir.string() + ": " +
                                 std::strerror(errno));
}

RunDir::RunDir(fs::path dir, std::string option) : m_dir(std::move(dir)) {
    make_output_directory(m_dir, option);
    const fs::path lock = m_dir / ".lock";
    m_lock_fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (m_lock_fd < 0)
        throw std::runtime_error(option + " " + m_dir.string() + ": cannot open the lock file " +
                                 lock.string() + ": " + std::strerror(errno));
    if (::flock(m_lock_fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        std::string holder;
        std::ifstream(lock) >> holder;
        ::close(m_lock_fd);
        m_lock_fd = -1;
        if (err == EWOULDBLOCK)
            throw std::runtime_error(option + " " + m_dir.string() + " is in use by another run (pid " +
                                     (holder.empty() ? std::string("unknown") : holder) + ", lock " +
                                     lock.string() + "); give this run another " + option);
        throw std::runtime_error(option + " " + m_dir.string() + ": cannot lock " + lock.string() + ": " +
                                 std::strerror(err));
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(m_lock_fd, 0) != 0 ||
        ::pwrite(m_lock_fd, pid.data(), pid.size(), 0) != ssize_t(pid.size()))
        throw std::runtime_error(option + " " + m_dir.string() + ": cannot write the lock file " +
                                 lock.string() + ": " + std::strerror(errno));
}

RunDir::~RunDir() {
    if (m_lock_fd >= 0) ::close(m_lock_fd);  // closing releases the flock
}

fs::path RunDir::subdirectory(const fs::path& name) const {
    const fs::path dir = m_dir / name;
    make_output_directory(dir, "output");
    return dir;
}

void RunDir::write(const fs::path& name, std::span<const std::byte> bytes) const {
    ctnn::io::write_file_atomic(m_dir / name, bytes);
}

void RunDir::write(const fs::path& name, std::string_view text) const {
    write(name, std::as_bytes(std::span(text.data(), text.size())));
}

void RunDir::write_json(const fs::path& name, const nlohmann::json& value) const {
    write(name, value.dump(2) + '\n');
}

void RunDir::remove(const fs::path& name) const {
    std::error_code ec;
    fs::remove(m_dir / name, ec);
    if (ec) throw std::runtime_error("cannot remove " + (m_dir / name).string() + ": " + ec.message());
}

void write_file(const fs::path& path, std::string_view text) {
    ctnn::io::write_file_atomic(path, std::as_bytes(std::span(text.data(), text.size())));
}

}  // namespace examples
