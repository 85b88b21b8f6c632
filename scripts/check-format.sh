#!/usr/bin/env bash
# check-format.sh: every C++/CUDA source the repository tracks is formatted as .clang-format says
# (Debian's clang-format). Prints the files that are not and exits 1; --fix rewrites them.
# tests/fixtures/ is left out: its headers are written by the fixture scripts beside them, and
# regenerating one must give back the committed bytes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v clang-format >/dev/null || { echo "check-format: clang-format not installed (Debian: clang-format)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.hpp' '*.cpp' '*.h' '*.cu' '*.cuh' ':!tests/fixtures/')
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  echo "check-format: formatted ${#files[@]} files"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]})); then
  printf 'check-format: not formatted (run scripts/check-format.sh --fix):\n'
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
