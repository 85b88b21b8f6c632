#!/usr/bin/env bash
# CI for the CUDA backend: when nvcc is available, configure a -DCTNN_CUDA=ON build in
# build-cuda/, compile the CUDA tests (ctnn_cuda_tests) and the examples that carry both backends
# (lenet5, gan), and run the CUDA tests: on a machine without a GPU each reports Skipped with the
# reason (ctest lists them), and the test of the no-device path itself runs. Without nvcc it says
# so and exits 0. Prints the wall time taken. Expects scripts/setup-deps.sh to have run.
#   CTNN_CUDA_ARCHITECTURES  what to compile device code for (default: 75, the oldest that CUDA 13
#                            supports, as SASS and PTX; a compile check needs no more)
# gan is built for latent 100 only (CTNN_GAN_LATENTS): its CPU units of every latent are built and
# tested by scripts/test.sh, and nvcc's trainer is the same template for any latent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

start=$(date +%s)
nvcc=""
if command -v nvcc >/dev/null 2>&1; then
  nvcc=$(command -v nvcc)
elif [[ -x /usr/local/cuda/bin/nvcc ]]; then
  nvcc=/usr/local/cuda/bin/nvcc
fi
if [[ -z "$nvcc" ]]; then
  echo "ci-cuda: nvcc not found (PATH, /usr/local/cuda/bin): the CUDA build was skipped"
  exit 0
fi
echo "ci-cuda: $("$nvcc" --version | tail -1) at $nvcc"

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build-cuda -DCMAKE_BUILD_TYPE=Release \
  -DCTNN_CUDA=ON -DCMAKE_CUDA_COMPILER="$nvcc" \
  -DCMAKE_CUDA_ARCHITECTURES="${CTNN_CUDA_ARCHITECTURES:-75}" \
  -DCTNN_BUILD_TESTS=ON -DCTNN_BUILD_EXAMPLES=ON -DCTNN_BUILD_BENCH=OFF -DCTNN_GAN_LATENTS=100
targets=(ctnn_cuda_tests lenet5 gan)
# ctest -L cuda also runs dist.cuda (labels mpi;cuda) when the MPI component is on: build its ranks.
if grep -q '^CTNN_MPI:BOOL=ON' build-cuda/CMakeCache.txt; then targets+=(ctnn_dist_cuda_tests); fi
cmake --build build-cuda -j"$jobs" --target "${targets[@]}"
status=0
ctest --test-dir build-cuda -L cuda --output-on-failure -j"$jobs" || status=$?
# One binary serves both backends. A short LeNet-5 run with --device auto (the GPU if usable,
# else the CPU), and --device cuda: trains on a GPU, or without one fails with a clear message
# (exit status 1, no crash).
if [[ -f data/mnist/t10k-labels-idx1-ubyte || -f data/mnist/t10k-labels-idx1-ubyte.gz ]]; then
  quick=(--epochs 1 --train-limit 512 --validation 500 --batch 64)
  out=build-cuda/ci-lenet5
  if build-cuda/examples/lenet5 --device auto "${quick[@]}" --out "$out/auto" > "$out.auto.log" 2>&1; then
    echo "ci-cuda: lenet5 --device auto: $(grep -m1 '^device:' "$out.auto.log"); $(grep '^test accuracy' "$out.auto.log")"
  else
    echo "ci-cuda: lenet5 --device auto failed:" >&2; cat "$out.auto.log" >&2; status=1
  fi
  rc=0
  build-cuda/examples/lenet5 --device cuda "${quick[@]}" --out "$out/cuda" > "$out.cuda.log" 2>&1 || rc=$?
  if [[ $rc -eq 0 ]]; then
    echo "ci-cuda: lenet5 --device cuda: $(grep '^test accuracy' "$out.cuda.log")"
  elif [[ $rc -eq 1 ]] && grep -q "error: --device cuda: no usable CUDA device" "$out.cuda.log"; then
    echo "ci-cuda: lenet5 --device cuda without a GPU: $(grep -m1 '^error:' "$out.cuda.log") (exit 1, as it should)"
  else
    echo "ci-cuda: lenet5 --device cuda: unexpected exit status $rc:" >&2; cat "$out.cuda.log" >&2; status=1
  fi
else
  echo "ci-cuda: no MNIST in data/mnist (scripts/fetch-mnist.sh): the lenet5 runs were skipped"
fi
echo "ci-cuda: done in $(($(date +%s) - start)) s (status $status)"
exit "$status"
