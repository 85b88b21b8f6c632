// CTNN_HD marks a function (or a lambda: `[x, y] CTNN_HD (std::size_t i) { ... }`) as callable on
// the host and on a CUDA device: `__host__ __device__` under nvcc, nothing under a plain C++
// compiler, so a CPU build is unchanged. Per-element bodies of layers, losses and optimizers
// (what a backend's for_each runs) and the non-constexpr functions they call carry it; constexpr
// functions need not (the CUDA build passes --expt-relaxed-constexpr).
// nvcc's rule for such lambdas (--extended-lambda): the function that defines one must be public
// in its class, and must not itself be a lambda.
#pragma once

#if defined(__CUDACC__)
#define CTNN_HD __host__ __device__
#else
#define CTNN_HD
#endif
