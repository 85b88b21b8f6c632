// One knob for CPU parallelism: ctnn::set_num_threads(n) sizes ctnn's thread pool (which splits
// GEMMs, convolutions and element-wise ops; backend/cpu/thread_pool.hpp) and holds OpenBLAS to
// one thread, so ctnn's threads x BLAS threads = n: the cores are never oversubscribed.
// n <= 0 means one thread per core, as does never calling it.
#pragma once

#include <cblas.h>

#include <algorithm>

#include "ctnn/backend/cpu/thread_pool.hpp"

namespace ctnn {

inline void set_num_threads(int threads) {
    const int available = static_cast<int>(cpu::ThreadPool::hardware_threads());
    cpu::ThreadPool::instance().resize(
        static_cast<std::size_t>(std::clamp(threads <= 0 ? available : threads, 1, available)));
    openblas_set_num_threads(1);
}

inline int get_num_threads() {
    return static_cast<int>(cpu::ThreadPool::instance().size());
}

}  // namespace ctnn
