// The CPU kernels compiled once per program, an opt-in for programs of several translation units
// (the default stays header-only). The backend's heavy entry points, gemm and conv2d with its two
// gradients, for float and double, pull in everything behind them (the packed SGEMM, the direct
// convolutions, im2col + GEMM): about half the machine code of a unit that trains a network.
// Define CTNN_CPU_EXTERN_KERNELS in every unit of the program and include
// <ctnn/backend/cpu/kernel_instances.hpp> in exactly one: the entry points are then explicit
// instantiations there, and the other units only call them. A unit without the definition still
// works (it compiles its own copy), so a missed unit costs compile time, not correctness.
#pragma once

#include <cstddef>

#include "ctnn/backend/cpu/conv.hpp"
#include "ctnn/backend/cpu/gemm.hpp"
#include "ctnn/core/conv_geometry.hpp"

// prefix is `extern` (a declaration: do not instantiate here) or empty (the instantiation).
#define CTNN_CPU_KERNEL_INSTANCES_FOR(prefix, T)                                                         \
    prefix template void gemm<T>(bool, bool, std::size_t, std::size_t, std::size_t, T, const T*,         \
                                 std::size_t, const T*, std::size_t, T, T*, std::size_t);                \
    prefix template void conv2d<T>(const T*, const T*, const T*, T*, std::size_t, std::size_t,           \
                                   const ConvGeometry&);                                                 \
    prefix template void conv2d_backward_data<T>(const T*, const T*, T*, std::size_t, std::size_t,       \
                                                 const ConvGeometry&);                                   \
    prefix template void conv2d_backward_weight<T>(const T*, const T*, T*, T*, std::size_t, std::size_t, \
                                                   const ConvGeometry&);
#define CTNN_CPU_KERNEL_INSTANCES(prefix)        \
    CTNN_CPU_KERNEL_INSTANCES_FOR(prefix, float) \
    CTNN_CPU_KERNEL_INSTANCES_FOR(prefix, double)

#if defined(CTNN_CPU_EXTERN_KERNELS)
namespace ctnn::cpu {
CTNN_CPU_KERNEL_INSTANCES(extern)
}  // namespace ctnn::cpu
#endif
