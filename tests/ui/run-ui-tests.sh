#!/bin/sh
# run-ui-tests.sh TEST-UI [GLANCE] — runs the UI test under Xvfb in a private home, with
# the bundled model when there is one (else the golden checkpoint imported by the build),
# the shipped samples when data/samples/samples.json exists (else generated ones), then
# measures the real `glance` binary's launch to first frame.
# A check that cannot run here makes the test SKIP (exit 77) outside CI, FAIL in CI
# (CI=true), where tools/install-deps.sh has installed everything it needs.
set -eu
failed=0 missing=""
test_ui=$1
glance=${2:-}
not_run() { # REASON: a check that cannot run on this machine
    echo "NOT RUN: $1"
    missing="$missing; $1"
}
finish() {
    if [ "$failed" -ne 0 ]; then exit 1; fi
    if [ -n "$missing" ]; then
        if [ "${CI:-}" = true ]; then echo "FAIL (CI=true: nothing may be skipped)$missing"; exit 1; fi
        echo "SKIP$missing"; exit 77
    fi
    exit 0
}
command -v xvfb-run >/dev/null || { not_run "xvfb-run is not installed"; finish; }

tmp=${GLANCE_TEST_TMP:-/tmp}/ui
rm -rf "$tmp"
mkdir -p "$tmp/locales" "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
       XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime"
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$GLANCE_BUILD_DIR/data"
export GDK_BACKEND=x11 GTK_A11Y=none NO_AT_BRIDGE=1 LC_ALL=C.UTF-8 LANGUAGE=
export GLANCE_SCREENSHOT_DIR="$tmp/screenshots" GLANCE_TEST_LIBRARY="$tmp/library"
export GLANCE_TEST_CHECKPOINT="$PWD/../shared/golden/vlmo-ref-a/vlmo-ref-a.pt"

if [ -f data/models/glance-shapeworld.safetensors ]; then
    export GLANCE_MODEL="$PWD/data/models/glance-shapeworld.safetensors"
else
    export GLANCE_MODEL="$GLANCE_GOLDEN_MODEL_FILE"
fi
if [ -f data/samples/samples.json ]; then
    export GLANCE_DATADIR="$PWD/data"
else
    export GLANCE_DATADIR="$tmp/datadir" GLANCE_TEST_MAKE_SAMPLES=1
    mkdir -p "$GLANCE_DATADIR"
    for shipped in vocab answers catalogue.json; do
        ln -s "$PWD/data/$shipped" "$GLANCE_DATADIR/$shipped"
    done
fi
echo "model: $GLANCE_MODEL"
echo "samples: $GLANCE_DATADIR/samples"

# A session bus of the test's own: the viewer's Show in Files is checked against a fake
# file manager (org.freedesktop.FileManager1) on it.
if command -v dbus-run-session >/dev/null; then
    dbus-run-session -- xvfb-run -a -s "-screen 0 1280x900x24" "$test_ui"
else
    not_run "dbus-run-session is missing (package dbus-bin): Show in Files is not checked"
    xvfb-run -a -s "-screen 0 1280x900x24" "$test_ui"
fi

# Every page from a phone's 360 px to a full 1920×1080 screen: each control in the window.
# Its own data folder: the run above imported a checkpoint that became the default model.
mkdir -p "$tmp/data-layout"
XDG_DATA_HOME="$tmp/data-layout" xvfb-run -a -s "-screen 0 1920x1080x24" "$test_ui" --layout

# The window in German: the catalogue compiled from po/de.po and a de_DE locale made here.
if command -v localedef >/dev/null && localedef -i de_DE -f UTF-8 "$tmp/locales/de_DE.UTF-8" 2>/dev/null; then
    mkdir -p "$tmp/locale/de/LC_MESSAGES"
    msgfmt -o "$tmp/locale/de/LC_MESSAGES/glance.mo" po/de.po
    mkdir -p "$tmp/data-de"   # its own data folder: the built-in model serves, its banner shows
    XDG_DATA_HOME="$tmp/data-de" LOCPATH="$tmp/locales" LC_ALL=de_DE.UTF-8 GLANCE_LOCALEDIR="$tmp/locale" \
        xvfb-run -a -s "-screen 0 1280x900x24" "$test_ui" --translated
else
    not_run "no de_DE locale can be made here (package locales): the German window is not checked"
fi

# What a screen reader finds in the real binary: every control named, with and without a
# photo open (the second start opens one the way the file manager does).
if /usr/bin/python3 -c "import pyatspi" 2>/dev/null && command -v dbus-run-session >/dev/null && [ -n "$glance" ]; then
    photo="$GLANCE_TEST_LIBRARY/photo-01.png"
    for args in "" "$photo"; do
        GTK_A11Y= dbus-run-session -- xvfb-run -a -s "-screen 0 1280x900x24" sh -c '
            GTK_A11Y=atspi "$1" $2 > "$3/a11y-app.log" 2>&1 &
            app=$!
            sleep 4
            /usr/bin/python3 tests/ui/a11y-audit.py; status=$?
            kill $app; wait $app 2>/dev/null
            exit $status
        ' sh "$glance" "$args" "$tmp" > "$tmp/a11y.log" 2>&1 && audit=0 || audit=$?
        grep -v "dbus-daemon\|SpiRegistry" "$tmp/a11y.log" || true
        if [ "$audit" -ne 0 ]; then echo "FAIL accessibility audit ${args:+with $args }exited $audit"; failed=1; fi
    done
elif [ -z "$glance" ]; then
    not_run "no glance binary given: the accessibility audit is not run"
else
    not_run "python3-pyatspi or dbus-run-session is missing: the accessibility audit is not run"
fi

# Launch to first frame of the real binary (it prints the frame's wall-clock time).
if [ -n "$glance" ]; then
    for run in 1 2 3; do
        GLANCE_TIMING=1 xvfb-run -a -s "-screen 0 1280x900x24" sh -c '
            start=$(date +%s%N)
            "$1" > "$2/timing.log" 2>&1 &
            pid=$!
            for i in $(seq 100); do grep -q first-frame "$2/timing.log" && break; sleep 0.1; done
            kill $pid 2>/dev/null; wait $pid 2>/dev/null || true
            frame=$(sed -n "s/.*realtime \([0-9]*\) us.*/\1/p" "$2/timing.log")
            [ -n "$frame" ] && echo "TIMING launch-to-first-frame $(( (frame * 1000 - start) / 1000000 )) ms (run '$run')"
        ' sh "$glance" "$tmp" || true
    done
fi
finish
