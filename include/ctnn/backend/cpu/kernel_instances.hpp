// The CPU kernels' one compiled copy for a program built with CTNN_CPU_EXTERN_KERNELS
// (cpu/extern_kernels.hpp): include this header in exactly one translation unit of the program.
#pragma once

#include "ctnn/backend/cpu/blas.hpp"

namespace ctnn::cpu {
CTNN_CPU_KERNEL_INSTANCES()
}  // namespace ctnn::cpu
