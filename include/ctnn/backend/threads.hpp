// One knob for CPU parallelism: ctnn::set_num_threads(n) sets how many threads OpenBLAS uses
// (and therefore every GEMM and convolution). ctnn starts no threads of its own, so the count
// is never oversubscribed.
#pragma once

#include <cblas.h>

#include <algorithm>
#include <thread>

namespace ctnn {

inline void set_num_threads(int threads) {
    const int available = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    openblas_set_num_threads(std::clamp(threads <= 0 ? available : threads, 1, available));
}

inline int get_num_threads() { return openblas_get_num_threads(); }

}  // namespace ctnn
