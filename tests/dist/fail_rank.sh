#!/bin/sh
# A failing rank ends every rank, quickly, with one message: fail_rank.sh MPIEXEC PROGRAM CASE
# runs `MPIEXEC -np 2 --oversubscribe --tag-output PROGRAM CASE` and checks that it exits non-zero
# within 30 s and that both ranks printed one and the same "ctnn: rank R failed: ..." line (case ok:
# exits 0). Under nan_stop both ranks fail at the same step: R is whichever the ranks heard of first
# (rank 0 may hear of rank 1's failure before its own allreduce returns). Prints the wall time.
set -u
mpiexec=$1
program=$2
case_name=$3
out=$(mktemp)
start=$(date +%s%N)
"$mpiexec" -np 2 --oversubscribe --tag-output "$program" "$case_name" >"$out" 2>&1
status=$?
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
echo "case $case_name: exit status $status after $ms ms"
cat "$out"
fail() { echo "FAIL: $*"; rm -f "$out"; exit 1; }
case "$case_name" in
ok)
    [ "$status" -eq 0 ] || fail "exit status $status, expected 0"
    grep -q "trained 320 samples" "$out" || fail "rank 0 did not finish" ;;
silent_rank)
    # Rank 0 never hears (it sleeps 20 s without MPI): rank 1 must end the job after its 2 s timeout.
    [ "$status" -ne 0 ] || fail "exit status 0, expected non-zero"
    grep -q "^\[1,1\]<stderr>:ctnn: rank 1 failed: planted failure before training" "$out" || fail "no failure line"
    grep -q "^\[1,1\]<stderr>:ctnn: not every rank heard of the failure within 2" "$out" || fail "no MPI_Abort line"
    [ "$ms" -lt 15000 ] || fail "took $ms ms: rank 0's 20 s sleep was waited for" ;;
*)
    [ "$status" -ne 0 ] || fail "exit status 0, expected non-zero"
    case "$case_name" in
    data_missing) expect='ctnn: rank 1 failed: .*/nonexistent/mnist' ;;
    step_throws) expect='ctnn: rank 1 failed: planted failure in step 5' ;;
    nan_stop) expect='ctnn: rank [01] failed: training step 5 (epoch 1): gradient of .* is not finite' ;;
    esac
    for r in 0 1; do
        grep -q "^\[1,$r\]<stderr>:$expect" "$out" || fail "rank $r did not print '$expect'"
    done
    lines=$(grep -c "<stderr>:ctnn: rank [0-9] failed" "$out")
    [ "$lines" -eq 2 ] || fail "$lines failure lines, expected one per rank"
    texts=$(grep "<stderr>:ctnn: rank [0-9] failed" "$out" | sed 's/^[^:]*://' | sort -u | wc -l)
    [ "$texts" -eq 1 ] || fail "the ranks printed different failure lines"
    [ "$ms" -lt 30000 ] || fail "took $ms ms" ;;
esac
rm -f "$out"
echo "PASS"
