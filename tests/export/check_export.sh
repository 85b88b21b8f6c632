#!/usr/bin/env bash
# The export check (CTest test export.lenet5_dcgan): the tool exports, the host compiler builds
# check_export.cpp against the headers as a C++17 program without exceptions or RTTI and runs
# it; then, when arm-none-eabi-g++ is installed, the exported LeNet-5 is built for a Cortex-M4
# and its section sizes printed. Usage: check_export.sh TOOL CXX SOURCE_DIR OUT_DIR MNIST_DIR
set -euo pipefail
tool=$1 cxx=$2 src=$3 out=$4 mnist=$5
"$tool" "$out" "$mnist"
"$cxx" -std=c++17 -fno-exceptions -fno-rtti -Wall -Wextra -Werror -O2 -I "$out" "$src/check_export.cpp" \
  -o "$out/check_export"
"$out/check_export" "$out"
if command -v arm-none-eabi-g++ >/dev/null 2>&1; then
  arm-none-eabi-g++ -std=c++17 -Os -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 \
    -fno-exceptions -fno-rtti -Wall -Wextra -Werror -I "$out" -c "$src/cortex_m4.cpp" -o "$out/cortex_m4.o"
  arm-none-eabi-size -A "$out/cortex_m4.o" | awk '/^\.text/ {t += $2} /^\.rodata/ {r += $2} /^\.data/ {d += $2}
    /^\.bss/ {b += $2} END {printf "Cortex-M4 (-Os) exported LeNet-5: .text %d B, .rodata %d B, .data %d B, .bss %d B\n", t, r, d, b}' 
else
  echo "arm-none-eabi-g++ not installed: the Cortex-M4 build is skipped (Debian: gcc-arm-none-eabi)"
fi
