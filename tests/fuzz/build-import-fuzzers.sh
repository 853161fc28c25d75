#!/usr/bin/env bash
# Builds the importer's libFuzzer targets (fuzz-zip, fuzz-pickle) with clang,
# ASan and UBSan into build-fuzz/ (or $1). Run from anywhere; see docs/fuzzing.md.
set -eu
cd "$(dirname "$0")/../.."
out=${1:-build-fuzz}
mkdir -p "$out"
[ -e "$out/.gitignore" ] || echo "*" > "$out/.gitignore"  # like a meson build dir
cflags="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
includes="-Iapp/import -Iengine $(pkg-config --cflags glib-2.0 gio-2.0)"
libs="$(pkg-config --libs gio-2.0 glib-2.0) -lm"
parser="app/import/glance-import-error.c app/import/glance-tensor-dtype.c app/import/glance-zip.c \
        app/import/glance-pickle.c app/import/glance-state-dict.c"
# shellcheck disable=SC2086
clang $cflags $includes tests/fuzz/fuzz-zip.c $parser $libs -o "$out/fuzz-zip"
# shellcheck disable=SC2086
clang $cflags $includes tests/fuzz/fuzz-pickle.c $parser app/import/glance-arch.c $libs -o "$out/fuzz-pickle"
echo "built $out/fuzz-zip and $out/fuzz-pickle"
