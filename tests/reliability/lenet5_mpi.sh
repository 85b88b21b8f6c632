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
#   silent_rank: under --tag-output rank 0 prints each line once and rank 1 prints nothing on
#              stdout; summary.json says "ranks": 2
#   one_rank:  mpirun -np 1 equals a plain run bit for bit (tensors; summary.json but for the
#              seconds and "ranks")
#   signal_resume: 2 ranks, a SIGINT on rank 0 in epoch 2, then --resume: the tensors of the
#              uninterrupted 2-rank run, bit for bit (the position inside the epoch is saved)
#   rank1_failing: rank 1 alone gets a missing --data directory (mpirun's MPMD form, a working
#              directory per rank): both ranks print rank 1's line naming it, non-zero exit, no
#              model.safetensors or summary.json
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
silent_rank)
    "$mpirun" -np 2 --oversubscribe --tag-output "$lenet5" --threads 1 $small --epochs 2 --out "$work/out" \
        >"$work/tagged.txt" 2>&1 || { cat "$work/tagged.txt"; fail "2 ranks failed"; }
    cat "$work/tagged.txt"
    for line in "data-parallel over 2 ranks" "epoch  1 " "epoch  2 " "outputs in"; do
        n=$(grep -c "^\[1,0\]<stdout>:$line" "$work/tagged.txt")
        [ "$n" -eq 1 ] || fail "rank 0 printed '$line' $n times, expected once"
    done
    if grep -q '^\[1,1\]<stdout>' "$work/tagged.txt"; then fail "rank 1 printed on stdout"; fi
    grep -q '"ranks": 2' "$work/out/summary.json" || fail "summary.json does not say \"ranks\": 2"
    echo "ok: rank 0 alone prints, summary.json records 2 ranks" ;;
one_rank)
    ok plain "$lenet5" --threads 1 $small --epochs 2 --out "$work/plain"
    ok np1 "$mpirun" -np 1 "$lenet5" --threads 1 $small --epochs 2 --out "$work/np1"
    tensor_bytes "$work/plain/model.safetensors" >"$work/plain.bin"
    tensor_bytes "$work/np1/model.safetensors" >"$work/np1.bin"
    cmp "$work/plain.bin" "$work/np1.bin" || fail "mpirun -np 1 does not equal a plain run bit for bit"
    for f in plain np1; do
        grep -v '"seconds_per_epoch"\|"out"\|"ranks"' "$work/$f/summary.json" >"$work/$f.json"
    done
    diff "$work/plain.json" "$work/np1.json" || fail "mpirun -np 1's summary.json differs from a plain run's"
    echo "ok: mpirun -np 1 == a plain run, bitwise" ;;
signal_resume)
    ok straight run_program $small --epochs 2 --out "$work/straight"
    run_program $small --epochs 2 --out "$work/signal" --raise-signal-at-step 16 >"$work/signal.txt" 2>&1
    rc=$?
    cat "$work/signal.txt"
    [ "$rc" -ne 0 ] || fail "the SIGINT run exited 0"
    grep -q "SIGINT: stopped in epoch 2 after" "$work/signal.txt" || fail "rank 0 did not stop in epoch 2"
    ok resumed run_program $small --epochs 2 --out "$work/signal" --resume "$work/signal/model.safetensors"
    grep -q "resumed from .* after epoch 1" "$work/resumed.txt" || fail "no 'resumed ... after epoch 1'"
    tensor_bytes "$work/straight/model.safetensors" >"$work/straight.bin"
    tensor_bytes "$work/signal/model.safetensors" >"$work/signal.bin"
    cmp "$work/straight.bin" "$work/signal.bin" || fail "stopped and resumed: not the straight run's weights"
    echo "ok: on 2 ranks, a SIGINT in epoch 2 + resume == the uninterrupted run, bitwise" ;;
rank1_failing)
    rank1_missing_data "$mpirun" "$lenet5" --threads 1 --validation 40 --batch 16 --seed 5 --epochs 1 --data mnist --out "$work/out" ;;
*)
    fail "unknown case" ;;
esac
