// Nothing saved is lost: a child process saves checkpoints of a 1.6M-parameter model (with Adam
// state, about 19 MB a file) over and over, and is killed with SIGKILL while its temporary file
// is being written. The checkpoint at the real path must still load and be one complete
// version (its metadata and every tensor agree); the temporary left behind is never named like
// a checkpoint and either loads completely or is refused with an IoError.
#include <ctnn/ctnn.hpp>
#include <ctnn/train/checkpoint.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "helpers.hpp"

using namespace ctnn;
using ctnn::reliability::read_all;
using ctnn::reliability::scratch_dir;
namespace fs = std::filesystem;

namespace {

using Big = Sequential<Input<1024>, Dense<1024>, ReLU, Dense<512>>;
using M = Model<Big, cpu::Blas>;

// Every parameter of version v (v >= 2) is the float v, so a torn file cannot pass for a whole one.
void fill(M& model, std::uint64_t v) {
    std::fill(model.parameters(), model.parameters() + M::param_count, static_cast<float>(v));
}

// The child: saves versions 2, 3, ... to `path` until it is killed.
[[noreturn]] void save_forever(const fs::path& path) {
    try {
        M model(1);
        Adam::impl<cpu::Blas> adam(Adam{}, Big::param_count);
        for (std::uint64_t v = 2;; ++v) {
            fill(model, v);
            io::save_checkpoint(path, model, {.epoch = v, .step = v, .extra = {}}, &adam);
        }
    } catch (...) {
    }
    _exit(3);
}

}  // namespace

TEST_SUITE_BEGIN("reliability");

TEST_CASE(
    "reliability/nothing lost: SIGKILL in the middle of save_checkpoint keeps the previous checkpoint") {
    const auto dir = scratch_dir("sigkill");
    const auto path = dir / "model.safetensors";
    {
        M model(1);
        Adam::impl<cpu::Blas> adam(Adam{}, Big::param_count);
        io::save_checkpoint(path, model, {.epoch = 1, .step = 1, .extra = {}}, &adam);
    }
    const auto first = read_all(path);
    M original(1);

    int kills_mid_write = 0, newer_versions = 0, rounds = 0;
    for (; rounds < 8 || (kills_mid_write == 0 && rounds < 30); ++rounds) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) save_forever(path);
        // The child's temporaries are "model.safetensors.tmp-<pid>-<random>".
        const std::string tmp_prefix = "model.safetensors.tmp-" + std::to_string(pid) + "-";
        const auto temporary_exists = [&] {
            for (const auto& entry : fs::directory_iterator(dir))
                if (entry.path().filename().string().starts_with(tmp_prefix)) return true;
            return false;
        };
        // Wait for the child's temporary file (a write under way), then kill at once; every
        // other round waits longer, so that some kills land after completed saves too.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!temporary_exists() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        if (rounds % 2 == 1) std::this_thread::sleep_for(std::chrono::milliseconds(100 * rounds));
        ::kill(pid, SIGKILL);
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGKILL);
        const bool torn = temporary_exists();
        kills_mid_write += torn;

        // The real path holds a whole checkpoint: the first one, or a version the child finished.
        M loaded(99);
        Adam::impl<cpu::Blas> adam(Adam{}, Big::param_count);
        io::CheckpointInfo info;
        REQUIRE_NOTHROW(info = io::load_checkpoint(path, loaded, &adam));
        if (info.epoch == 1) {
            CHECK(read_all(path) == first);
            CHECK(std::equal(original.parameters(), original.parameters() + M::param_count,
                             loaded.parameters()));
        } else {
            ++newer_versions;
            const float v = static_cast<float>(info.epoch);
            CHECK(info.step == info.epoch);
            CHECK(std::all_of(loaded.parameters(), loaded.parameters() + M::param_count,
                              [v](float p) { return p == v; }));
        }

        // Nothing else in the directory is named like a checkpoint; a torn temporary is refused.
        for (const auto& entry : fs::directory_iterator(dir)) {
            const auto name = entry.path().filename().string();
            if (entry.path() == path) continue;
            CHECK(name.starts_with("model.safetensors.tmp-"));
            CHECK(entry.path().extension() != ".safetensors");
            M probe(5);
            try {
                io::load_checkpoint(entry.path(), probe);
            } catch (const io::IoError& e) {
                CHECK(std::string(e.what()).find(entry.path().string()) != std::string::npos);
            }
            fs::remove(entry.path());
        }
    }
    MESSAGE(kills_mid_write << " of " << rounds
                            << " SIGKILLs landed while a temporary file was being written; " << newer_versions
                            << " times a newer complete checkpoint was in place");
    CHECK(kills_mid_write >= 1);
    fs::remove_all(dir);
}

TEST_SUITE_END();
