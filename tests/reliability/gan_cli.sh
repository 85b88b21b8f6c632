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
# conditional: cdcgan trains (a 10x10 grid), generate --digit draws one digit, eval adds
#   conditional_agreement and per_digit_agreement (10 numbers).
# loss_hinge, loss_wgan_gp: dcgan-sn trains with --loss hinge / wgan-gp (its recipe defaults) for
#   2 epochs straight and 1 + --resume 1, bitwise equal; the loss is recorded and kept on resume.
# loss_invalid, digit_unconditional: exit 2 with a message naming what cannot be done.
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
    expect_failure "--arch: nope not in \{mlp,mlp-bn,mlp-bn-relu,dcgan,mlp-bn-mbstd,dcgan-mbstd,dcgan-wide,dcgan-wide-d,dcgan-sn,cdcgan,cmlp\}" train --arch nope --out "$work/out" ;;
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
    for arch in mlp-bn-mbstd dcgan-mbstd dcgan-wide dcgan-wide-d dcgan-sn; do
        train --arch "$arch" --epochs 1 --out "$work/$arch"
        case $arch in
        *-mbstd) layer="MinibatchStddev<4" ;;
        dcgan-wide) layer="Reshape(256, 7, 7)" ;;
        dcgan-wide-d) layer="Conv<256, 4x4" ;;
        dcgan-sn) layer="SpectralNorm<Conv<64, 4x4" ;;
        esac
        grep -q "$layer" "$work/train.txt" || fail "$arch: the summary shows no $layer layer"
        grep -q '"arch": "'"$arch"'"' "$work/$arch/summary.json" || fail "$arch: summary.json does not record the arch"
        "$gan" generate --checkpoint "$work/$arch/generator.safetensors" --count 4 --out "$work/$arch.png" ||
            fail "$arch: generate failed"
    done
    echo "ok: mlp-bn-mbstd, dcgan-mbstd, dcgan-wide, dcgan-wide-d and dcgan-sn train and generate" ;;
count_too_large)  # issue 15 #1: sizes from user input are bounded before anything is allocated
    : >"$work/g.safetensors"
    expect_failure "--count: '4611686018427387904' is out of range \\[1, 1048576\\]" \
        generate --checkpoint "$work/g.safetensors" --count 4611686018427387904 --out "$work/out/x.npy"
    expect_failure "--count: must be a whole number in \\[1, 1048576\\], got '1e10'" \
        generate --checkpoint "$work/g.safetensors" --count 1e10 --out "$work/out/x.npy" ;;
grid_too_large)  # a grid too large for one PNG is refused before generating, naming --count
    write_mnist "$work/mnist" 64 20
    train --arch mlp --epochs 1 --out "$work/mlp"
    expect_failure "--count 250000: a grid of 250000 images of 28x28 would be" \
        generate --checkpoint "$work/mlp/generator.safetensors" --count 250000 --out "$work/out/x.png"
    [ ! -e "$work/out/x.png" ] || fail "x.png was written" ;;
splits_too_many)  # issue 15 #16: IS over splits of one digit is no score
    : >"$work/g.safetensors"
    expect_failure "--splits 50 with --count 10: an Inception Score split needs at least 10 digits" \
        eval --generator "$work/g.safetensors" --classifier "$work/g.safetensors" --splits 50 --count 10 ;;
stale_ema)  # issue 15 #16: resuming without --ema removes the now stale generator_ema.safetensors
    write_mnist "$work/mnist" 64 20
    train --arch mlp --epochs 1 --ema 0.9 --out "$work/run"
    [ -s "$work/run/generator_ema.safetensors" ] || fail "no generator_ema.safetensors after --ema 0.9"
    train --arch mlp --epochs 2 --out "$work/run" --resume "$work/run"
    cat "$work/train.txt"
    [ ! -e "$work/run/generator_ema.safetensors" ] || fail "a stale generator_ema.safetensors was left"
    grep -Eq "warning: --ema is 0(\\.0)? but .* was trained with 0.9" "$work/train.txt" || fail "no warning for --ema"
    grep -q "removing .*generator_ema.safetensors" "$work/train.txt" || fail "no word about removing it" ;;
resume_settings)  # the resume check: refuse what cannot change, warn (naming it) about the rest
    write_mnist "$work/mnist" 64 20
    train --arch mlp --epochs 1 --out "$work/run"
    expect_failure "--latent 64 but .*run holds latent size 100" \
        train --epochs 2 --latent 64 --data "$work/mnist" --resume "$work/run" --out "$work/out"
    train --arch mlp --epochs 2 --lr-g 0.001 --out "$work/run" --resume "$work/run"
    grep -q "warning: --lr-g is 0.001 but .* was trained with 0.0002" "$work/train.txt" || fail "no warning for --lr-g" ;;
