# Shared by the command-line reliability scripts (lenet5_cli.sh, gan_cli.sh), sourced after they
# define: case_name, work (a fresh scratch directory), run_program (a function running the
# example binary with its arguments) and completed_outputs (files in $work/out that a failed run
# must not leave).
fail() {
    echo "FAIL ($case_name): $*" >&2
    exit 1
}

# A 4-byte big-endian integer n < 65536.
be32() {
    printf "\\000\\000\\$(printf '%03o' $(($1 / 256)))\\$(printf '%03o' $(($1 % 256)))"
}

# write_mnist DIR N_TRAIN N_TEST: valid IDX files; pixels are a repeating ASCII pattern, labels 0-9.
write_split() {
    { printf '\000\000\010\003'; be32 "$3"; be32 28; be32 28
      yes 'ctnn reliability: synthetic digits 0123456789 ~!@#$%^&*()' | head -c $(($3 * 784)); } >"$1/$2-images-idx3-ubyte"
    { printf '\000\000\010\001'; be32 "$3"
      i=0; while [ $i -lt "$3" ]; do printf "\\$(printf '%03o' $((i % 10)))"; i=$((i + 1)); done; } >"$1/$2-labels-idx1-ubyte"
}
write_mnist() {
    mkdir -p "$1"
    write_split "$1" train "$2"
    write_split "$1" t10k "$3"
}

# expect_failure PATTERN ARGS...: non-zero exit, PATTERN (grep -E) in the output, no completed outputs.
expect_failure() {
    pattern=$1
    shift
    run_program "$@" >"$work/output.txt" 2>&1
    rc=$?
    cat "$work/output.txt"
    [ "$rc" -ne 0 ] || fail "exit status 0, expected a failure"
    grep -Eq -- "$pattern" "$work/output.txt" || fail "output does not match: $pattern"
    for f in $completed_outputs; do
        [ ! -e "$work/out/$f" ] || fail "$work/out/$f was left behind"
    done
    echo "ok: exit status $rc, message matches '$pattern'"
}

# The data section of a safetensors file (after the 8-byte length and the JSON header).
tensor_bytes() {
    n=$(od -An -t u8 -N 8 "$1" | tr -d ' ')
    tail -c +$((9 + n)) "$1"
}


# rank1_missing_data MPIRUN ARGS...: the program ARGS (with --data mnist, relative) on 2 ranks in
# mpirun's MPMD form, a working directory each, where only rank 0's holds the MNIST of
# $work/mnist: both ranks must print rank 1's failure naming its data directory and exit non-zero,
# leaving none of $completed_outputs in $work/out.
rank1_missing_data() {
    launcher=$1
    shift
    mkdir -p "$work/rank0" "$work/rank1"
    ln -s "$work/mnist" "$work/rank0/mnist"  # rank 1's working directory has none
    "$launcher" --oversubscribe -np 1 -wdir "$work/rank0" "$@" : -np 1 -wdir "$work/rank1" "$@" \
        >"$work/mpmd.txt" 2>&1
    rc=$?
    cat "$work/mpmd.txt"
    [ "$rc" -ne 0 ] || fail "rank 1 without data: exit status 0"
    [ "$(grep -c 'ctnn: rank 1 failed: .*mnist' "$work/mpmd.txt")" -ge 2 ] ||
        fail "both ranks should print rank 1's failure naming its data directory"
    for f in $completed_outputs; do [ ! -e "$work/out/$f" ] || fail "$work/out/$f was left behind"; done
    echo "ok: rank 1's missing data ended both ranks, exit status $rc"
}
