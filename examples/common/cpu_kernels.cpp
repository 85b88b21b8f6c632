// The one compiled copy of the CPU kernels for every example program: the examples are built with
// CTNN_CPU_EXTERN_KERNELS (examples/CMakeLists.txt), so their units call these instead of each
// compiling its own (include/ctnn/backend/cpu/extern_kernels.hpp).
#include <ctnn/backend/cpu/kernel_instances.hpp>