sigint_resume)  # issue 15 #17: SIGINT mid-epoch, resume: G, D and the average equal a straight run's
    write_mnist "$work/mnist" 64 20
    train --arch mlp-bn --epochs 2 --ema 0.9 --out "$work/straight"
    "$gan" train --threads 1 --batch 16 --seed 5 --sample-every 1 --data "$work/mnist" --arch mlp-bn --epochs 2 \
        --ema 0.9 --out "$work/stopped" --raise-signal-at-step 6 >"$work/stop.txt" 2>&1
    rc=$?
    cat "$work/stop.txt"
    [ "$rc" -eq 130 ] || fail "exit status $rc after SIGINT, expected 130"
    grep -q "SIGINT: stopped in epoch 2 after 2 iterations" "$work/stop.txt" || fail "no 'stopped in epoch 2 after 2'"
    train --arch mlp-bn --epochs 2 --ema 0.9 --out "$work/stopped" --resume "$work/stopped"
    for f in generator discriminator generator_ema; do
        tensor_bytes "$work/straight/$f.safetensors" >"$work/straight.bin"
        tensor_bytes "$work/stopped/$f.safetensors" >"$work/stopped.bin"
        cmp "$work/straight.bin" "$work/stopped.bin" || fail "stopped + resumed $f differs from the straight run's"
    done
    cut -d, -f1-6 "$work/straight/metrics.csv" >"$work/straight.csv"
    cut -d, -f1-6 "$work/stopped/metrics.csv" >"$work/stopped.csv"
    cmp "$work/straight.csv" "$work/stopped.csv" || fail "the epoch figures differ from the straight run's"
    echo "ok: stopped at iteration 6, resumed: G, D, the average and the figures equal the straight run's" ;;
interrupted_save)  # issue 15 #5: a save killed half-way leaves the manifest's set, which resume uses
    write_mnist "$work/mnist" 64 20
    train --arch mlp --epochs 2 --out "$work/straight"
    train --arch mlp --epochs 1 --out "$work/run"
    cp -r "$work/run" "$work/killed"
    train --arch mlp --epochs 2 --out "$work/run" --resume "$work/run"
    # As a kill after epoch 2's G was saved but before D and the manifest: the new G beside the old set.
    cp "$work/run"/checkpoints/generator.*.safetensors "$work/killed/checkpoints/"
    cp "$work/run/generator.safetensors" "$work/killed/generator.safetensors"
    train --arch mlp --epochs 2 --out "$work/killed" --resume "$work/killed"
    grep -q "resumed from .* after epoch 1" "$work/train.txt" || fail "did not resume from epoch 1's set"
    for f in generator discriminator; do
        tensor_bytes "$work/straight/$f.safetensors" >"$work/straight.bin"
        tensor_bytes "$work/killed/$f.safetensors" >"$work/killed.bin"
        cmp "$work/straight.bin" "$work/killed.bin" || fail "resumed $f differs from the straight run's"
    done
    # A manifest naming a file of another save is refused, naming the file.
    sed 's/"generator": "checkpoints\/generator\.[^"]*"/"generator": "checkpoints\/OTHER"/' \
        "$work/killed/checkpoint.json" >"$work/manifest" && mv "$work/manifest" "$work/killed/checkpoint.json"
    cp "$work/run/generator.safetensors" "$work/killed/checkpoints/OTHER"
    expect_failure "checkpoints/OTHER: (set id|step)" train --epochs 3 --data "$work/mnist" --resume "$work/killed" \
        --out "$work/out"
    echo "ok: an interrupted save resumes from the last complete set; a foreign file is refused" ;;
legacy_mixed_moments)  # an older run directory (no manifest) whose G and D are of different epochs
    write_mnist "$work/mnist" 64 20
    train --arch mlp --epochs 1 --out "$work/one"
    train --arch mlp --epochs 2 --out "$work/two"
    mkdir -p "$work/legacy"
    cp "$work/two/generator.safetensors" "$work/one/discriminator.safetensors" "$work/legacy/"
    expect_failure "generator.safetensors \\(epoch 2, step 8\\) and discriminator.safetensors \\(epoch 1, step 4\\) are of different moments" \
        train --epochs 3 --data "$work/mnist" --resume "$work/legacy" --out "$work/out" ;;
