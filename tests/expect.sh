# expect.sh — sourced by the shell tests: counted checks of a command's exit status,
# stderr and JSON output. The caller sets $tmp (a scratch folder) before using them.
py=/usr/bin/python3
failures=0 checks=0

ok() { checks=$((checks + 1)); echo "ok   $1"; }
bad() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL $1"; }

# expect_error NAME NEEDLE COMMAND... : exit 1..127 (no signal), one stderr line holding
# NEEDLE (case-insensitive), nothing on stdout
expect_error() {
  local name=$1 needle=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local status=$? lines
  lines=$(wc -l <"$tmp/err")
  if [ $status -eq 0 ]; then bad "$name: exit 0"
  elif [ $status -ge 128 ]; then bad "$name: killed by signal $((status - 128))"
  elif [ "$lines" -ne 1 ]; then bad "$name: $lines lines on stderr: $(cat "$tmp/err")"
  elif ! grep -qi -- "$needle" "$tmp/err"; then bad "$name: '$(cat "$tmp/err")' lacks '$needle'"
  elif [ -s "$tmp/out" ]; then bad "$name: wrote to stdout"
  else ok "$name: $(cat "$tmp/err")"; fi
}

# expect_json NAME PYTHON-CHECK COMMAND... : exit 0 and the check holds for d = parsed stdout
# (json, sys and math are imported for the check)
expect_json() {
  local name=$1 check=$2 status; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; status=$?
  if [ $status -ne 0 ]; then bad "$name: exit status $status: $(cat "$tmp/err")"; return; fi
  if $py -c "import json,sys,math; d=json.load(open(sys.argv[1])); sys.exit(0 if ($check) else 1)" "$tmp/out"
  then ok "$name"; else bad "$name: check failed on $(head -c 400 "$tmp/out")"; fi
}

# expect_summary WHAT : prints the count line; returns non-zero after any failure
expect_summary() {
  echo "$1: $checks checks, $failures failures"
  [ $failures -eq 0 ]
}
