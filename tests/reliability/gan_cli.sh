#!/bin/sh
# Command lines of examples/gan, one case per CTest test:
#   gan_cli.sh GAN LENET5 SCRATCH_DIR CASE
# Failure cases: gan must exit non-zero, print a message naming the problem, and leave no
# generator.safetensors or summary.json in --out. The data are tiny synthetic MNIST directories
# written here (64 training and 20 test images).
# outputs: train (with --ema) writes every file it lists; generate writes .npy and .png; eval,
#   scoring with a LeNet-5 that lenet5 trains here, writes eval.json with every field.
# variant_archs: the archs beyond the issue's four (a minibatch-stddev D, a wider DCGAN G or D)
#   train for an epoch, record their arch, and their G draws digits.
# resume_exact: 2 epochs straight == 1 epoch, then --resume for 1 more (G, D and the moving
#   average of G identical bitwise).
set -u
gan=$1
lenet5=$2
scratch=$3
case_name=$4
work="$scratch/gan-cli-$case_name"
rm -rf "$work"
mkdir -p "$work"

run_program() { "$gan" "$@"; }
completed_outputs="generator.safetensors summary.json"
. "$(dirname "$0")/cli_helpers.sh"

# train ARGS...: a small seeded run on $work/mnist (fails the case when it fails).
train() {
    "$gan" train --threads 1 --batch 16 --seed 5 --sample-every 1 --data "$work/mnist" "$@" >"$work/train.txt" 2>&1 ||
        { cat "$work/train.txt"; fail "gan train $* failed"; }
}

case "$case_name" in
unknown_arch)
    expect_failure "--arch: nope not in \{mlp,mlp-bn,mlp-bn-relu,dcgan,mlp-bn-mbstd,dcgan-mbstd,dcgan-wide,dcgan-wide-d\}" train --arch nope --out "$work/out" ;;
ema_out_of_range)
    expect_failure "--ema: Value 1 not in range" train --ema 1 --out "$work/out" ;;
data_missing)
    expect_failure "/nonexistent/mnist: MNIST directory not found" train --data /nonexistent/mnist --out "$work/out" ;;
resume_other_arch)
    write_mnist "$work/mnist" 64 20
    train --arch mlp --epochs 1 --out "$work/mlp"
    expect_failure "--arch dcgan but .*mlp holds a mlp" \
        train --arch dcgan --epochs 2 --data "$work/mnist" --resume "$work/mlp" --out "$work/out" ;;
generator_not_a_generator)
    write_mnist "$work/mnist" 64 20
    train --arch mlp --epochs 1 --out "$work/mlp"
    expect_failure "discriminator.safetensors: not a generator checkpoint" \
        generate --checkpoint "$work/mlp/discriminator.safetensors" --count 4 --out "$work/out/x.png" ;;
