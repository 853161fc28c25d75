#!/bin/sh
# check-no-engine.sh UI_DIR — ui/ presents and app/ owns: no file in ui/ includes an engine
# or engine-facing app header, opens a model or context, or sets the engine's threads.
set -u
hits=$(grep -nE '#include "glance-(engine|engine-error|tasks|image|model-handle|picture-image)\.h"|glance_(model_open|model_close|context_new|context_free|set_threads|context_set_threads|model_handle_[a-z_]+)[[:space:]]*\(' \
  "$1"/*.c "$1"/*.h)
if [ -n "$hits" ]; then
  echo "FAIL ui/ reaches into the engine:"
  echo "$hits"
  exit 1
fi
echo "ok   ui/ calls app/ only"
