#!/usr/bin/env bash
# The unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer): a
# separate build in build-asan/ (g++ by default, -O1 -g1 -march=native, examples and benchmarks
# off), then
# every CTest test of the unit-test binary (not the compile_fail, packaging, export and mpi
# labels: their programs - the export tool, the MPI test ranks - are built and run by
# scripts/test.sh's Release build, not by this one). Any sanitizer report fails
# the test that made it (halt_on_error / abort_on_error), so the exit status is ctest's.
#   scripts/sanitize.sh                 # CXX=clang++ scripts/sanitize.sh for clang
# Environment: SANITIZE_BUILD_DIR (default build-asan), CTEST_ARGS (extra ctest arguments).
# No suppressions are needed (OpenBLAS included); if code we do not own ever needs one, add
# a commented LSan/UBSan suppressions file here rather than weakening the options below.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=${SANITIZE_BUILD_DIR:-build-asan}
jobs=$(nproc 2>/dev/null || echo 2)
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

./scripts/setup-deps.sh
./scripts/fetch-mnist.sh  # the end-to-end and real-MNIST tests read data/mnist

# Build type "Sanitize" (flags -O1 -g1: line tables, enough for the reports' stack traces): not
# Release or RelWithDebInfo, for which ctnn_target_native adds -O3. The kernels' -march=native
# paths stay in; -O3 -g made each unit 2.9x slower to compile (tests/layers/conv.cpp: 79 s against
# 27 s); -O1 is the level the sanitizers' documentation recommends.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g1" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCTNN_BUILD_TESTS=ON -DCTNN_BUILD_EXAMPLES=OFF -DCTNN_BUILD_BENCH=OFF
cmake --build "$build" -j"$jobs" --target ctnn_tests

# No detect_stack_use_after_return: with it, GCC 12's ASan moves locals to a "fake stack"
# aligned to 32 bytes while -march=native (AVX-512) code keeps 64-byte aligned vector loads of
# them (GCC PR sanitizer/110027, fixed in GCC 14): a test's initializer_list then faults with
# a general-protection SEGV that is not a bug in the code under test.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1:check_initialization_order=1:strict_init_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# shellcheck disable=SC2086
ctest --test-dir "$build" --output-on-failure -j"$jobs" -LE "compile_fail|packaging|export|mpi" ${CTEST_ARGS:-}
