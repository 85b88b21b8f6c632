#!/usr/bin/env bash
# The compile cost of every translation unit under examples/, one at a time: the Release command
# of each from <build>/compile_commands.json (configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON),
# run under /usr/bin/time -v; prints a Markdown table (unit, user seconds, max MiB) and marks the
# units over the examples' budget (15 s user, 800 MiB).
#   scripts/compile-table.sh [build-dir] [filter-regex]
set -euo pipefail
build=${1:-build}
filter=${2:-/examples/}
python3 - "$build" "$filter" <<'PY'
import json, os, re, subprocess, sys, tempfile
build, pattern = sys.argv[1], sys.argv[2]
root = os.getcwd()
entries = [e for e in json.load(open(os.path.join(build, "compile_commands.json"))) if re.search(pattern, e["file"])]
print("| translation unit | user time | max memory |")
print("|---|---:|---:|")
over = []
for e in sorted(entries, key=lambda e: e["file"]):
    out = tempfile.NamedTemporaryFile(suffix=".o", delete=False).name
    cmd = re.sub(r"-o \S+", "-o " + out, e["command"], count=1)
    r = subprocess.run(["/usr/bin/time", "-v", "sh", "-c", cmd], cwd=e["directory"], capture_output=True, text=True)
    os.unlink(out)
    if r.returncode:
        print(r.stderr[-2000:], file=sys.stderr)
        sys.exit(f"compile failed: {e['file']}")
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", r.stderr).group(1))
    mib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)) / 1024
    name = os.path.relpath(e["file"], root)
    mark = " (over)" if user > 15 or mib > 800 else ""
    if mark: over.append(name)
    print(f"| `{name}` | {user:.1f} s{mark} | {mib:.0f} MiB |", flush=True)
print(f"\n{len(entries)} units, {len(over)} over 15 s / 800 MiB" + (": " + ", ".join(over) if over else ""))
PY
