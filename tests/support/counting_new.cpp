// A counting replacement of the global operator new, for tests/support/steady_state.hpp's
// HeapCounter: while counting_allocations is set, every allocation increments allocations and
// adds its size to allocated_bytes. In
// ctnn_tests through its glob of tests/**/*.cpp; tests/backend/cuda/CMakeLists.txt adds it to
// ctnn_cuda_tests (compiled by the C++ compiler, not nvcc).
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace ctnn::testing {
std::atomic<bool> counting_allocations{false};
std::atomic<std::size_t> allocations{0};
std::atomic<std::size_t> allocated_bytes{0};
}  // namespace ctnn::testing

// GCC 12 cannot see that this pair is consistent (malloc in new, free in delete).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
    if (ctnn::testing::counting_allocations.load(std::memory_order_relaxed)) {
        ctnn::testing::allocations.fetch_add(1, std::memory_order_relaxed);
        ctnn::testing::allocated_bytes.fetch_add(size, std::memory_order_relaxed);
    }
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
