#!/bin/sh
# examples/tabular on generated CSVs, one case per CTest test:
#   tabular_cli.sh TABULAR SCRATCH_DIR CASE
# classify / binary / regress: a learnable synthetic table (a header line, a leading count line
# skipped as sklearn's files have one) must reach the figure the case names, and summary.json
# must hold it. The failure cases must exit non-zero naming the file and the problem, and write
# no summary.json.
set -u
tabular=$1
scratch=$2
case_name=$3
work="$scratch/tabular-cli-$case_name"
rm -rf "$work"
mkdir -p "$work"

run_program() { "$tabular" "$@"; }
completed_outputs="summary.json"
. "$(dirname "$0")/cli_helpers.sh"

# write_table FILE KIND ROWS: "ROWS,3" then a header "a,b,c,y", then rows of three features in
# [-1, 1) from a fixed LCG and the target: classify: 3 classes by the sign pattern of a and b;
# binary: a + b > 0; regress: 3a - 2b + 0.5c + 1.
write_table() {
    awk -v kind="$2" -v rows="$3" 'BEGIN {
        s = 12345; print rows ",3"; print "a,b,c,y"
        for (i = 0; i < rows; i++) {
            for (k = 0; k < 3; k++) { s = (s * 1103515245 + 12345) % 2147483648; x[k] = 2 * s / 2147483648 - 1 }
            if (kind == "classify") y = (x[0] > 0) + (x[1] > 0)
            else if (kind == "binary") y = (x[0] + x[1] > 0) ? 1 : 0
            else y = 3 * x[0] - 2 * x[1] + 0.5 * x[2] + 1
            printf "%.5f,%.5f,%.5f,%.5f\n", x[0], x[1], x[2], y
        }
    }' >"$1"
}
# figure NAME: the number after "NAME": in summary.json.
figure() {
    sed -n "s/.*\"$1\": *\\([-0-9.e+]*\\).*/\\1/p" "$work/out/summary.json"
}
# at_least VALUE MIN: fails unless VALUE >= MIN.
at_least() {
    awk -v v="$1" -v m="$2" 'BEGIN { exit !(v + 0 >= m + 0) }' || fail "$3 is $1, expected at least $2"
    echo "ok: $3 $1 (at least $2)"
}
train_ok() {
    run_program "$@" --out "$work/out" >"$work/ok.txt" 2>&1 || { cat "$work/ok.txt"; fail "tabular $* failed"; }
    cat "$work/ok.txt"
    [ -f "$work/out/summary.json" ] || fail "no summary.json"
}

case "$case_name" in
classify)
    write_table "$work/t.csv" classify 600
    train_ok --csv "$work/t.csv" --skip-rows 1 --task classify --epochs 60
    at_least "$(figure test_accuracy)" 0.95 test_accuracy ;;
binary)
    write_table "$work/t.csv" binary 600
    train_ok --csv "$work/t.csv" --skip-rows 1 --task binary --target y --epochs 60
    at_least "$(figure test_accuracy)" 0.95 test_accuracy ;;
regress)
    write_table "$work/t.csv" regress 600
    train_ok --csv "$work/t.csv" --skip-rows 1 --task regress --target 3 --epochs 60
    at_least "$(figure test_r2)" 0.98 test_r2 ;;
short_row)
    write_table "$work/t.csv" binary 50
    printf '0.1,0.2,1\n' >>"$work/t.csv"
    expect_failure "t\\.csv.*line 53" --csv "$work/t.csv" --skip-rows 1 --task binary --out "$work/out" ;;
class_out_of_range)
    write_table "$work/t.csv" regress 50
    expect_failure "t\\.csv.*(class|whole number)" --csv "$work/t.csv" --skip-rows 1 --task classify --out "$work/out" ;;
target_missing)
    write_table "$work/t.csv" binary 50
    expect_failure "t\\.csv.*price" --csv "$work/t.csv" --skip-rows 1 --target price --out "$work/out" ;;
*)
    fail "unknown case" ;;
esac
