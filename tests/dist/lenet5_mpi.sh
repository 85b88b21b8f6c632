#!/bin/sh
# examples/lenet5 under mpirun, one case per CTest test (label mpi):
#   lenet5_mpi.sh MPIEXEC LENET5 MNIST_DIR SCRATCH_DIR CASE
# Every run: --train-limit 2048, --validation 1000, --batch 64 (32 global batches an epoch),
# Adam, constant lr, --seed 3, one thread per rank, on MNIST_DIR (synthetic IDX files when it has
# no MNIST: the comparisons below hold for any data).
#   two_ranks      mpirun -np 2: exit 0; rank 0 prints each line once (MNIST, epochs, test
#                  accuracy) and writes summary.json ("ranks": 2) and model.safetensors; rank 1
#                  prints nothing at all, on stdout or stderr (no progress line, no warning).
#   one_process    2 ranks against one process, 2 epochs at global batch 64. The ranks sum their
#                  weighted share gradients in another order than one process sums the batch, so
#                  the weights differ by float rounding, which the optimizer then carries on:
#                  - SGD (--lr 0.01): the weights' relative L2 difference |w2 - w1| / |w1| at most
#                    1e-5 (measured 6.2e-7; largest element difference 1.7e-6). SGD is linear in the
#                    gradient, so this also catches a wrongly weighted average (2x: a difference of
#                    order 1), which Adam's scale invariance would hide.
#                  - Adam (the default optimizer): test accuracy within 0.5 points (measured: equal),
#                    test loss within 1 % (measured 0.12 %), relative L2 difference at most 1e-2
#                    (measured 1.7e-3, largest element 5.4e-3 of |w| <= 0.28). Adam divides each
#                    step by sqrt(v): a weight whose gradient is near zero (a unit that ReLU or max
#                    pooling switches off) moves by about the learning rate in the direction the
#                    rounding noise picks, so its differences grow far beyond SGD's.
#                  And mpirun -np 1 equals a plain run bit for bit (same tensors, same
#                  summary.json but for the seconds and --out).
#   resume         2 ranks: a SIGINT at step 40 (epoch 2), then --resume; and --epochs 1, then
#                  --resume --epochs 2: both checkpoints' tensors equal an uninterrupted 2-rank
#                  run's bit for bit (the same global batches, shares and sum order on every step;
#                  the checkpoint holds the weights, Adam's state and the position in the epoch).
#   failing_rank   rank 1 alone gets a missing --data directory (mpirun's MPMD form, a working
#                  directory per rank, --data relative): both ranks print the same
#                  "ctnn: rank 1 failed: ...: MNIST directory not found" line, the exit status is
#                  non-zero within 30 s, and --out holds no model.safetensors or summary.json.
set -u
mpiexec=$1
lenet5=$2
mnist=$3
scratch=$4
case_name=$5
work="$scratch/lenet5-mpi-$case_name"
rm -rf "$work"
mkdir -p "$work"
run_program() { "$lenet5" "$@"; }  # $common holds --threads 1
completed_outputs="model.safetensors summary.json"
. "$(dirname "$0")/../reliability/cli_helpers.sh"

if [ ! -e "$mnist/train-images-idx3-ubyte" ]; then
    echo "no MNIST in $mnist: synthetic IDX files"
    mnist="$work/mnist"
    write_mnist "$mnist" 3048 500
fi
common="--data $mnist --train-limit 2048 --validation 1000 --batch 64 --schedule constant --seed 3 --threads 1"

