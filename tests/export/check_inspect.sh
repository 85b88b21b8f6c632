#!/usr/bin/env bash
# ctnn_inspect on a LeNet-5 checkpoint prints its C++ type, fingerprint and tensors; on a
# truncated copy it fails with an error naming the file. Usage: check_inspect.sh INSPECT FILE
set -euo pipefail
inspect=$1 file=$2
out=$("$inspect" "$file")
grep -q "^type:         Sequential<Input<1, 28, 28>, Pad<2>, Conv<6, 5>, ReLU, MaxPool<2>" <<<"$out" || { echo "$out"; exit 1; }
grep -q "^architecture: Input(1, 28, 28) -> Pad<2>" <<<"$out" || { echo "$out"; exit 1; }
grep -Eq "^  conv1.weight +F32 +\(6, 1, 5, 5\) +min " <<<"$out" || { echo "$out"; exit 1; }
truncated=$(dirname "$file")/truncated.safetensors
head -c 200 "$file" >"$truncated"
if message=$("$inspect" "$truncated" 2>&1); then echo "a truncated file was accepted"; exit 1; fi
grep -q "truncated.safetensors" <<<"$message" || { echo "$message"; exit 1; }
echo "ctnn_inspect: type, fingerprint and tensors printed; a truncated file refused: $message"
