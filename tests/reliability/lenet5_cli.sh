#!/bin/sh
# Command-line reliability of examples/lenet5, one case per CTest test:
#   lenet5_cli.sh LENET5 SCRATCH_DIR CASE
# Failure cases: lenet5 must exit non-zero, print a message naming the problem, and leave no
# model.safetensors or summary.json in --out (nothing that claims a finished run). The data are
# tiny synthetic MNIST directories written here (60 training and 20 test images).
# resume_exact: 2 epochs straight == 1 epoch, then --resume for 1 more (tensor bytes identical).
set -u
lenet5=$1
scratch=$2
case_name=$3
work="$scratch/lenet5-cli-$case_name"
rm -rf "$work"
mkdir -p "$work"

run_program() { "$lenet5" --threads 1 "$@"; }
completed_outputs="model.safetensors summary.json"
. "$(dirname "$0")/cli_helpers.sh"

small="--validation 10 --batch 16 --schedule constant --seed 5"
# run_ok ARGS...: a run that must succeed (its output shown when it does not).
run_ok() {
    run_program "$@" >"$work/ok.txt" 2>&1 || { cat "$work/ok.txt"; fail "lenet5 $* failed"; }
}
case "$case_name" in
unknown_flag)
    expect_failure 'not expected: --no-such-flag' --no-such-flag --out "$work/out" ;;
epochs_zero)
    expect_failure "--epochs: '0' is out of range \\[1, 100000\\]" --epochs 0 --out "$work/out" ;;
batch_negative)
    expect_failure "--batch: must be a whole number in \\[1, 65536\\], got '-1'" --batch -1 --out "$work/out" ;;
seed_negative)  # issue 15 #13: no wrap-around to 2^64 - 1
    expect_failure "--seed: must be a whole number in \\[0, 18446744073709551615\\], got '-1'" --seed -1 --out "$work/out" ;;
batch_too_large)  # 2^64: not saturated to 2^64 - 1
    expect_failure "--batch: '18446744073709551616' is out of range" --batch 18446744073709551616 --out "$work/out" ;;
epochs_too_large)
    expect_failure "--epochs: '18446744073709551616' is out of range" --epochs 18446744073709551616 --out "$work/out" ;;
validation_zero)  # issue 15 #14
    expect_failure "--validation: '0' is out of range \\[1, " --validation 0 --out "$work/out" ;;
validation_all)
    write_mnist "$work/mnist" 60 20
    expect_failure "--validation 60 leaves no training images \\($work/mnist holds 60\\)" \
        --validation 60 --data "$work/mnist" --out "$work/out" ;;
non_finite_bad_value)
    expect_failure "--non-finite" --non-finite sometimes --out "$work/out" ;;
data_missing)
    expect_failure "/nonexistent/mnist: MNIST directory not found" --data /nonexistent/mnist --out "$work/out" ;;
data_empty_dir)
    mkdir -p "$work/empty"
    expect_failure "no MNIST files found" --data "$work/empty" --out "$work/out" ;;
out_unwritable)
    write_mnist "$work/mnist" 60 20
    : >"$work/a-file"
    expect_failure "cannot create the --out directory $work/a-file/out: Not a directory" \
        --data "$work/mnist" --out "$work/a-file/out"
    [ ! -e "$work/out" ] || fail "an output directory was created" ;;
truncated_idx)
    write_mnist "$work/mnist" 60 20
    head -c 20000 "$work/mnist/train-images-idx3-ubyte" >"$work/cut" && mv "$work/cut" "$work/mnist/train-images-idx3-ubyte"
    expect_failure "train-images-idx3-ubyte: truncated data: the header's dimensions 60 x 28 x 28 need 47040 bytes" \
        --data "$work/mnist" --out "$work/out" ;;
label_out_of_range)
    write_mnist "$work/mnist" 60 20
    { printf '\000\000\010\001'; be32 20; printf '\001\002\003\004\005\006\007\010\011\012\001\002\003\004\005\006\007\010\011\000'; } \
        >"$work/mnist/t10k-labels-idx1-ubyte"
    expect_failure "t10k-labels-idx1-ubyte: label 10 at index 9 is outside 0-9" --data "$work/mnist" --out "$work/out" ;;
corrupt_gzip)
    write_mnist "$work/mnist" 60 20
    { printf '\037\213\010\000\000\000\000\000\000\003'; head -c 300 "$work/mnist/train-labels-idx1-ubyte"; } \
        >"$work/mnist/train-labels-idx1-ubyte.gz"
    rm "$work/mnist/train-labels-idx1-ubyte"
    expect_failure "train-labels-idx1-ubyte.gz: (corrupt|truncated) gzip" --data "$work/mnist" --out "$work/out" ;;