# ranks N OUT LOG ARGS...: lenet5 on N ranks (tagged output in LOG); fails the case unless it exits 0.
ranks() {
    n=$1 out=$2 log=$3
    shift 3
    "$mpiexec" -np "$n" --oversubscribe --tag-output "$lenet5" $common --out "$out" "$@" >"$log" 2>&1 ||
        { cat "$log"; fail "mpirun -np $n lenet5 $* failed"; }
}
# floats FILE: the float32 tensors of a checkpoint, one value a line (the parameters come first).
floats() {
    tensor_bytes "$1" | od -An -v -t f4 -w4
}
# max_difference A B: the largest |a - b| over the tensors of two checkpoints.
max_difference() {
    floats "$1" >"$work/a.txt"
    floats "$2" >"$work/b.txt"
    paste "$work/a.txt" "$work/b.txt" | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > m) m = d } END { printf "%.3g\n", m }'
}
# relative_difference A B N: |a - b| / |a| (L2) over the first N values (the parameters).
relative_difference() {
    floats "$1" >"$work/a.txt"
    floats "$2" >"$work/b.txt"
    paste "$work/a.txt" "$work/b.txt" | awk -v n="$3" 'NR <= n { d += ($1 - $2) ^ 2; s += $1 ^ 2 }
        END { printf "%.3g\n", sqrt(d / s) }'
}
# within VALUE BOUND: exit status 0 when VALUE <= BOUND (numbers awk reads).
within() {
    awk -v v="$1" -v b="$2" 'BEGIN { exit !(v != "" && v + 0 <= b + 0) }'
}
same_tensors() {
    tensor_bytes "$1" >"$work/a.bin"
    tensor_bytes "$2" >"$work/b.bin"
    cmp -s "$work/a.bin" "$work/b.bin"
}
# json_number FILE KEY: a top-level number of summary.json ("  \"KEY\": 0.85,").
json_number() {
    sed -n "s/^  \"$2\": \([-0-9.e+]*\),*$/\1/p" "$1"
}

case "$case_name" in
two_ranks)
    ranks 2 "$work/out" "$work/log.txt" --epochs 2
    cat "$work/log.txt"
    for line in "MNIST from" "epoch  1 " "epoch  2 " "test accuracy" "outputs in"; do
        n=$(grep -c "^\[1,0\]<stdout>:$line" "$work/log.txt")
        [ "$n" -eq 1 ] || fail "rank 0 printed '$line' $n times, expected once"
        n=$(grep -c "$line" "$work/log.txt")
        [ "$n" -eq 1 ] || fail "'$line' appears $n times, expected once"
    done
    if grep -q '^\[1,1\]' "$work/log.txt"; then fail "rank 1 printed something"; fi
    for f in summary.json model.safetensors metrics.csv confusion.png; do
        [ -s "$work/out/$f" ] || fail "no $f in --out"
    done
    grep -q '^  "ranks": 2,$' "$work/out/summary.json" || fail "summary.json does not say \"ranks\": 2"
    [ "$(grep -c '^[0-9]' "$work/out/metrics.csv")" -eq 2 ] || fail "metrics.csv does not hold 2 epochs" ;;
one_process)
    sgd="--optimizer sgd --lr 0.01"
    run_program $common $sgd --epochs 2 --out "$work/sgd1" >"$work/sgd1.txt" 2>&1 ||
        { cat "$work/sgd1.txt"; fail "one process (SGD) failed"; }
    ranks 2 "$work/sgd2" "$work/sgd2.txt" $sgd --epochs 2
    params=$(json_number "$work/sgd1/summary.json" param_count)
    r=$(relative_difference "$work/sgd1/model.safetensors" "$work/sgd2/model.safetensors" "$params")
    echo "SGD: relative L2 difference of the $params weights $r" \
        "(largest tensor difference $(max_difference "$work/sgd1/model.safetensors" "$work/sgd2/model.safetensors"))"
    within "$r" 1e-5 || fail "SGD: 2 ranks' weights differ from one process's by $r > 1e-5 (relative L2)"

    run_program $common --epochs 2 --out "$work/one" >"$work/one.txt" 2>&1 ||
        { cat "$work/one.txt"; fail "one process failed"; }
    ranks 2 "$work/two" "$work/two.txt" --epochs 2
    a1=$(json_number "$work/one/summary.json" test_accuracy)
    a2=$(json_number "$work/two/summary.json" test_accuracy)
    l1=$(json_number "$work/one/summary.json" test_loss)
    l2=$(json_number "$work/two/summary.json" test_loss)
    r=$(relative_difference "$work/one/model.safetensors" "$work/two/model.safetensors" "$params")
    echo "Adam: test accuracy one process $a1, 2 ranks $a2; test loss $l1, $l2; relative L2 difference $r" \
        "(largest tensor difference $(max_difference "$work/one/model.safetensors" "$work/two/model.safetensors"))"
    within "$(awk -v a="$a1" -v b="$a2" 'BEGIN { d = a - b; print d < 0 ? -d : d }')" 0.005 ||
        fail "test accuracy $a2 on 2 ranks is not within 0.005 of $a1"
    within "$(awk -v a="$l1" -v b="$l2" 'BEGIN { d = (a - b) / a; print d < 0 ? -d : d }')" 0.01 ||
        fail "test loss $l2 on 2 ranks is not within 1 % of $l1"
    within "$r" 1e-2 || fail "Adam: 2 ranks' weights differ from one process's by $r > 1e-2 (relative L2)"
    ranks 1 "$work/np1" "$work/np1.txt" --epochs 2
    same_tensors "$work/one/model.safetensors" "$work/np1/model.safetensors" ||
        fail "mpirun -np 1 does not equal a plain run bit for bit"
    for f in one np1; do grep -v '"seconds_per_epoch"\|"out"' "$work/$f/summary.json" >"$work/$f.json"; done
    diff "$work/one.json" "$work/np1.json" || fail "mpirun -np 1's summary.json differs from a plain run's" ;;
