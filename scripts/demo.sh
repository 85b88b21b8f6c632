#!/usr/bin/env bash
# Train LeNet-5 on MNIST: dependencies, a Release build of examples/lenet5/ in build/,
# MNIST into data/mnist, then ./build/examples/lenet5 "$@" from the repository root
# (by default it writes its metrics, pictures and checkpoints to runs/lenet5).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

./scripts/setup-deps.sh

if [[ ! -f examples/lenet5/main.cpp ]]; then
  echo "demo: examples/lenet5/main.cpp does not exist yet, so there is no lenet5 target to run" >&2
  exit 1
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCTNN_BUILD_EXAMPLES=ON  # ON even if build/ was configured without
cmake --build build --target lenet5 -j"$jobs"

./scripts/fetch-mnist.sh

./build/examples/lenet5 "$@"

# Where it wrote: lenet5's --out flag, else its default.
out=runs/lenet5
args=("$@")
for ((i = 0; i < ${#args[@]}; ++i)); do
  case ${args[i]} in
    --out=*) out=${args[i]#--out=} ;;
    --out) out=${args[i + 1]:-$out} ;;
  esac
done
[[ $out == /* ]] || out="$root/$out"

echo
echo "demo: done. Outputs are in $out"
if [[ -d $out ]]; then
  ls -l "$out"
fi
