#!/usr/bin/env bash
# glance-cli --where / --where-image of ask, compare and match: the JSON contract (grid
# of the model's patches, weights row-major summing to 1), the text output, the overlay
# PNG (the photo's own size, the map's hot patch brighter than its cold ones), and bad
# options refused with nothing written.
set -u
cli=${GLANCE_CLI:?run through meson test}
golden=${GLANCE_GOLDEN_MODEL_FILE:?}
bundled=data/models/glance-shapeworld.safetensors
tmp=${GLANCE_TEST_TMP:?}/cli-where
rm -rf "$tmp"; mkdir -p "$tmp"
img=../shared/golden/vlmo-ref-a/images
. "$(dirname "$0")/../expect.sh"

# map_ok GRID: d['where'] is a map of GRID x GRID weights, non-negative, summing to 1
map_ok() { echo "m['grid']==[$1,$1] and len(m['weights'])==$1*$1 and min(m['weights'])>=0 and abs(sum(m['weights'])-1)<1e-5"; }

# The golden checkpoint (official layout): 64 px images, 16 px patches -> 4 x 4.
expect_json "ask --where (golden): 4 x 4 map" \
  "(lambda m: $(map_ok 4))(d['where']) and len(d['answers'])==5" \
  "$cli" ask --model "$golden" --json --where "$img/img0_100x75.png" "what color is the car?"
expect_json "compare --where (golden): a map per image, different" \
  "all((lambda m: $(map_ok 4))(d['where'][s]) for s in ('left','right')) and d['where']['left']['weights']!=d['where']['right']['weights']" \
  "$cli" compare --model "$golden" --json --where "$img/img0_100x75.png" "$img/img1_64x64.png" "The left image contains two birds."
expect_json "match --where (golden)" \
  "(lambda m: $(map_ok 4))(d['where']) and len(d['logits'])==2" \
  "$cli" match --model "$golden" --json --where "$img/img1_64x64.png" "A man riding a horse on the beach."
expect_json "ask without --where has no map" "'where' not in d" \
  "$cli" ask --model "$golden" --json "$img/img0_100x75.png" "what color is the car?"

# The bundled model: 96 px, 12 px patches -> 8 x 8; a wide photo with one object, 248 x 104
# so that every patch's centre is a pixel's centre (31 x 13 px a patch): the overlay there
# is the map's own value, whatever its neighbours.
$py - "$tmp" <<'PY'
import sys
sys.path.insert(0, "tools")
import shapeworld as sw
from shapeworld.scene import Background, Scene, SceneObject
from PIL import Image
bg = Background((150, 150, 150), (150, 150, 150), 0.0, 0.0, 1)
star = SceneObject("star", "red", "large", 0.75, 0.7, 0.25, (235, 30, 30))
Image.fromarray(sw.render(Scene((star,), bg), 96)).resize((248, 104), Image.BICUBIC).save(sys.argv[1] + "/wide.png")
PY
expect_json "ask --where (bundled): 8 x 8 map" "(lambda m: $(map_ok 8))(d['where'])" \
  "$cli" ask --model "$bundled" --json --where "$tmp/wide.png" "what color is the star?"
for method in rollout vl-rollout last-layer; do
  expect_json "ask --where-method $method" "d['where']['method']=='$method' and (lambda m: $(map_ok 8))(d['where'])" \
    "$cli" ask --model "$bundled" --json --where --where-method "$method" "$tmp/wide.png" "what color is the star?"
done

# --where-image: a PNG the photo's size; the brightest overlay pixel lies over the map's
# highest patch, stretched back over the wide photo.
"$cli" ask --model "$bundled" --json --where --where-image "$tmp/over.png" "$tmp/wide.png" "what color is the star?" \
  >"$tmp/ask.json" 2>"$tmp/err"
status=$?
if [ $status -eq 0 ] && $py - "$tmp" <<'PY'
import json, sys
import numpy as np
from PIL import Image
tmp = sys.argv[1]
d = json.load(open(tmp + "/ask.json"))
over = Image.open(tmp + "/over.png")
assert over.format == "PNG" and over.size == (248, 104), (over.format, over.size)
rows, cols = d["where"]["grid"]
w = np.array(d["where"]["weights"]).reshape(rows, cols)
r, c = np.unravel_index(np.argmax(w), w.shape)
lo_r, lo_c = np.unravel_index(np.argmin(w), w.shape)
px = np.asarray(over.convert("RGB"), dtype=float)
photo = np.asarray(Image.open(tmp + "/wide.png").convert("RGB"), dtype=float)
alpha = 140 / 255  # GLANCE_WHERE_OVERLAY_OPACITY 0.55 in 8 bits
def laid(r, c):  # the colour laid over the photo at the patch's centre
    y, x = int((r + 0.5) * 104 / rows), int((c + 0.5) * 248 / cols)
    return (px[y, x] - (1 - alpha) * photo[y, x]) / alpha
hot = laid(r, c)
# viridis: yellow (253, 231, 37) at the top, laid at full opacity there
assert np.abs(hot - [253, 231, 37]).max() < 20, hot
# the coldest patch is covered faintly: the photo shows through
def change(r, c):
    y, x = int((r + 0.5) * 104 / rows), int((c + 0.5) * 248 / cols)
    return np.abs(px[y, x] - photo[y, x]).sum()
cold = change(lo_r, lo_c)
assert cold < change(r, c) and cold < 3 * 255 * 0.55 * 0.5, (cold, change(r, c))
print(f"overlay 248x104 PNG; colour laid over the hot patch {hot.round()}; the cold one changed by {cold:.0f}")
PY
then ok "--where-image writes the photo's size with the map over it"
else bad "--where-image: exit $status $(cat "$tmp/err")"; fi

"$cli" compare --model "$bundled" --where-image "$tmp/pair.png" "$tmp/wide.png" "$img/img1_64x64.png" \
  "both images contain a red star" >"$tmp/out" 2>"$tmp/err"
if $py -c "
from PIL import Image
import sys
l, r = Image.open(sys.argv[1] + '/pair-left.png'), Image.open(sys.argv[1] + '/pair-right.png')
sys.exit(0 if l.size == (248, 104) and r.size == (64, 64) else 1)" "$tmp" 2>/dev/null
then ok "compare --where-image writes OUT-left.png and OUT-right.png at each photo's size"
else bad "compare --where-image: $(cat "$tmp/err")"; fi

if "$cli" ask --model "$bundled" --where "$tmp/wide.png" "what color is the star?" | grep -q "^Where it looked"; then
  ok "ask --where: text output"; else bad "ask --where: text output"; fi

# Refusals: nothing written.
expect_error "unknown --where-method" "where-method" \
  "$cli" ask --model "$bundled" --where --where-method sideways --where-image "$tmp/no1.png" "$tmp/wide.png" "what color is the star?"
if [ ! -e "$tmp/no1.png" ]; then ok "unknown method: no image written"; else bad "unknown method wrote an image"; fi
expect_error "--where-image into a missing folder" "no-such-dir" \
  "$cli" ask --model "$bundled" --where-image "$tmp/no-such-dir/x.png" "$tmp/wide.png" "what color is the star?"
expect_error "--where-image with an empty name" "where-image" \
  "$cli" ask --model "$bundled" --where-image "" "$tmp/wide.png" "what color is the star?"

expect_summary "cli-where"