resume_garbage)
    write_mnist "$work/mnist" 60 20
    printf 'this is not a checkpoint, just some text long enough' >"$work/garbage.safetensors"
    expect_failure "garbage.safetensors: header length [0-9]+ (is larger|exceeds)" \
        $small --data "$work/mnist" --resume "$work/garbage.safetensors" --out "$work/out" ;;
resume_other_arch)
    write_mnist "$work/mnist" 60 20
    "$lenet5" --threads 1 $small --epochs 1 --arch classic --data "$work/mnist" --out "$work/classic" >/dev/null 2>&1 ||
        fail "training the classic LeNet-5 failed"
    expect_failure "classic/model.safetensors: architecture differs: checkpoint 'Input\\(1, 28, 28\\) -> Pad" \
        $small --data "$work/mnist" --resume "$work/classic/model.safetensors" --arch relu --out "$work/out" ;;
non_finite_stop)
    write_mnist "$work/mnist" 60 20
    expect_failure "training step [0-9]+ \\(epoch 1\\): (loss is|gradient of)" $small --epochs 2 --lr 1e30 \
        --data "$work/mnist" --out "$work/out" ;;
resume_exact)
    write_mnist "$work/mnist" 60 20
    "$lenet5" --threads 1 $small --epochs 2 --data "$work/mnist" --out "$work/straight" >"$work/straight.txt" 2>&1 ||
        { cat "$work/straight.txt"; fail "2-epoch run failed"; }
    "$lenet5" --threads 1 $small --epochs 1 --data "$work/mnist" --out "$work/resumed" >"$work/first.txt" 2>&1 ||
        { cat "$work/first.txt"; fail "1-epoch run failed"; }
    "$lenet5" --threads 1 $small --epochs 2 --data "$work/mnist" --out "$work/resumed" \
        --resume "$work/resumed/model.safetensors" >"$work/second.txt" 2>&1 ||
        { cat "$work/second.txt"; fail "resumed run failed"; }
    cat "$work/second.txt"
    grep -q "resumed from .* after epoch 1 (step 4)" "$work/second.txt" || fail "no 'resumed after epoch 1 (step 4)'"
    if grep -q "warning:" "$work/second.txt"; then fail "unexpected warning on an exact resume"; fi
    tensor_bytes "$work/straight/model.safetensors" >"$work/straight.bin"
    tensor_bytes "$work/resumed/model.safetensors" >"$work/resumed.bin"
    [ -s "$work/straight.bin" ] || fail "no tensor bytes in the straight run's checkpoint"
    cmp "$work/straight.bin" "$work/resumed.bin" || fail "resumed weights differ from the straight run's"
    grep -q '"epochs": 2' "$work/resumed/summary.json" || fail "summary.json does not say 2 epochs"
    # A resume with another seed is allowed but says it will not be exact.
    "$lenet5" --threads 1 --validation 10 --batch 16 --schedule constant --seed 6 --epochs 3 --data "$work/mnist" \
        --out "$work/resumed" --resume "$work/resumed/model.safetensors" >"$work/third.txt" 2>&1 ||
        { cat "$work/third.txt"; fail "resume with another seed failed"; }
    grep -q "warning: --seed is 6 but .* was trained with 5" "$work/third.txt" || fail "no warning for another seed"
    echo "ok: 2 epochs == 1 epoch + resume + 1 epoch, bitwise" ;;
eval_only_untouched)  # issue 15 #6: evaluation writes eval.json and touches no training log
    write_mnist "$work/mnist" 60 20
    run_ok $small --epochs 1 --data "$work/mnist" --out "$work/run"
    cp "$work/run/metrics.csv" "$work/metrics.before"
    cp "$work/run/summary.json" "$work/summary.before"
    run_ok $small --data "$work/mnist" --resume "$work/run/model.safetensors" --eval-only --out "$work/run"
    cmp "$work/run/metrics.csv" "$work/metrics.before" || fail "--eval-only changed metrics.csv"
    cmp "$work/run/summary.json" "$work/summary.before" || fail "--eval-only changed summary.json"
    grep -q '"test_accuracy"' "$work/run/eval.json" || fail "no eval.json with test_accuracy"
    echo "ok: --eval-only wrote eval.json only" ;;
