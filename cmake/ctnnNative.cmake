# ctnn_target_native(<target>)
# CTNN_NATIVE (default ON where the compiler accepts -march=native): compile ctnn's own
# examples, benchmarks and tests for the CPU that builds them (AVX2/AVX-512 where present),
# as -O3 -march=native. A binary built this way runs on the machine that built it (and CPUs
# like it); turn the option off for binaries that must run on any x86-64.
include(CheckCXXCompilerFlag)
check_cxx_compiler_flag(-march=native CTNN_COMPILER_HAS_MARCH_NATIVE)
option(CTNN_NATIVE "Build ctnn's examples, benchmarks and tests with -march=native"
       ${CTNN_COMPILER_HAS_MARCH_NATIVE})

function(ctnn_target_native target)
  if(CTNN_NATIVE AND CTNN_COMPILER_HAS_MARCH_NATIVE)
    target_compile_options(${target} PRIVATE -march=native $<$<CONFIG:Release,RelWithDebInfo>:-O3>)
  endif()
endfunction()
