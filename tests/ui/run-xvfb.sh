#!/bin/sh
# run-xvfb.sh PROGRAM — runs one small GTK test under Xvfb with the cairo renderer (the
# same pixels on every machine). No xvfb-run: SKIP (exit 77), a failure in CI (CI=true).
set -u
if ! command -v xvfb-run >/dev/null; then
    echo "NOT RUN: xvfb-run is not installed"
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi
export GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none NO_AT_BRIDGE=1
exec xvfb-run -a -s "-screen 0 640x480x24" "$@"
