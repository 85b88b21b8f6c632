// Tests for io/atomic_file.hpp, the one safe writer: content replaced whole, a symlink planted at
// the target or at temporary names never followed, a FIFO / directory / device target refused
// naming it, and a failing write (full device, file size limit) reported naming the file with
// the old content kept. CsvLog, write_png and write_npy go through it (checked here too).
#include <ctnn/io/atomic_file.hpp>
#include <ctnn/io/csv_log.hpp>
#include <ctnn/io/npy.hpp>
#include <ctnn/io/png.hpp>

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "scratch.hpp"

using namespace ctnn::io;
using ctnn::io::test::scratch_dir;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
    const auto bytes = ctnn::io::test::read_all(p);
    return std::string(bytes.begin(), bytes.end());
}
doctest::Contains has(const std::string& text) {
    return doctest::Contains(text.c_str());
}
// Only the target itself (and `keep`) may be in dir: no temporary left behind.
std::size_t entries(const fs::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}
}  // namespace

TEST_SUITE("io") {
    TEST_CASE("atomic_file: replaces the content whole, keeps the permissions, leaves no temporary") {
        const auto dir = scratch_dir("atomic");
        const auto path = dir / "out.txt";
        write_file_atomic(path, std::string_view("first\n"));
        CHECK(slurp(path) == "first\n");
        REQUIRE(::chmod(path.c_str(), 0640) == 0);
        const std::string a = "sec", b = "ond\n";
        const std::span<const std::byte> chunks[] = {std::as_bytes(std::span(a)),
                                                     std::as_bytes(std::span(b))};
        write_file_atomic(path, std::span<const std::span<const std::byte>>(chunks));
        CHECK(slurp(path) == "second\n");
        struct stat st {};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK((st.st_mode & 07777) == 0640);
        CHECK(entries(dir) == 1);
        fs::remove_all(dir);
    }

    TEST_CASE("atomic_file: the streaming form writes nothing before commit()") {
        const auto dir = scratch_dir("atomic-stream");
        const auto path = dir / "eval.json";
        {
            AtomicFile out(path);
            out.stream() << "{\"fid\": " << 1.5 << "}";
            out.append("\n");
            CHECK(!fs::exists(path));
            CHECK(out.text() == "{\"fid\": 1.5}\n");
            out.commit();
        }
        CHECK(slurp(path) == "{\"fid\": 1.5}\n");
        {
            AtomicFile abandoned(path);  // destroyed uncommitted (an exception on the way)
            abandoned.stream() << "half";
        }
        CHECK(slurp(path) == "{\"fid\": 1.5}\n");
        CHECK(entries(dir) == 1);
        fs::remove_all(dir);
    }

    TEST_CASE("atomic_file: a symlink planted at the target is refused, naming it; its target is untouched") {
        const auto dir = scratch_dir("atomic-link");
        const auto victim = dir / "victim.txt";
        ctnn::io::test::write_all(victim, "precious\n");
        const auto path = dir / "model.safetensors";
        fs::create_symlink(victim, path);
        CHECK_THROWS_WITH_AS(write_file_atomic(path, std::string_view("evil")),
                             has(path.string() + ": is a symbolic link; refusing"), IoError);
        CHECK_THROWS_WITH_AS(AtomicFile{path}, has("is a symbolic link"), IoError);
        CHECK_THROWS_WITH_AS(CsvLog(path, {"a"}), has(path.string() + ": is a symbolic link"), IoError);
        CHECK_THROWS_WITH_AS(CsvLog(path, {"a"}, /*append=*/true), has("is a symbolic link"), IoError);
        CHECK(fs::is_symlink(path));
        CHECK(slurp(victim) == "precious\n");
        CHECK(entries(dir) == 2);
        fs::remove_all(dir);
    }

    TEST_CASE("atomic_file: symlinks planted at likely temporary names are never followed") {
        const auto dir = scratch_dir("atomic-tmp-links");
        const auto victim = dir / "victim.txt";
        ctnn::io::test::write_all(victim, "precious\n");
        const auto path = dir / "model.safetensors";
        const std::string pid = std::to_string(::getpid());
        // The old predictable names, and a spread of names of the new pattern.
        std::vector<fs::path> planted;
        const std::vector<std::string> suffixes = {".tmp", ".tmp-" + pid, ".tmp-" + pid + "-",
                                                   ".tmp-" + pid + "-0"};
        for (const auto& suffix : suffixes) planted.push_back(fs::path(path.string() + suffix));
        const std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (char c : alphabet)
            planted.push_back(fs::path(path.string() + ".tmp-" + pid + "-" + std::string(12, c)));
        for (const auto& p : planted) fs::create_symlink(victim, p);

        for (int round = 0; round < 20; ++round) write_file_atomic(path, std::string_view("new content\n"));
        CHECK(!fs::is_symlink(path));
        CHECK(fs::is_regular_file(path));
        CHECK(slurp(path) == "new content\n");
        CHECK(slurp(victim) == "precious\n");
        for (const auto& p : planted) CHECK(fs::read_symlink(p) == victim);
        CHECK(entries(dir) == 2 + planted.size());  // no temporary left

        // The temporary is opened O_CREAT | O_EXCL | O_NOFOLLOW: a link at its exact name fails.
        errno = 0;
        CHECK(detail::open_new_file(planted[1]) == -1);
        CHECK(errno == EEXIST);
        CHECK(slurp(victim) == "precious\n");
        fs::remove_all(dir);
    }

    TEST_CASE("atomic_file: a FIFO, a directory or a device at the target is refused, naming it") {
        const auto dir = scratch_dir("atomic-special");
        const auto fifo = dir / "grid.png";
        REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
        CHECK_THROWS_WITH_AS(write_file_atomic(fifo, std::string_view("x")),
                             has(fifo.string() + ": is a FIFO; refusing to replace it"), IoError);
        CHECK_THROWS_WITH_AS(write_png(fifo, Image(2, 2, colors::white)), has("is a FIFO"), IoError);
        const float values[] = {1, 2};
        CHECK_THROWS_WITH_AS(write_npy(fifo, values, {2}), has("is a FIFO"), IoError);
        CHECK_THROWS_WITH_AS(CsvLog(fifo, {"a"}, true), has("is a FIFO"), IoError);
        struct stat st {};
        REQUIRE(::lstat(fifo.c_str(), &st) == 0);
        CHECK(S_ISFIFO(st.st_mode));

        fs::create_directory(dir / "sub");
        CHECK_THROWS_WITH_AS(write_file_atomic(dir / "sub", std::string_view("x")),
                             has("sub: is a directory"), IoError);

        // A character device (1, 7 is /dev/full) made here, where mknod is permitted.
        const auto device = dir / "full";
        if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 7)) == 0) {
            CHECK_THROWS_WITH_AS(write_file_atomic(device, std::string_view("x")),
                                 has(device.string() + ": is a character device"), IoError);
            REQUIRE(::lstat(device.c_str(), &st) == 0);
            CHECK(S_ISCHR(st.st_mode));
        } else {
            MESSAGE("mknod not permitted here: the device case is covered by the FIFO and directory cases");
        }
        CHECK_THROWS_WITH_AS(write_file_atomic(dir / "missing" / "x.csv", std::string_view("x")),
                             has("x.csv: cannot create a temporary file in"), IoError);
        fs::remove_all(dir);
    }

    TEST_CASE("atomic_file: a write to a full device fails naming the file") {
        const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
        REQUIRE(fd >= 0);
        const std::string bytes(100000, 'x');
        CHECK_THROWS_WITH_AS(detail::write_all(fd, std::as_bytes(std::span(bytes)), "runs/x/metrics.csv"),
                             has("runs/x/metrics.csv: write failed: No space left on device"), IoError);
        ::close(fd);
    }

    TEST_CASE("atomic_file: a write cut short by the file size limit fails naming the file, old file kept") {
        const auto dir = scratch_dir("atomic-fsize");
        const auto path = dir / "summary.json";
        write_file_atomic(path, std::string_view("old\n"));
        // In a child: the size limit and the ignored SIGXFSZ must not reach the other tests.
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{4096, 4096};
            if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(2);
            const std::string big(100000, 'y');
            try {
                write_file_atomic(path, std::string_view(big));
            } catch (const IoError& e) {
                const std::string what = e.what();
                ::_exit(what.find(path.string() + ": write failed: File too large") != std::string::npos ? 0
                                                                                                         : 3);
            }
            ::_exit(4);
        }
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
        CHECK(slurp(path) == "old\n");
        CHECK(entries(dir) == 1);  // the torn temporary was removed
        fs::remove_all(dir);
    }
}