write_failure)  # issue 15 #7: a failed write exits non-zero naming the file
    write_mnist "$work/mnist" 64 20
    mkdir -p "$work/out/summary.json"
    "$gan" train --threads 1 --batch 16 --seed 5 --data "$work/mnist" --arch mlp --epochs 1 --out "$work/out" \
        >"$work/output.txt" 2>&1
    rc=$?
    cat "$work/output.txt"
    [ "$rc" -ne 0 ] || fail "exit status 0 although summary.json could not be written"
    grep -q "summary.json" "$work/output.txt" || fail "the message does not name summary.json" ;;
lock_held)  # issue 15 #9
    write_mnist "$work/mnist" 64 20
    mkdir -p "$work/out"
    echo 4343 >"$work/out/.lock"
    flock "$work/out/.lock" sleep 5 &
    i=0  # until the holder has the lock (flock -n then fails)
    while flock -n "$work/out/.lock" true; do
        i=$((i + 1)); [ $i -lt 100 ] || fail "the holder did not take the lock"
        sleep 0.05
    done
    expect_failure "--out $work/out is in use by another run \\(pid 4343" train --arch mlp --epochs 1 \
        --data "$work/mnist" --out "$work/out"
    wait ;;
export_header)  # gan export: the generator as one header that compiles alone and passes its self_test
    write_mnist "$work/mnist" 64 20
    train --arch dcgan --epochs 1 --out "$work/run"
    "$gan" export --checkpoint "$work/run/generator.safetensors" --name digits_g --out "$work/h/digits_g.h" \
        >"$work/export.txt" 2>&1 || { cat "$work/export.txt"; fail "gan export failed"; }
    cat "$work/export.txt"
    printf '#include "digits_g.h"\nint main() { return digits_g::self_test() ? 0 : 1; }\n' >"$work/h/main.cpp"
    c++ -std=c++17 -fno-exceptions -fno-rtti -Wall -Wextra -Werror -O1 -I "$work/h" "$work/h/main.cpp" \
        -o "$work/h/check" || fail "the exported header does not compile alone"
    "$work/h/check" || fail "the exported generator's self_test failed"
    grep -q "output_size = 784;" "$work/h/digits_g.h" || fail "the header does not output 784 pixels"
    "$gan" export --checkpoint "$work/run/discriminator.safetensors" --out "$work/h/d.h" >"$work/d.txt" 2>&1 &&
        fail "exporting a discriminator succeeded"
    grep -q "not a generator checkpoint" "$work/d.txt" || { cat "$work/d.txt"; fail "no 'not a generator checkpoint'"; }
    echo "ok: gan export wrote a header that compiles alone and passes self_test" ;;
conditional)
    write_mnist "$work/mnist" 64 20
    train --arch cdcgan --epochs 1 --out "$work/run"
    cat "$work/train.txt"
    grep -q '"arch": "cdcgan"' "$work/run/summary.json" || fail "summary.json does not record cdcgan"
    # samples.png: 10 columns of 28x28 digits (PNG width and height at bytes 16 to 23), square
    w=$(od -An -t u1 -j 16 -N 4 "$work/run/samples.png" | awk '{print $3 * 256 + $4}')
    h=$(od -An -t u1 -j 20 -N 4 "$work/run/samples.png" | awk '{print $3 * 256 + $4}')
    [ "$w" -eq "$h" ] && [ $(((w - 2) % 10)) -eq 0 ] && [ $((((w - 2) / 10 - 2) % 28)) -eq 0 ] ||
        fail "samples.png is ${w}x${h}, not a 10x10 grid of digits"
    "$gan" generate --checkpoint "$work/run/generator.safetensors" --digit 7 --count 5 --out "$work/sevens.npy" \
        >"$work/gen.txt" 2>&1 || { cat "$work/gen.txt"; fail "generate --digit 7 failed"; }
    grep -q "5 digits 7" "$work/gen.txt" || fail "generate does not say it drew 7s"
    [ "$(wc -c <"$work/sevens.npy")" -eq $((128 + 5 * 784 * 4)) ] || fail "sevens.npy has the wrong size"
    expect_failure "--digit: Value 12 not in range" \
        generate --checkpoint "$work/run/generator.safetensors" --digit 12 --out "$work/out/x.png"
    "$lenet5" --threads 1 --epochs 1 --batch 16 --validation 10 --data "$work/mnist" --out "$work/lenet5" \
        >"$work/lenet5.txt" 2>&1 || { cat "$work/lenet5.txt"; fail "training the classifier failed"; }
    "$gan" eval --threads 1 --generator "$work/run/generator.safetensors" \
        --classifier "$work/lenet5/model.safetensors" --data "$work/mnist" --count 20 --splits 2 \
        --out "$work/eval" >"$work/eval.txt" 2>&1 || { cat "$work/eval.txt"; fail "eval failed"; }
    cat "$work/eval.txt"
    flat=$(tr -d ' \n' <"$work/eval/eval.json")
    echo "$flat" | grep -Eq '"conditional_agreement":(0|1)(\.[0-9e-]+)?[,}]' || fail "eval.json has no conditional_agreement in [0, 1]"
    per_digit=$(echo "$flat" | grep -Eo '"per_digit_agreement":\[[^]]*\]') || fail "eval.json has no per_digit_agreement"
    [ "$(echo "$per_digit" | tr -cd , | wc -c)" -eq 9 ] || fail "per_digit_agreement is not 10 numbers: $per_digit"
    echo "$per_digit" | grep -q null && fail "per_digit_agreement has a digit never drawn: $per_digit"
    echo "ok: cdcgan trains (10x10 grid), draws a chosen digit and eval reports agreement per digit" ;;
