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
# The demo asks the sample scenes' suggested questions and judges the sample pairs'
# statements (data/samples/samples.json), showing the true answer beside the model's.
/usr/bin/python3 - "$cli" data/samples <<'PY'
import json, os, subprocess, sys
cli, folder = sys.argv[1], sys.argv[2]
samples = json.load(open(os.path.join(folder, "samples.json")))
def run(*args):
    print("$ glance-cli " + " ".join(f'"{a}"' if " " in a else a for a in args))
    out = subprocess.run([cli, *args], capture_output=True, text=True)
    print(out.stdout.rstrip() or out.stderr.rstrip())
for scene in samples["scenes"][:2]:
    image = os.path.join(folder, scene["image"])
    for q in scene["questions"][:3]:
        print()
        run("ask", "--top", "3", image, q["question"])
        print(f"(true answer: {q['answer']})")
for pair in samples["pairs"][:2]:
    left, right = (os.path.join(folder, pair[k]) for k in ("left", "right"))
    st = pair["statements"][0]
    print()
    run("compare", left, right, st["statement"])
    print(f"(true: {st['label']})")
PY
echo
echo "The bundled model knows only coloured shapes on plain backgrounds (ShapeWorld)."
echo "For real photos, get one official model per task (Ask, Compare, Search):"
echo "  $cli models get --recommended"
echo "('$cli models' lists them with their sizes; Ctrl-C stops, and running it again resumes.)"
