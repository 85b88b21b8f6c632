#!/usr/bin/env bash
# lenet5 --resume CHECKPOINT --export OUT.h --export-name digits writes a header that compiles
# alone as C++17 without exceptions or RTTI and passes its self_test; --export without --resume
# is refused. Usage: check_lenet5_export.sh LENET5 CXX CHECKPOINT OUT_DIR
set -euo pipefail
lenet5=$1 cxx=$2 checkpoint=$3 out=$4
"$lenet5" --arch relu --resume "$checkpoint" --export "$out/digits.h" --export-name digits
printf '#include "digits.h"\nint main() { return digits::self_test() ? 0 : 1; }\n' >"$out/digits_main.cpp"
"$cxx" -std=c++17 -fno-exceptions -fno-rtti -Wall -Wextra -Werror -O2 -I "$out" "$out/digits_main.cpp" -o "$out/digits_main"
"$out/digits_main"
if "$lenet5" --export "$out/none.h" 2>/dev/null; then echo "--export without --resume was accepted"; exit 1; fi
echo "lenet5 --export: header written, compiled alone, self_test passed"
