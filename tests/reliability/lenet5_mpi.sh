#!/bin/sh
# examples/lenet5 under mpirun (a CTNN_MPI build), one case per CTest test:
#   lenet5_mpi.sh MPIRUN LENET5 SCRATCH_DIR CASE
# The data are tiny synthetic MNIST directories (cli_helpers.sh: 200 training, 40 test images).
#   two_ranks: 2 ranks print one run's lines (rank 0 alone writes) and reach the figures of one
#              process with the same global batch (train loss and test accuracy as printed, and
#              every weight within 1e-4 of the largest)
#   resume:    2 ranks, 2 epochs straight == 1 epoch, then --resume for 1 more (tensor bytes identical)
#   failing:   a bad --resume file ends both ranks with one "ctnn: rank R failed" line each and a
#              non-zero exit, within the test's timeout, and writes no summary.json
set -u
mpirun=$1
lenet5=$2
scratch=$3
case_name=$4
work="$scratch/lenet5-mpi-$case_name"
rm -rf "$work"
mkdir -p "$work"

run_program() { "$mpirun" -np 2 --oversubscribe "$lenet5" --threads 1 "$@"; }
completed_outputs="model.safetensors summary.json"
. "$(dirname "$0")/cli_helpers.sh"

small="--validation 40 --batch 16 --schedule constant --seed 5 --data $work/mnist"
write_mnist "$work/mnist" 200 40
# ok NAME ARGS...: a run that must succeed, its output in $work/NAME.txt.
ok() {
    name=$1
    shift
    "$@" >"$work/$name.txt" 2>&1 || { cat "$work/$name.txt"; fail "$name: $* failed"; }
}
figure() {  # figure FILE PATTERN: the first number after PATTERN in FILE
    sed -n "s/.*$2 *\\([0-9.]*\\).*/\\1/p" "$1" | head -1
}

case "$case_name" in
two_ranks)
    ok one "$lenet5" --threads 1 $small --epochs 2 --out "$work/one"
    ok two run_program $small --epochs 2 --out "$work/two"
    cat "$work/two.txt"
    grep -q "data-parallel over 2 ranks: 8 images per rank per global batch of 16" "$work/two.txt" ||
        fail "no data-parallel line"
    [ "$(grep -c '^epoch  2' "$work/two.txt")" -eq 1 ] || fail "expected one 'epoch  2' line (rank 0's)"
    [ -f "$work/two/summary.json" ] || fail "rank 0 wrote no summary.json"
    for what in "train loss" "test acc"; do
        a=$(grep '^epoch  2' "$work/one.txt" | sed -n "s/.*$what \\([0-9.]*\\).*/\\1/p")
        b=$(grep '^epoch  2' "$work/two.txt" | sed -n "s/.*$what \\([0-9.]*\\).*/\\1/p")
        [ -n "$a" ] && [ "$a" = "$b" ] || fail "$what: one process $a, two ranks $b"
        echo "ok: $what $a on one process and on two ranks"
    done
    tensor_bytes "$work/one/model.safetensors" | od -An -v -t f4 -w4 >"$work/one.f32"
    tensor_bytes "$work/two/model.safetensors" | od -An -v -t f4 -w4 >"$work/two.f32"
    paste "$work/one.f32" "$work/two.f32" | awk '
        { d = $1 - $2; if (d < 0) d = -d; if (d > worst) worst = d; a = $1 < 0 ? -$1 : $1; if (a > top) top = a }
        END { printf "largest weight difference %.3g of the largest weight %.3g\n", worst, top; exit !(worst <= 1e-4 * top) }' ||
        fail "the weights of two ranks are not within 1e-4 of one process's" ;;
resume)
    ok straight run_program $small --epochs 2 --out "$work/straight"
    ok first run_program $small --epochs 1 --out "$work/resumed"
    ok second run_program $small --epochs 2 --out "$work/resumed" --resume "$work/resumed/model.safetensors"
    cat "$work/second.txt"
    grep -q "resumed from .* after epoch 1" "$work/second.txt" || fail "no 'resumed ... after epoch 1'"
    tensor_bytes "$work/straight/model.safetensors" >"$work/straight.bin"
    tensor_bytes "$work/resumed/model.safetensors" >"$work/resumed.bin"
    cmp "$work/straight.bin" "$work/resumed.bin" || fail "resumed weights differ from the straight run's"
    echo "ok: on 2 ranks, 2 epochs == 1 epoch + resume + 1 epoch, bitwise" ;;
failing)
    printf 'not a checkpoint' >"$work/garbage.safetensors"
    expect_failure "ctnn: rank [01] failed: .*garbage.safetensors" $small --epochs 1 --out "$work/out" \
        --resume "$work/garbage.safetensors"
    [ "$(grep -c 'ctnn: rank [01] failed' "$work/output.txt")" -ge 2 ] || fail "not every rank printed the failure" ;;
*)
    fail "unknown case" ;;
esac
