// libFuzzer harness: load_checkpoint (ctnn/train/checkpoint.hpp) of a small model with
// parameters, state, a layer counter and Adam state, on arbitrary bytes (held in a memfd,
// opened by its /proc path). A load or an IoError is fine; a crash, sanitizer report, other
// exception or leak is a finding, and so is a failed load that changed the model or optimizer.
// The model is in checkpoint_model.hpp.
#include <ctnn/train/checkpoint.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "checkpoint_model.hpp"

using namespace ctnn;
using ctnn::fuzz::Net;

namespace {

using M = Model<Net, cpu::Blas>;
using Opt = Adam::impl<cpu::Blas>;

int memfd() {
    static const int fd = ::memfd_create("ctnn-fuzz-checkpoint", 0);
    if (fd < 0) __builtin_trap();
    return fd;
}

std::vector<float> snapshot(M& model, Opt& adam) {
    std::vector<float> v(model.parameters(), model.parameters() + M::param_count);
    v.insert(v.end(), model.state(), model.state() + M::state_count);
    for (const auto& [name, buffer] : adam.state_tensors()) v.insert(v.end(), buffer->begin(), buffer->end());
    for (const auto c : model.counters()) v.push_back(static_cast<float>(c));
    v.push_back(static_cast<float>(adam.steps()));
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const int fd = memfd();
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))
        __builtin_trap();
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    static M model(1);
    static Opt adam(Adam{}, Net::param_count);
    const auto before = snapshot(model, adam);
    try {
        io::load_checkpoint(path, model, &adam);
    } catch (const io::IoError&) {
        const auto after = snapshot(model, adam);
        if (std::memcmp(before.data(), after.data(), before.size() * sizeof(float)) != 0) __builtin_trap();
    }
    try {
        io::load_checkpoint(path, model);  // weights only: optimizer state is ignored
    } catch (const io::IoError&) {
    }
    return 0;
}
