#!/bin/sh
# Includes only point down (DESIGN.md, "Layers of the code"): a header under include/ctnn/<folder>/
# may include its own folder or a folder below it, never one above or beside it. The order, lowest
# first (io/ is files and formats and sits just above core/: the model-aware checkpoint code is
# train/checkpoint.hpp); the umbrella headers ctnn.hpp and cuda.hpp may include anything:
#   detail core io backend layers losses optim nn models data train dist
# Prints every offending include and exits 1 if there is one. Run from the repository root.
order="detail core io backend layers losses optim nn models data train dist"
rank() {
  i=0
  for f in $order; do
    [ "$f" = "$1" ] && { echo $i; return; }
    i=$((i + 1))
  done
  echo 99
}
status=0
for dir in include/ctnn/*/; do
  folder=$(basename "$dir")
  own=$(rank "$folder")
  # "ctnn/<folder>/" in #include "..." or <...>
  grep -rnoE '^#include [<"]ctnn/[a-z_]+/' "$dir" | while IFS= read -r hit; do
    target=$(printf '%s\n' "$hit" | sed -E 's/.*ctnn\/([a-z_]+)\/$/\1/')
    [ "$target" = "$folder" ] && continue
    if [ "$(rank "$target")" -ge "$own" ]; then
      echo "$hit: $folder/ includes $target/, which is not below it"
      echo fail > "${TMPDIR:-/tmp}/ctnn-check-includes.$$"
    fi
  done
done
if [ -e "${TMPDIR:-/tmp}/ctnn-check-includes.$$" ]; then
  rm -f "${TMPDIR:-/tmp}/ctnn-check-includes.$$"
  status=1
else
  echo "includes point down: no header includes a folder above or beside it"
fi
exit $status