loss_hinge | loss_wgan_gp)
    loss=hinge
    [ "$case_name" = loss_wgan_gp ] && loss=wgan-gp
    write_mnist "$work/mnist" 64 20
    train --arch dcgan-sn --loss $loss --epochs 2 --out "$work/straight"
    cat "$work/train.txt"
    train --arch dcgan-sn --loss $loss --epochs 1 --out "$work/resumed"
    train --epochs 2 --out "$work/resumed" --resume "$work/resumed"  # the loss comes from the run
    cat "$work/train.txt"
    grep -q "resumed from .* after epoch 1" "$work/train.txt" || fail "no 'resumed after epoch 1'"
    grep -q "warning" "$work/train.txt" && fail "the resume warned about a setting"
    grep -q '"loss": "'$loss'"' "$work/resumed/summary.json" || fail "summary.json does not record --loss $loss"
    if [ $loss = wgan-gp ]; then  # the recipe's defaults
        for kv in '"d_steps": 5' '"beta1": 0.0' '"beta2": 0.9' '"lr_d": 0.0001' '"lr_g": 0.0001' '"gp_lambda": 10.0'; do
            grep -q "$kv" "$work/resumed/summary.json" || fail "summary.json lacks $kv"
        done
    fi
    for f in generator discriminator; do
        tensor_bytes "$work/straight/$f.safetensors" >"$work/straight.bin"
        tensor_bytes "$work/resumed/$f.safetensors" >"$work/resumed.bin"
        cmp "$work/straight.bin" "$work/resumed.bin" || fail "resumed $f differs from the straight run's"
    done
    expect_failure "--loss bce but .*resumed was trained with --loss $loss" \
        train --loss bce --epochs 3 --data "$work/mnist" --resume "$work/resumed" --out "$work/out"
    echo "ok: dcgan-sn --loss $loss trains, records the loss and resumes bitwise" ;;
loss_invalid)
    expect_failure "--loss wgan-gp with --arch dcgan: dcgan trains with bce; wgan-gp's gradient penalty is per sample and needs a critic without BatchNorm.*--arch dcgan-sn" \
        train --arch dcgan --loss wgan-gp --out "$work/out"
    [ "$rc" -eq 2 ] || fail "exit status $rc, expected 2"
    expect_failure "--loss hinge with --arch cdcgan: cdcgan trains with bce" train --arch cdcgan --loss hinge --out "$work/out"
    [ "$rc" -eq 2 ] || fail "exit status $rc, expected 2"
    expect_failure "--gp-lambda is the gradient penalty's weight of --loss wgan-gp, not of --loss hinge" \
        train --arch dcgan-sn --loss hinge --gp-lambda 5 --out "$work/out"
    [ "$rc" -eq 2 ] || fail "exit status $rc, expected 2" ;;
digit_unconditional)
    write_mnist "$work/mnist" 64 20
    train --arch mlp --epochs 1 --out "$work/mlp"
    expect_failure "--digit 3: .*mlp/generator.safetensors is a mlp generator, which is not conditional" \
        generate --checkpoint "$work/mlp/generator.safetensors" --digit 3 --out "$work/out/x.png"
    [ "$rc" -eq 2 ] || fail "exit status $rc, expected 2"
    [ ! -e "$work/out/x.png" ] || fail "x.png was written" ;;
*)
    fail "unknown case" ;;
esac
rm -rf "$work"
exit 0
