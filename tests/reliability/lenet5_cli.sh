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
case "$case_name" in
unknown_flag)
    expect_failure 'not expected: --no-such-flag' --no-such-flag --out "$work/out" ;;
epochs_zero)
    expect_failure "--epochs: must be a positive number, got '0'" --epochs 0 --out "$work/out" ;;
batch_negative)
    expect_failure "--batch: must be a positive number, got '-1'" --batch -1 --out "$work/out" ;;
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
*)
    fail "unknown case" ;;
esac
rm -rf "$work"
exit 0
