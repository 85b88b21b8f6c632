// Scratch memory of the CPU kernels (packed GEMM panels, the im2col columns and copies of each
// part of a conv op, partial weight gradients): grow-only buffers, one per slot, so a steady
// state that asks for the sizes it asked for before allocates nothing. Slots keep nested users
// (a conv kernel calling gemm) from sharing a buffer. Which set of buffers a call gets:
// - inside part p of a parallel ThreadPool::run, part p's set (owned by the pool), whichever
//   thread runs the part. A part's sizes then depend only on the op and the part's index, not
//   on which worker happened to claim it, so a steady state is allocation-free every time,
//   not only when each worker has already claimed each part size once;
// - anywhere else, the calling thread's own set. A parallel op takes its parts' shared scratch
//   from the calling thread before the parts start (conv_parts.hpp's PartScratch).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace ctnn::cpu {

enum class ScratchSlot : std::size_t { gemm_pack, conv_columns, conv_partial, conv_weights, count };

namespace detail {
struct ScratchBuffer {
    std::unique_ptr<std::uint64_t[]> storage;  // size + 64 bytes, so that data can start on 64 bytes
    void* data = nullptr;
    std::size_t bytes = 0;
};

struct ScratchSet {
    ScratchBuffer buffers[static_cast<std::size_t>(ScratchSlot::count)];
};

inline thread_local ScratchSet t_own_scratch;
inline thread_local ScratchSet* t_part_scratch = nullptr;  // set while this thread runs a pool part
}  // namespace detail

// Makes `set` this thread's scratch until the scope ends (the pool around each part it runs).
class ScratchScope {
  public:
    explicit ScratchScope(detail::ScratchSet* set) : m_previous(detail::t_part_scratch) {
        detail::t_part_scratch = set;
    }
    ScratchScope(const ScratchScope&) = delete;
    ScratchScope& operator=(const ScratchScope&) = delete;
    ~ScratchScope() { detail::t_part_scratch = m_previous; }

  private:
    detail::ScratchSet* m_previous;
};

// At least n values of T for the current part (or thread) and slot, 64-byte aligned; the
// contents are unspecified.
template <class T>
T* scratch(ScratchSlot slot, std::size_t n) {
    detail::ScratchSet& set = detail::t_part_scratch ? *detail::t_part_scratch : detail::t_own_scratch;
    detail::ScratchBuffer& buffer = set.buffers[static_cast<std::size_t>(slot)];
    const std::size_t bytes = n * sizeof(T);
    if (buffer.bytes < bytes) {
        // Grown to a power of two (at least 64 KiB): a shape seen later that is a little larger
        // (a full batch after a short one) then rarely has to grow it again.
        std::size_t capacity = std::size_t{1} << 16;
        while (capacity < bytes) capacity *= 2;
        const std::size_t words = capacity / 8 + 8;
        buffer.storage.reset(new std::uint64_t[words]);
        const auto address = reinterpret_cast<std::uintptr_t>(buffer.storage.get());
        buffer.data = reinterpret_cast<char*>(buffer.storage.get()) + (64 - address % 64) % 64;
        buffer.bytes = capacity;
    }
    return static_cast<T*>(buffer.data);
}

}  // namespace ctnn::cpu
