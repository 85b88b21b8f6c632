// The one compiled copy of the CPU kernels for ctnn_tests, which is built with
// CTNN_CPU_EXTERN_KERNELS (tests/CMakeLists.txt) like the examples; the benchmarks, the packaging
// tests and tests/dist stay header-only, so both ways are built.
#include <ctnn/backend/cpu/kernel_instances.hpp>
