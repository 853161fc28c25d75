#!/usr/bin/env bash
# Installs what is missing, builds, and starts Glance on the bundled model.
# Without a display it says so and runs a headless demo through glance-cli.
set -eu
cd "$(dirname "$0")/.."
tools/install-deps.sh
if [ -f build/build.ninja ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build >/dev/null
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x build/ui/glance ]; then
  exec build/ui/glance "$@"
fi
cli=build/app/cli/glance-cli
echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset): running a headless demo with glance-cli."
echo
$cli info
samples=data/samples
first=$(ls "$samples"/*.png 2>/dev/null | head -n 1 || true)
if [ -z "$first" ]; then
  echo "No sample images in $samples."
  exit 1
fi
for q in "how many objects are there?" "what color is the circle?" "what shape is the red object?"; do
  echo
  echo "\$ glance-cli ask $first \"$q\""
  $cli ask --top 3 "$first" "$q"
done
pair=($(ls "$samples"/*.png | head -n 2))
echo
echo "\$ glance-cli compare ${pair[0]} ${pair[1]} \"both images contain a red circle\""
$cli compare "${pair[0]}" "${pair[1]}" "both images contain a red circle"
