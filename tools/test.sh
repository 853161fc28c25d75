#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every test suite (unit,
# golden, integration, fuzz-corpus replays, UI under Xvfb); then the unit and golden suites
# and the fuzz replays again under AddressSanitizer + UndefinedBehaviorSanitizer; then a
# release and a plain build with warnings as errors (one test each). Ends with one line
# "N passed, N failed[, N skipped]". With CI=true a skipped test counts as failed: CI has
# every tool installed (tools/install-deps.sh), so a skip there hides a check.
set -u
cd "$(dirname "$0")/.."
tools/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

setup() { # dir, options... (meson's output is shown only when it fails)
  local dir=$1 log; shift
  log=$(mktemp)
  if [ -f "$dir/build.ninja" ]; then meson setup --reconfigure "$dir" "$@" >"$log" 2>&1
  else meson setup "$dir" "$@" >"$log" 2>&1; fi || { tail -n 20 "$log"; rm -f "$log"; return 1; }
  rm -f "$log"
}

passed=0 failed=0 skipped=0
count() { # testlog.json -> adds to the totals
  local counts
  counts=$(/usr/bin/python3 - "$1" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): p += 1
    elif r == "SKIP": s += 1
    else: f += 1
print(p, f, s)
PY
)
  read -r p f s <<<"$counts"
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  if [ "${CI:-}" = true ] && [ "$s" -gt 0 ]; then
    echo "CI=true: $s skipped test(s) count as failed"
    failed=$((failed + s)) skipped=$((skipped - s))
  fi
}

run_suites() { # label, build dir, meson test args...
  local label=$1 dir=$2; shift 2
  echo "== $label"
  rm -f "$dir/meson-logs/testlog.json"
  meson test -C "$dir" --no-rebuild --print-errorlogs "$@"
  if [ -f "$dir/meson-logs/testlog.json" ]; then count "$dir/meson-logs/testlog.json"
  else failed=$((failed + 1)); fi
}

if setup build -Dwerror=true && ninja -C build; then
  run_suites "all suites" build
else
  echo "build failed"; failed=$((failed + 1))
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
if setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dui=disabled \
     -Dc_args=-fno-sanitize-recover=undefined && ninja -C build-asan; then
  run_suites "unit + golden + fuzz replays under ASan/UBSan" build-asan --suite unit --suite golden --suite fuzz
else
  echo "sanitizer build failed"; failed=$((failed + 1))
fi

# What distributions build: release and plain (no optimisation flags of meson's own),
# each configured and built from scratch with any warning an error; one test each.
for buildtype in release plain; do
  echo "== $buildtype build, warnings as errors"
  log=$(mktemp)
  rm -rf "build-$buildtype"
  if meson setup "build-$buildtype" --buildtype="$buildtype" -Dwerror=true >"$log" 2>&1 &&
     ninja -C "build-$buildtype" >>"$log" 2>&1; then
    echo "ok   $buildtype build"; passed=$((passed + 1))
  else
    grep -E "error|warning|FAILED" "$log" | head -n 20; echo "FAIL $buildtype build"; failed=$((failed + 1))
  fi
  rm -f "$log"
done

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
