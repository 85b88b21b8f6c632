#!/usr/bin/env bash
# The whole check: dependencies, MNIST, a Release build of everything in build/, then
# every CTest test (unit, compile-fail, packaging, and the MPI tests when MPI is found: label
# "mpi", 2 ranks each). Exit status is ctest's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/setup-deps.sh
./scripts/fetch-mnist.sh

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCTNN_BUILD_TESTS=ON
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"
