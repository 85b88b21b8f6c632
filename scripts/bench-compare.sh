#!/usr/bin/env bash
# bench-compare.sh: ctnn against PyTorch on the same workloads, same machine, same threads.
# Runs build/bench/bench_models (Google Benchmark) and bench/compare/pytorch_bench.py one after
# the other, alternating, --repeat times each, and prints one table of medians: workload,
# threads, ctnn, PyTorch, ratio (ctnn time / PyTorch time). PyTorch runs at its best setting:
# torch.set_num_threads(T) with its OpenBLAS at one thread.
#
#   scripts/bench-compare.sh [--build build] [--threads "1 2"] [--repeat 3] [--min-time 1]
#                            [--workloads "lenet5_epoch mlp_gan ..."] [--json FILE]
#
# Needs: a Release build with the benchmarks (cmake --build build --target bench_models),
# MNIST in data/mnist (scripts/fetch-mnist.sh) or $CTNN_MNIST_DIR for the epoch, and Debian's
# PyTorch for /usr/bin/python3: sudo apt-get install python3-torch python3-numpy
# (--python PATH for another interpreter that imports torch).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build"
python=/usr/bin/python3
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    --threads|--repeat|--min-time|--workloads|--json|--data) args+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
bench="$build/bench/bench_models"
if [[ ! -x "$bench" ]]; then
  echo "bench-compare.sh: $bench not found; build it: cmake --build $build --target bench_models" >&2
  exit 1
fi
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "bench-compare.sh: $python cannot import torch; install Debian's PyTorch:" >&2
  echo "  sudo apt-get install python3-torch python3-numpy   (or pass --python PATH)" >&2
  exit 1
fi
export CTNN_MNIST_DIR="${CTNN_MNIST_DIR:-$root/data/mnist}"
cd "$root"
exec "$python" "$root/bench/compare/compare.py" --bench "$bench" --python "$python" \
  --data "$CTNN_MNIST_DIR" ${args[@]+"${args[@]}"}