lock_held)  # issue 15 #9: one run per --out; the second names the holder
    write_mnist "$work/mnist" 60 20
    mkdir -p "$work/out"
    echo 4242 >"$work/out/.lock"
    flock "$work/out/.lock" sleep 5 &
    i=0  # until the holder has the lock (flock -n then fails)
    while flock -n "$work/out/.lock" true; do
        i=$((i + 1)); [ $i -lt 100 ] || fail "the holder did not take the lock"
        sleep 0.05
    done
    expect_failure "--out $work/out is in use by another run \\(pid 4242" $small --data "$work/mnist" --out "$work/out"
    wait ;;
write_failure)  # issue 15 #7: a write that fails exits non-zero naming the file
    write_mnist "$work/mnist" 60 20
    mkdir -p "$work/out/summary.json"
    run_program $small --epochs 1 --data "$work/mnist" --out "$work/out" >"$work/output.txt" 2>&1
    rc=$?
    cat "$work/output.txt"
    [ "$rc" -ne 0 ] || fail "exit status 0 although summary.json could not be written"
    grep -q "summary.json" "$work/output.txt" || fail "the message does not name summary.json" ;;
metrics_cut)  # issue 15 #10: resume cuts metrics.csv back to the checkpoint's epoch
    write_mnist "$work/mnist" 60 20
    run_ok $small --epochs 1 --data "$work/mnist" --out "$work/run"
    cp "$work/run/model.safetensors" "$work/epoch1.safetensors"
    run_ok $small --epochs 2 --data "$work/mnist" --out "$work/run" --resume "$work/run/model.safetensors"
    # As if killed after epoch 2's log row but before its checkpoint: epoch 1's checkpoint again.
    cp "$work/epoch1.safetensors" "$work/run/model.safetensors"
    run_ok $small --epochs 3 --data "$work/mnist" --out "$work/run" --resume "$work/run/model.safetensors"
    [ "$(cut -d, -f1 "$work/run/metrics.csv" | tr '\n' ' ')" = "epoch 1 2 3 " ] ||
        fail "metrics.csv epochs are $(cut -d, -f1 "$work/run/metrics.csv" | tr '\n' ' ')"
    echo "ok: metrics.csv holds epochs 1 2 3 once each" ;;
sigint_resume)  # issue 15 #17: SIGINT saves the position in the epoch; resuming equals a straight run
    write_mnist "$work/mnist" 60 20
    run_ok $small --epochs 2 --data "$work/mnist" --out "$work/straight"
    run_program $small --epochs 2 --data "$work/mnist" --out "$work/stopped" --raise-signal-at-step 6 \
        >"$work/stop.txt" 2>&1
    rc=$?
    cat "$work/stop.txt"
    [ "$rc" -eq 130 ] || fail "exit status $rc after SIGINT, expected 130"
    grep -q "SIGINT: stopped in epoch 2 after 2 batches" "$work/stop.txt" || fail "no 'stopped in epoch 2 after 2 batches'"
    run_ok $small --epochs 2 --data "$work/mnist" --out "$work/stopped" --resume "$work/stopped/model.safetensors"
    tensor_bytes "$work/straight/model.safetensors" >"$work/straight.bin"
    tensor_bytes "$work/stopped/model.safetensors" >"$work/stopped.bin"
    cmp "$work/straight.bin" "$work/stopped.bin" || fail "stopped + resumed weights differ from the straight run's"
    cut -d, -f1-8 "$work/straight/metrics.csv" >"$work/straight.csv"
    cut -d, -f1-8 "$work/stopped/metrics.csv" >"$work/stopped.csv"
    cmp "$work/straight.csv" "$work/stopped.csv" || fail "the epoch figures differ from the straight run's"
    echo "ok: stopped at step 6 (epoch 2), resumed: weights and figures equal the straight run's" ;;
sigterm_stop)  # a real SIGTERM from outside, mid-run: exit 143 and a checkpoint with the position
    write_mnist "$work/mnist" 2000 20
    "$lenet5" --threads 1 $small --epochs 100000 --data "$work/mnist" --out "$work/run" >"$work/run.txt" 2>&1 &
    pid=$!  # the program itself (not a subshell), so the signal reaches it
    i=0
    while ! grep -q "^epoch  1" "$work/run.txt" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 600 ] || { kill -9 $pid; fail "no epoch line within 60 s"; }
        sleep 0.1
    done
    kill -TERM $pid
    wait $pid
    rc=$?
    cat "$work/run.txt" | tail -3
    [ "$rc" -eq 143 ] || fail "exit status $rc after SIGTERM, expected 143"
    grep -q "SIGTERM: stopped in epoch" "$work/run.txt" || fail "no 'SIGTERM: stopped in epoch'"
    [ -s "$work/run/model.safetensors" ] || fail "no checkpoint"
    echo "ok: SIGTERM -> exit 143 with a checkpoint" ;;
