// cpu::openblas_core_mismatch(): whether the OpenBLAS ctnn links runs kernels older than the CPU
// (it names its core by openblas_get_corename; the CPU's features come from CPUID), as a sentence
// for a program to print once (examples/common/device.cpp does), or empty when they fit.
#pragma once

#include <cstring>
#include <string>

#include "ctnn/backend/cpu/gemm.hpp"

namespace ctnn::cpu {

// Whether OpenBLAS runs kernels older than the CPU: a core without AVX-512 on a CPU with AVX-512F,
// or one without AVX2 on a CPU with AVX2 (Debian's OpenBLAS 0.3.21 takes some newer Xeons for a
// Prescott, SSE3). ctnn's own kernels then take every float GEMM, since the thin products go to
// OpenBLAS only when it runs its AVX-512 kernels. The sentence to tell the user, or empty when
// OpenBLAS's kernels fit the CPU.
inline std::string openblas_core_mismatch() {
    const char* reported = openblas_get_corename();
    const std::string core = reported ? reported : "unknown";
    std::string lower;
    for (const char c : core) lower += static_cast<char>(c | 0x20);
    const bool core_avx2 = detail::gemm::openblas_avx512() || lower == "haswell" || lower == "zen" ||
                           lower == "skylake" || lower == "excavator";
    const char* cpu = nullptr;
    if (__builtin_cpu_supports("avx512f") && !detail::gemm::openblas_avx512())
        cpu = "AVX-512";
    else if (__builtin_cpu_supports("avx2") && !core_avx2)
        cpu = "AVX2";
    if (!cpu) return {};
    const std::string fitting = std::strcmp(cpu, "AVX2") == 0 ? "Haswell" : "SkylakeX";
    return "OpenBLAS runs its " + core + " kernels on this " + cpu + " CPU (OPENBLAS_CORETYPE=" + fitting +
           " would give it the right ones); ctnn's own kernels take every float GEMM";
}

}  // namespace ctnn::cpu
