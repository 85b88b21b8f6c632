#!/usr/bin/env bash
# Fuzz ctnn's file readers: builds the libFuzzer harnesses of fuzz/ with clang, ASan and UBSan
# in build-fuzz/, then runs each for a bounded time starting from its committed seed corpus
# (fuzz/corpus/<harness>/) and fails on any finding (crash, sanitizer report, leak, timeout,
# out-of-memory). Prints the executions per harness at the end.
#   scripts/fuzz.sh                          # idx csv safetensors checkpoint, 60 s each
#   FUZZ_SECONDS=300 scripts/fuzz.sh idx     # one harness, longer
# Environment: FUZZ_SECONDS (per harness, default 60), FUZZ_CXX (default clang++),
# FUZZ_BUILD_DIR (default build-fuzz). New inputs found go to $FUZZ_BUILD_DIR/corpus/<harness>
# (not committed); a finding is saved as $FUZZ_BUILD_DIR/artifacts/<harness>/crash-* etc. and
# is reproduced with: $FUZZ_BUILD_DIR/fuzz_<harness> <that file>.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${FUZZ_SECONDS:-60}
cxx=${FUZZ_CXX:-clang++}
build=${FUZZ_BUILD_DIR:-build-fuzz}
harnesses=("$@")
((${#harnesses[@]})) || harnesses=(idx csv safetensors checkpoint)

# clang and its runtime libraries (libFuzzer, ASan, UBSan): Debian's clang + libclang-rt-dev.
if ! command -v "$cxx" >/dev/null 2>&1 ||
   ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
     "$cxx" -x c++ -fsanitize=fuzzer,address,undefined - -o /dev/null 2>/dev/null; then
  echo "fuzz.sh: $cxx cannot build a libFuzzer program; installing clang and libclang-rt-dev" >&2
  if [[ $(id -u) -eq 0 ]]; then sudo=(); elif sudo -n true 2>/dev/null; then sudo=(sudo -n); else
    echo "fuzz.sh: not root; run: sudo apt-get install clang libclang-rt-dev" >&2
    exit 1
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang libclang-rt-dev \
    -o DPkg::Lock::Timeout=300 ||
    { "${sudo[@]}" apt-get update -o DPkg::Lock::Timeout=300 &&
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang \
        libclang-rt-dev -o DPkg::Lock::Timeout=300; }
fi

generator=()
if [[ ! -f "$build/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
cmake -S fuzz -B "$build" "${generator[@]}" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
summary=()
status=0
for h in "${harnesses[@]}"; do
  corpus="$build/corpus/$h"
  artifacts="$build/artifacts/$h"
  mkdir -p "$corpus" "$artifacts"
  dict=()
  [[ -f "fuzz/$h.dict" ]] && dict=(-dict="fuzz/$h.dict")
  log="$build/fuzz-$h.log"
  echo "== fuzz_$h: ${seconds} s from fuzz/corpus/$h (log: $log)"
  # The first corpus directory receives new inputs; the committed seeds are only read.
  set +e
  "$build/fuzz_$h" "$corpus" "fuzz/corpus/$h" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if ((rc != 0)); then
    status=1
    tail -n 60 "$log"
    echo "fuzz_$h: FINDING (exit $rc); artifacts in $artifacts:" >&2
    ls -1 "$artifacts" >&2 || true
    summary+=("$h: FINDING after ${execs:-?} executions (exit $rc)")
  else
    summary+=("$h: ${execs:-?} executions in ${seconds} s, corpus $(ls "$corpus" | wc -l) new inputs, no findings")
  fi
done
echo "== fuzz summary"
printf '  %s\n' "${summary[@]}"
exit "$status"