threads_warning)  # issue 15 #15: the CPU's results depend on --threads; resuming with another warns
    write_mnist "$work/mnist" 60 20
    run_ok $small --epochs 1 --data "$work/mnist" --out "$work/run"
    "$lenet5" --threads 2 $small --epochs 2 --data "$work/mnist" --out "$work/run" \
        --resume "$work/run/model.safetensors" >"$work/second.txt" 2>&1 || { cat "$work/second.txt"; fail "resume failed"; }
    grep -q "warning: --threads is 2 but .* was trained with 1" "$work/second.txt" || fail "no warning for --threads" ;;
openblas_old_core)  # issue 16: OpenBLAS running kernels older than the CPU is said, once
    grep -qw avx2 /proc/cpuinfo || { echo "skipped: this CPU has no AVX2, so no OpenBLAS core is older"; exit 0; }
    write_mnist "$work/mnist" 60 20
    OPENBLAS_CORETYPE=Prescott run_ok $small --epochs 1 --data "$work/mnist" --out "$work/run"
    [ "$(grep -c "OpenBLAS runs its Prescott kernels on this AVX.* CPU" "$work/ok.txt")" = 1 ] ||
        { cat "$work/ok.txt"; fail "no single line about OpenBLAS's Prescott kernels"; } ;;
files_idx)  # --train/--test: IDX files of any name, each with its label file
    write_mnist "$work/mnist" 60 20
    mv "$work/mnist/train-images-idx3-ubyte" "$work/a.images"
    mv "$work/mnist/train-labels-idx1-ubyte" "$work/a.labels"
    mv "$work/mnist/t10k-images-idx3-ubyte" "$work/b.images"
    mv "$work/mnist/t10k-labels-idx1-ubyte" "$work/b.labels"
    run_ok $small --epochs 1 --train "$work/a.images" --train-labels "$work/a.labels" \
        --test "$work/b.images" --test-labels "$work/b.labels" --out "$work/out"
    grep -q "a.images and .*b.images: 50 train, 10 validation, 20 test" "$work/ok.txt" ||
        { cat "$work/ok.txt"; fail "the sets were not read from the files"; }
    [ -f "$work/out/summary.json" ] || fail "no summary.json"
    echo "ok: trained from IDX files of any name" ;;
files_csv)  # --train/--test: CSV files (label + 784 pixels) of any name
    for f in train test; do
        awk -v n=$([ $f = train ] && echo 40 || echo 12) 'BEGIN { for (i = 0; i < n; i++) {
            printf "%d", i % 10; for (p = 0; p < 784; p++) printf ",%d", (i * 31 + p * 7) % 256; printf "\n" } }' \
            >"$work/$f.data"
    done
    run_ok $small --epochs 1 --train "$work/train.data" --test "$work/test.data" --out "$work/out"
    grep -q "30 train, 10 validation, 12 test" "$work/ok.txt" || { cat "$work/ok.txt"; fail "CSV sets not read"; }
    echo "ok: trained from CSV files of any name" ;;
files_idx_without_labels)
    write_mnist "$work/mnist" 60 20
    expect_failure "train-images-idx3-ubyte: is an IDX image file, not a CSV" --train "$work/mnist/train-images-idx3-ubyte" \
        --test "$work/mnist/t10k-images-idx3-ubyte" --out "$work/out" ;;
train_without_test)
    expect_failure "--train requires --test" --train "$work/none.csv" --out "$work/out" ;;
resnet_augment_resume)  # --arch resnet --augment: 2 epochs == 1 epoch + resume + 1 epoch, bitwise
    write_mnist "$work/mnist" 60 20
    aug="$small --arch resnet --augment --data $work/mnist"
    run_ok $aug --epochs 2 --out "$work/straight"
    grep -q "Residual" "$work/ok.txt" || fail "the summary names no Residual block"
    run_ok $aug --epochs 1 --out "$work/resumed"
    run_ok $aug --epochs 2 --out "$work/resumed" --resume "$work/resumed/model.safetensors"
    tensor_bytes "$work/straight/model.safetensors" >"$work/straight.bin"
    tensor_bytes "$work/resumed/model.safetensors" >"$work/resumed.bin"
    cmp "$work/straight.bin" "$work/resumed.bin" || fail "resumed weights differ from the straight run's"
    grep -q '"augment": true' "$work/resumed/summary.json" || fail "summary.json does not record --augment"
    echo "ok: ResNet28 with augmentation resumes exactly" ;;
*)
    fail "unknown case" ;;
esac
rm -rf "$work"
exit 0
