#!/bin/sh
# Every symbol libglance-engine exports starts with glance_: an application linking the
# engine never meets a stray `linear` or `json_parse` of ours.
# Usage: check-symbols.sh LIBGLANCE-ENGINE.a
set -eu
lib=$1
all=$(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u)
[ -n "$all" ] || { echo "no symbols read from $lib"; exit 1; }
bad=$(printf '%s\n' "$all" | grep -v '^glance_' || true)
if [ -n "$bad" ]; then
    echo "exported without the glance_ prefix:"; printf '  %s\n' $bad; exit 1
fi
echo "ok: $(printf '%s\n' "$all" | wc -l) exported symbols, all glance_*"
