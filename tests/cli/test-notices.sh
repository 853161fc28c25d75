#!/usr/bin/env bash
# glance-cli notices (docs/model-scope.md): each code through --json on fixtures with the
# bundled model, the low_confidence notice against the thresholds in the model file, and
# the plain-text form (one line per notice on stderr, exit status unchanged).
set -u
cli=${GLANCE_CLI:?run through meson test}
tmp=${GLANCE_TEST_TMP:?}/cli-notices
rm -rf "$tmp"; mkdir -p "$tmp"
. "$(dirname "$0")/../expect.sh"
model=data/models/glance-shapeworld.safetensors
samples=data/samples
photo=tests/fixtures/photos/lomiri-dogs.jpg
M=(--model "$model")
codes="[n['code'] for n in d['notices']]"

expect_json "ask --json echoes model, question, image; a sure in-domain answer has no notice" \
  "d['model']=='glance-shapeworld' and d['question']=='what color is the circle?' and d['image']=='$samples/scene-5.png' and d['notices']==[]" \
  "$cli" ask "${M[@]}" --json "$samples/scene-5.png" "what color is the circle?"
# words it does not know leave the model unsure too (low_confidence may follow)
expect_json "unknown_words: the words, in order" \
  "$codes[0]=='unknown_words' and set($codes)<={'unknown_words','low_confidence'} and d['notices'][0]['words']==['car','on','beach'] and \"'car', 'on' and 'beach'\" in d['notices'][0]['message']" \
  "$cli" ask "${M[@]}" --json "$samples/scene-5.png" "what color is the car on the beach?"
expect_json "outside_model_scope on a real photo" \
  "'outside_model_scope' in $codes and 'trained on' in d['notices'][$codes.index('outside_model_scope')]['message']" \
  "$cli" ask "${M[@]}" --json "$photo" "what color is the circle?"
long="how many objects are there$(printf ' or red objects%.0s' {1..12})?"
expect_json "question_truncated: 40 of 44 tokens read" \
  "[(n['tokens_read'],n['tokens']) for n in d['notices'] if n['code']=='question_truncated']==[(40,44)]" \
  "$cli" ask "${M[@]}" --json "$samples/scene-1.png" "$long"
expect_json "match: unknown_words and outside_model_scope" \
  "sorted($codes)==['outside_model_scope','unknown_words']" \
  "$cli" match "${M[@]}" --json "$photo" "two dogs on a bench"
expect_json "compare: both photos named" \
  "sum('left photo' in n['message'] or 'right photo' in n['message'] for n in d['notices'])==2" \
  "$cli" compare "${M[@]}" --json "$photo" tests/fixtures/photos/skimage-coffee.jpg "both images contain a red circle"

# low_confidence exactly when the best answer (VQA) or the verdict (NLVR2) is below the
# model's calibrated threshold, over every sample question and statement, and a question
# with words the model does not know; both cases occur for each task.
$py - "$cli" "$model" "$samples" >"$tmp/low.txt" 2>&1 <<'PY'
import json, struct, subprocess, sys
cli, model, samples = sys.argv[1:]
blob = open(model, "rb").read(1 << 20)
n = struct.unpack("<Q", blob[:8])[0]
cal = json.loads(json.loads(blob[8:8 + n])["__metadata__"]["glance.calibration"])
def run(*args):
    return json.loads(subprocess.run([cli, *args, "--model", model, "--json"], capture_output=True, text=True, check=True).stdout)
s = json.load(open(f"{samples}/samples.json"))
seen = {"ask": {True: 0, False: 0}, "compare": {True: 0, False: 0}}
questions = [(sc["image"], q["question"]) for sc in s["scenes"] for q in sc["questions"]]
for image, question in questions + [("scene-5.png", "what color is the car on the beach?")]:
    d = run("ask", f"{samples}/{image}", question)
    low = any(x["code"] == "low_confidence" for x in d["notices"])
    if low != (d["answers"][0]["score"] < cal["vqa_low_confidence"]):
        sys.exit(f"ask {image} {question!r}: score {d['answers'][0]['score']} low_confidence {low}")
    seen["ask"][low] += 1
for p in s["pairs"]:
    for st in p["statements"]:
        d = run("compare", f"{samples}/{p['left']}", f"{samples}/{p['right']}", st["statement"])
        low = any(x["code"] == "low_confidence" for x in d["notices"])
        if low != (max(d["probability"], 1 - d["probability"]) < cal["nlvr2_low_confidence"]):
            sys.exit(f"compare {p['left']} {st['statement']!r}: probability {d['probability']} low_confidence {low}")
        seen["compare"][low] += 1
if not all(n[True] and n[False] for n in seen.values()):
    sys.exit(f"both sure and unsure answers should occur for each task: {seen}")
print(f"low_confidence on {seen['ask'][True]} of {sum(seen['ask'].values())} questions and "
      f"{seen['compare'][True]} of {sum(seen['compare'].values())} statements, all against the calibrated threshold")
PY
if [ $? -eq 0 ]; then ok "$(cat "$tmp/low.txt")"; else bad "low_confidence: $(cat "$tmp/low.txt")"; fi

# search: a library of the sample scenes
lib=$tmp/scenes; mkdir -p "$lib"; cp "$samples"/*.png "$lib"/
D=(--db "$tmp/library.db" "${M[@]}")
"$cli" index "${D[@]}" "$lib" >/dev/null 2>&1 || bad "index the sample scenes"
caption=$($py -c "import json, sys; print(json.load(open(sys.argv[1]))['scenes'][0]['caption'])" "$samples/samples.json")
expect_json "search: a scene's own caption is a good match" \
  "d['results'][0]['path'].endswith('scene-1.png') and d['notices']==[]" \
  "$cli" search "${D[@]}" --json "$caption"
expect_json "search: no_good_match for objects absent from the library" \
  "$codes==['no_good_match']" "$cli" search "${D[@]}" --json "a large red star"
expect_json "search: no_good_match for gibberish, with its unknown word" \
  "$codes==['unknown_words','no_good_match'] and d['notices'][0]['words']==['xqzvw'] and len(d['results'])>0" \
  "$cli" search "${D[@]}" --json "xqzvw"

# plain text: the answer on stdout, one line per notice on stderr, exit 0
"$cli" ask "${M[@]}" "$photo" "what color is the car?" >"$tmp/out" 2>"$tmp/err"
status=$?
if [ $status -eq 0 ] && grep -qE '^ *[0-9.]+%  ' "$tmp/out" && [ "$(wc -l <"$tmp/err")" -eq 2 ] &&
   grep -q "does not know the word 'car'" "$tmp/err" && grep -q "trained on" "$tmp/err"; then
  ok "ask: notices as lines on stderr, exit 0"
else bad "ask plain text: status $status, stderr: $(cat "$tmp/err")"; fi

expect_summary cli-notices