resume)
    ranks 2 "$work/straight" "$work/straight.txt" --epochs 2
    "$mpiexec" -np 2 --oversubscribe --tag-output "$lenet5" $common --epochs 2 --out "$work/signal" \
        --raise-signal-at-step 40 >"$work/signal.txt" 2>&1
    rc=$?
    cat "$work/signal.txt"
    [ "$rc" -ne 0 ] || fail "the SIGINT run exited 0"
    grep -q '^\[1,0\]<stdout>:SIGINT: stopped in epoch 2 after 8 batches' "$work/signal.txt" ||
        fail "rank 0 did not stop after step 40 (epoch 2, 8 batches)"
    ranks 2 "$work/signal" "$work/signal2.txt" --epochs 2 --resume "$work/signal/model.safetensors"
    grep -q "resumed from .* after epoch 1 (step 40)" "$work/signal2.txt" || fail "no 'resumed after epoch 1 (step 40)'"
    same_tensors "$work/straight/model.safetensors" "$work/signal/model.safetensors" ||
        fail "stopped at step 40 and resumed: not the uninterrupted run's tensors (max difference $(max_difference "$work/straight/model.safetensors" "$work/signal/model.safetensors"))"
    ranks 2 "$work/epochs" "$work/epochs1.txt" --epochs 1
    ranks 2 "$work/epochs" "$work/epochs2.txt" --epochs 2 --resume "$work/epochs/model.safetensors"
    if grep -q "warning:" "$work/epochs2.txt"; then cat "$work/epochs2.txt"; fail "unexpected warning on an exact resume"; fi
    same_tensors "$work/straight/model.safetensors" "$work/epochs/model.safetensors" ||
        fail "1 epoch, then --resume: not the uninterrupted run's tensors"
    cmp -s "$work/straight/metrics.csv" "$work/epochs/metrics.csv" ||
        [ "$(cut -d, -f1-8 "$work/straight/metrics.csv")" = "$(cut -d, -f1-8 "$work/epochs/metrics.csv")" ] ||
        fail "metrics.csv figures differ from the uninterrupted run's"
    echo "both resumed checkpoints equal the uninterrupted 2-rank run bit for bit" ;;
failing_rank)
    mkdir -p "$work/rank0" "$work/rank1"
    ln -s "$mnist" "$work/rank0/mnist"
    args="$(echo "$common" | sed "s|--data $mnist|--data mnist|") --epochs 1 --out $work/out"
    start=$(date +%s)
    "$mpiexec" --oversubscribe --tag-output -np 1 -wdir "$work/rank0" "$lenet5" $args : \
        -np 1 -wdir "$work/rank1" "$lenet5" $args >"$work/log.txt" 2>&1
    rc=$?
    seconds=$(($(date +%s) - start))
    cat "$work/log.txt"
    echo "exit status $rc after $seconds s"
    [ "$rc" -ne 0 ] || fail "exit status 0, expected non-zero"
    for r in 0 1; do
        grep -q "^\[1,$r\]<stderr>:ctnn: rank 1 failed: mnist: MNIST directory not found" "$work/log.txt" ||
            fail "rank $r did not print the failure line"
    done
    [ "$(grep -c 'ctnn: rank [0-9] failed' "$work/log.txt")" -eq 2 ] || fail "not one failure line per rank"
    [ "$seconds" -lt 30 ] || fail "took $seconds s"
    for f in $completed_outputs; do
        [ ! -e "$work/out/$f" ] || fail "$work/out/$f was left behind"
    done ;;
*) fail "unknown case" ;;
esac
echo "PASS"
