#!/bin/sh
# examples/gan's `gan train` under mpirun (a CTNN_MPI build), one case per CTest test:
#   gan_mpi.sh MPIRUN GAN SCRATCH_DIR CASE
# The data are tiny synthetic MNIST directories (cli_helpers.sh: 64 training, 20 test images);
# every run: --batch 16 (the global batch), --seed 5, one thread per rank.
#   two_ranks:   mpirun -np 2 for mlp-bn (with --ema) and the conditional cmlp: exit 0; rank 0
#                prints each line once and writes every output (summary.json says "ranks": 2);
#                rank 1 prints nothing on stdout.
#   one_rank:    mpirun -np 1 equals a plain run bit for bit (G, D, the moving average of G): rank 0
#                draws the latents, noise and shuffle a single process draws.
#   resume:      2 ranks, mlp-bn with --ema: 2 epochs straight == 1 epoch + --resume + 1 epoch,
#                bitwise (G, D, the moving average of G, with Adam's moments); and a SIGINT on rank 0
#                after iteration 6 (epoch 2) + --resume == the straight run: bitwise but for the
#                BatchNorm running statistics, which are averaged over the ranks at the stop instead
#                of only at the epoch's end, and so agree to float rounding (within 1e-6 relative;
#                measured 6e-8 absolute); the weights, which do not depend on them, stay bitwise.
#   failing:     a bad --resume directory ends both ranks with a "ctnn: rank R failed" line each; a
#                missing --data on rank 1 alone (mpirun's MPMD form, a working directory per rank)
#                ends both with rank 1's line; non-zero exits within the test's timeout, and no
#                generator.safetensors or summary.json in --out.
set -u
mpirun=$1
gan=$2
scratch=$3
case_name=$4
work="$scratch/gan-mpi-$case_name"
rm -rf "$work"
mkdir -p "$work"

run_program() { "$mpirun" -np 2 --oversubscribe "$gan" train --threads 1 "$@"; }
completed_outputs="generator.safetensors summary.json"
. "$(dirname "$0")/cli_helpers.sh"

small="--batch 16 --seed 5 --sample-every 1 --data $work/mnist"
write_mnist "$work/mnist" 64 20
# ranks N NAME ARGS...: gan train on N ranks (tagged output in $work/NAME.txt); fails unless it exits 0.
ranks() {
    n=$1 name=$2
    shift 2
    "$mpirun" -np "$n" --oversubscribe --tag-output "$gan" train --threads 1 $small "$@" >"$work/$name.txt" 2>&1 ||
        { cat "$work/$name.txt"; fail "mpirun -np $n gan train $* failed"; }
}
# same_sets A B: G, D and the moving average of G of two run directories, tensor bytes identical.
same_sets() {
    for f in generator discriminator generator_ema; do
        tensor_bytes "$1/$f.safetensors" >"$work/a.bin"
        tensor_bytes "$2/$f.safetensors" >"$work/b.bin"
        [ -s "$work/a.bin" ] || fail "no tensor bytes in $1/$f.safetensors"
        cmp -s "$work/a.bin" "$work/b.bin" || fail "$2/$f.safetensors differs from $1's"
    done
}

case "$case_name" in
two_ranks)
    for arch in mlp-bn cmlp; do
        ranks 2 "$arch" --arch "$arch" --epochs 2 --ema 0.9 --out "$work/$arch"
        cat "$work/$arch.txt"
        for line in "MNIST from" "data-parallel over 2 ranks: 8 images per rank per global batch of 16" \
            "epoch  1 " "epoch  2 " "outputs in"; do
            n=$(grep -c "^\[1,0\]<stdout>:$line" "$work/$arch.txt")
            [ "$n" -eq 1 ] || fail "$arch: rank 0 printed '$line' $n times, expected once"
        done
        if grep -q '^\[1,1\]<stdout>' "$work/$arch.txt"; then fail "$arch: rank 1 printed on stdout"; fi
        for f in summary.json checkpoint.json metrics.csv generator.safetensors discriminator.safetensors \
            generator_ema.safetensors samples.png losses.png samples/epoch_002.png; do
            [ -s "$work/$arch/$f" ] || fail "$arch: no $f in --out"
        done
        grep -q '"ranks": 2' "$work/$arch/summary.json" || fail "$arch: summary.json does not say \"ranks\": 2"
        [ "$(wc -l <"$work/$arch/metrics.csv")" -eq 3 ] || fail "$arch: metrics.csv does not hold 2 epochs"
        echo "ok: $arch on 2 ranks, rank 0 alone printing and writing"
    done ;;
one_rank)
    "$gan" train --threads 1 $small --arch mlp-bn --epochs 2 --ema 0.9 --out "$work/plain" >"$work/plain.txt" 2>&1 ||
        { cat "$work/plain.txt"; fail "a plain run failed"; }
    ranks 1 np1 --arch mlp-bn --epochs 2 --ema 0.9 --out "$work/np1"
    same_sets "$work/plain" "$work/np1"
    echo "ok: mpirun -np 1 == a plain run, bitwise (G, D, moving average)" ;;
resume)
    ranks 2 straight --arch mlp-bn --epochs 2 --ema 0.9 --out "$work/straight"
    ranks 2 first --arch mlp-bn --epochs 1 --ema 0.9 --out "$work/resumed"
    ranks 2 second --arch mlp-bn --epochs 2 --ema 0.9 --out "$work/resumed" --resume "$work/resumed"
    grep -q "resumed from .* after epoch 1" "$work/second.txt" || fail "no 'resumed after epoch 1'"
    same_sets "$work/straight" "$work/resumed"
    echo "ok: on 2 ranks, 2 epochs == 1 epoch + resume + 1 epoch, bitwise"
    "$mpirun" -np 2 --oversubscribe --tag-output "$gan" train --threads 1 $small --arch mlp-bn --epochs 2 --ema 0.9 \
        --out "$work/signal" --raise-signal-at-step 6 >"$work/signal.txt" 2>&1
    rc=$?
    cat "$work/signal.txt"
    [ "$rc" -ne 0 ] || fail "the SIGINT run exited 0"
    grep -q '^\[1,0\]<stdout>:SIGINT: stopped in epoch 2 after 2 iterations' "$work/signal.txt" ||
        fail "rank 0 did not stop after iteration 6 (epoch 2, 2 iterations)"
    ranks 2 signal2 --arch mlp-bn --epochs 2 --ema 0.9 --out "$work/signal" --resume "$work/signal"
    for f in generator discriminator generator_ema; do
        python3 "$(dirname "$0")/compare_safetensors.py" "$work/straight/$f.safetensors" \
            "$work/signal/$f.safetensors" running_ 1e-6 || fail "stopped and resumed: $f is not the straight run's"
    done
    echo "ok: on 2 ranks, a SIGINT in epoch 2 + resume == the uninterrupted run: weights and Adam moments" \
        "bitwise, the BatchNorm running statistics (averaged at the stop) within 1e-6" ;;
failing)
    mkdir -p "$work/bad"
    printf 'not a manifest' >"$work/bad/checkpoint.json"
    expect_failure "ctnn: rank [01] failed: .*checkpoint.json" $small --epochs 1 --out "$work/out" \
        --resume "$work/bad"
    [ "$(grep -c 'ctnn: rank [01] failed' "$work/output.txt")" -ge 2 ] || fail "not every rank printed the failure"
    rank1_missing_data "$mpirun" "$gan" train --threads 1 --batch 16 --seed 5 --epochs 1 --data mnist --out "$work/out" ;;
*)
    fail "unknown case" ;;
esac