outputs)
    write_mnist "$work/mnist" 64 20
    train --arch dcgan --epochs 2 --ema 0.9 --out "$work/run"
    cat "$work/train.txt"
    for f in metrics.csv summary.json generator.safetensors generator_ema.safetensors discriminator.safetensors \
        samples.png samples/epoch_000.png samples/epoch_001.png samples/epoch_002.png losses.png probabilities.png; do
        [ -s "$work/run/$f" ] || fail "train wrote no $f"
    done
    [ "$(wc -l <"$work/run/metrics.csv")" -eq 3 ] || fail "metrics.csv should hold a header and 2 epochs"
    grep -q '"ema": 0.9' "$work/run/summary.json" || fail "summary.json does not record --ema 0.9"
    "$gan" generate --checkpoint "$work/run/generator_ema.safetensors" --count 5 --out "$work/gen/five.npy" ||
        fail "generate .npy failed"
    # .npy: a 128-byte header (NumPy format 1.0) and 5 x 28 x 28 float32 values.
    [ "$(wc -c <"$work/gen/five.npy")" -eq $((128 + 5 * 784 * 4)) ] || fail "five.npy has the wrong size"
    grep -q "'shape': (5, 28, 28)" "$work/gen/five.npy" || fail "five.npy's header lacks shape (5, 28, 28)"
    "$gan" generate --checkpoint "$work/run/generator.safetensors" --count 9 --out "$work/gen/nine.png" ||
        fail "generate .png failed"
    [ -s "$work/gen/nine.png" ] || fail "no nine.png"
    "$lenet5" --threads 1 --epochs 1 --batch 16 --validation 10 --data "$work/mnist" --out "$work/lenet5" \
        >"$work/lenet5.txt" 2>&1 || { cat "$work/lenet5.txt"; fail "training the classifier failed"; }
    "$gan" eval --threads 1 --generator "$work/run/generator_ema.safetensors" \
        --classifier "$work/lenet5/model.safetensors" --data "$work/mnist" --count 20 --splits 2 --truncation 1.5 \
        --out "$work/eval" >"$work/eval.txt" 2>&1 || { cat "$work/eval.txt"; fail "eval failed"; }
    cat "$work/eval.txt"
    for key in fid inception_score class_histogram mean_confidence real_fid real_inception_score; do
        grep -q "\"$key\"" "$work/eval/eval.json" || fail "eval.json has no $key"
    done
    grep -q '"truncation": 1.5' "$work/eval/eval.json" || fail "eval.json does not record --truncation 1.5"
    [ -s "$work/eval/digits.png" ] || fail "eval wrote no digits.png"
    [ "$(wc -l <"$work/eval/predictions.csv")" -eq 21 ] || fail "predictions.csv should hold 20 rows"
    echo "ok: train, generate and eval wrote every output" ;;
resume_exact)
    write_mnist "$work/mnist" 64 20
    train --arch mlp-bn --epochs 2 --ema 0.9 --out "$work/straight"
    train --arch mlp-bn --epochs 1 --ema 0.9 --out "$work/resumed"
    train --arch mlp-bn --epochs 2 --ema 0.9 --out "$work/resumed" --resume "$work/resumed"
    cat "$work/train.txt"
    grep -q "resumed from .* after epoch 1" "$work/train.txt" || fail "no 'resumed after epoch 1'"
    for f in generator discriminator generator_ema; do
        tensor_bytes "$work/straight/$f.safetensors" >"$work/straight.bin"
        tensor_bytes "$work/resumed/$f.safetensors" >"$work/resumed.bin"
        [ -s "$work/straight.bin" ] || fail "no tensor bytes in the straight run's $f.safetensors"
        cmp "$work/straight.bin" "$work/resumed.bin" || fail "resumed $f differs from the straight run's"
    done
    [ "$(wc -l <"$work/resumed/metrics.csv")" -eq 3 ] || fail "the resumed metrics.csv should hold 2 epochs"
    echo "ok: 2 epochs == 1 epoch + resume + 1 epoch, bitwise (G, D, moving average)" ;;
variant_archs)
    write_mnist "$work/mnist" 64 20
    for arch in mlp-bn-mbstd dcgan-mbstd dcgan-wide dcgan-wide-d; do
        train --arch "$arch" --epochs 1 --out "$work/$arch"
        case $arch in
        *-mbstd) layer="MinibatchStddev<4" ;;
        dcgan-wide) layer="Reshape(256, 7, 7)" ;;
        dcgan-wide-d) layer="Conv<256, 4x4" ;;
        esac
        grep -q "$layer" "$work/train.txt" || fail "$arch: the summary shows no $layer layer"
        grep -q '"arch": "'"$arch"'"' "$work/$arch/summary.json" || fail "$arch: summary.json does not record the arch"
        "$gan" generate --checkpoint "$work/$arch/generator.safetensors" --count 4 --out "$work/$arch.png" ||
            fail "$arch: generate failed"
    done
    echo "ok: mlp-bn-mbstd, dcgan-mbstd, dcgan-wide and dcgan-wide-d train and generate" ;;
*)
    fail "unknown case" ;;
esac
rm -rf "$work"
exit 0
