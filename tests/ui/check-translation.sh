#!/bin/sh
# check-translation.sh PO — the catalogue compiles (msgfmt --check) with no untranslated
# or fuzzy message.
set -eu
stats=$(msgfmt --check --statistics -o /dev/null "$1" 2>&1)
echo "$stats"
case "$stats" in
    *untranslated*|*fuzzy*) exit 1 ;;
esac
