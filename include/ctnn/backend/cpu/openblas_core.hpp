// cpu::openblas_core_mismatch(): whether the OpenBLAS ctnn links runs kernels older than the CPU
// (it names its core by openblas_get_corename; the CPU's features come from CPUID), as a sentence
// for a program to print once (examples/common/device.cpp does), or empty when they fit.
#pragma once

#include <string>

#include "ctnn/backend/cpu/gemm.hpp"

namespace ctnn::cpu {

// Whether OpenBLAS runs kernels older than the CPU: a core without AVX-512 on a CPU with AVX-512F,
// or one without AVX2 on a CPU with AVX2 (Debian's OpenBLAS 0.3.21 takes some newer Xeons for a
// Prescott, SSE3). ctnn's own kernels then take every float GEMM, since the thin products go to
// OpenBLAS only when it runs its AVX-512 kernels. The sentence to tell the user, or empty when
// OpenBLAS's kernels fit the CPU.
inline std::string openblas_core_mismatch() {
    namespace g = detail::gemm;
    const bool avx512_cpu = __builtin_cpu_supports("avx512f");
    const bool avx2_core = g::openblas_small_kernels || g::openblas_core_is("haswell") ||
                           g::openblas_core_is("zen") || g::openblas_core_is("skylake") ||
                           g::openblas_core_is("excavator");
    const bool older = avx512_cpu ? !g::openblas_small_kernels : __builtin_cpu_supports("avx2") && !avx2_core;
    if (!older) return {};
    const char* core = openblas_get_corename();
    return std::string("OpenBLAS runs its ") + (core ? core : "unknown") + " kernels on this " +
           (avx512_cpu ? "AVX-512" : "AVX2") +
           " CPU (OPENBLAS_CORETYPE=" + (avx512_cpu ? "SkylakeX" : "Haswell") +
           " would give it the right ones); ctnn's own kernels take every float GEMM";
}

}  // namespace ctnn::cpu
