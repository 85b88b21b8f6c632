// CTNN_HD marks a function as callable on the host and on a CUDA device: `__host__ __device__`
// under nvcc, nothing under a plain C++ compiler, so a CPU build is unchanged. The per-element
// bodies of the backend ops (CTNN_HD functors in backend/layer_bodies.hpp and train_bodies.hpp,
// what a backend's for_each runs) and the non-constexpr functions they call carry it; constexpr
// functions need not (the CUDA build passes --expt-relaxed-constexpr).
#pragma once

#if defined(__CUDACC__)
#define CTNN_HD __host__ __device__
#else
#define CTNN_HD
#endif
