// Per-thread scratch memory of the CPU kernels (packed GEMM panels, the im2col columns and
// copies of each part of a conv op, partial weight gradients): one grow-only buffer per
// (thread, slot), so a steady state that asks for the sizes it asked for before allocates
// nothing. Slots keep nested users (a conv kernel calling gemm) from sharing a buffer. A
// parallel op takes its parts' scratch from the calling thread (conv.hpp's PartScratch).
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
}  // namespace detail

// At least n values of T for this thread and slot, 64-byte aligned; the contents are unspecified.
template <class T>
T* scratch(ScratchSlot slot, std::size_t n) {
    thread_local detail::ScratchBuffer buffers[static_cast<std::size_t>(ScratchSlot::count)];
    detail::ScratchBuffer& buffer = buffers[static_cast<std::size_t>(slot)];
    const std::size_t bytes = n * sizeof(T);
    if (buffer.bytes < bytes) {
        // Grown to a power of two (at least 64 KiB): the parts of a split op differ a little in
        // size, and whichever thread takes the larger one then rarely has to grow again.
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
