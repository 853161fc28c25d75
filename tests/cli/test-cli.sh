#!/usr/bin/env bash
# glance-cli end to end: outputs of every inference command (JSON shape and sense), and
# bad inputs, each of which must end in a one-line error and a non-zero exit, never a crash.
set -u
cli=${GLANCE_CLI:?run through meson test}
model=${GLANCE_GOLDEN_MODEL_FILE:?}
tmp=${GLANCE_TEST_TMP:?}/cli
mkdir -p "$tmp"
img=../shared/golden/vlmo-ref-a/images
. "$(dirname "$0")/../expect.sh"

M=(--model "$model")
expect_json "info --json" "d['dim']==96 and d['depth']==4 and d['heads']==4 and 'vqa' in d['heads_present']" \
  "$cli" info "${M[@]}" --json
expect_json "ask --json: 5 answers, best first, scores in (0,1)" \
  "len(d['answers'])==5 and all(0<a['score']<1 for a in d['answers']) and [a['score'] for a in d['answers']]==sorted([a['score'] for a in d['answers']],reverse=True) and 'logits' not in d" \
  "$cli" ask "${M[@]}" --json "$img/img0_100x75.png" "what color is the car?"
expect_json "ask --top 2 --logits: 3129 logits, top answer = argmax" \
  "len(d['answers'])==2 and len(d['logits'])==3129 and abs(1/(1+math.exp(-max(d['logits'])))-d['answers'][0]['score'])<1e-6" \
  "$cli" ask "${M[@]}" --json --top 2 --logits "$img/img1_64x64.png" "is there a dog in the picture"
expect_json "compare --json" \
  "isinstance(d['verdict'],bool) and 0<=d['probability']<=1 and len(d['logits'])==2 and d['verdict']==(d['logits'][1]>d['logits'][0])" \
  "$cli" compare "${M[@]}" --json "$img/img0_100x75.png" "$img/img1_64x64.png" "The left image contains two birds."
# match: the ITM logits of the official code (golden cases fusion1 and fusion7), and the
# probability of "yes" that they give
golden=../shared/golden/vlmo-ref-a/expected
for pair in "fusion1 img1_64x64.png A man riding a horse on the beach." "fusion7 img3_33x47.png what color is the car?"; do
  read -r case image text <<<"$pair"
  expect_json "match --json: $case ITM logits" \
    "len(d['logits'])==2 and all(abs(a-e)<=1e-4+1e-4*abs(e) for a,e in zip(d['logits'],__import__('numpy').load('$golden/${case}_itm_logits.npy').tolist())) and abs(d['probability']-1/(1+math.exp(d['logits'][0]-d['logits'][1])))<1e-6" \
    "$cli" match "${M[@]}" --json "$img/$image" "$text"
done
expect_json "embed --json: unit vectors in the order given" \
  "[e['kind'] for e in d['embeddings']]==['text','image','text'] and all(abs(sum(x*x for x in e['vector'])-1)<1e-4 for e in d['embeddings']) and d['embeddings'][1]['input'].endswith('img3_33x47.png')" \
  "$cli" embed "${M[@]}" --json --text "a red car" --image "$img/img3_33x47.png" --text "two birds"
expect_json "embed --vl" "len(d['embeddings'][0]['vector'])==96" "$cli" embed "${M[@]}" --json --vl --text "a red car"
if "$cli" ask "${M[@]}" "$img/img0_100x75.png" "what color is the car?" | grep -qE '^ *[0-9.]+%  '; then
  ok "ask: human-readable output"; else bad "ask: human-readable output"; fi

# eval: sets whose right answers are known from the commands above, so the expected
# accuracy is exact (2 of 3 VQA lines right; 1 of 2 NLVR2 labels right).
ev=$tmp/eval; mkdir -p "$ev"; cp "$img"/*.png "$ev"/
top() { "$cli" ask "${M[@]}" --json "$ev/$1" "$2" | $py -c "import json,sys; print(json.load(sys.stdin)['answers'][0]['answer'])"; }
a0=$(top img0_100x75.png "what color is the car?")
a1=$(top img1_64x64.png "is there a dog?")
$py - "$ev" "$a0" "$a1" <<'PY'
import json, sys
d, a0, a1 = sys.argv[1:]
with open(d + "/vqa.jsonl", "w") as f:
    f.write(json.dumps({"image": "img0_100x75.png", "question": "what color is the car?", "answers": [a0], "type": "color"}) + "\n")
    f.write(json.dumps({"image": "img1_64x64.png", "question": "is there a dog?", "answers": ["zzz", a1], "type": "yesno"}) + "\n")
    f.write(json.dumps({"image": "img1_64x64.png", "question": "is there a dog?", "answers": ["not-" + a1], "type": "yesno"}) + "\n")
PY
v=$("$cli" compare "${M[@]}" --json "$ev/img0_100x75.png" "$ev/img2_200x120.png" "two birds" | $py -c "import json,sys; print(str(json.load(sys.stdin)['verdict']).lower())")
printf '{"left":"img0_100x75.png","right":"img2_200x120.png","statement":"two birds","label":%s}\n{"left":"img0_100x75.png","right":"img2_200x120.png","statement":"two birds","label":%s}\n' \
  "$v" "$([ "$v" = true ] && echo false || echo true)" >"$ev/nlvr2.jsonl"
expect_json "eval vqa: 2 of 3 right, per type" \
  "d['task']=='vqa' and d['n']==3 and abs(d['accuracy']-2/3)<1e-9 and d['per_type']['color']['accuracy']==1 and d['per_type']['yesno']=={'n':2,'accuracy':0.5}" \
  "$cli" eval "${M[@]}" --json vqa "$ev/vqa.jsonl"
expect_json "eval nlvr2: 1 of 2 right" "d['n']==2 and d['accuracy']==0.5" "$cli" eval "${M[@]}" --json nlvr2 "$ev/nlvr2.jsonl"
expect_json "eval vqa: each line's top answer, in order" "d['predictions']==['$a0', '$a1', '$a1']" \
  "$cli" eval "${M[@]}" --json vqa "$ev/vqa.jsonl"
expect_json "eval nlvr2: each pair's verdict, in order" "d['predictions']==[$([ "$v" = true ] && echo True || echo False)]*2" \
  "$cli" eval "${M[@]}" --json nlvr2 "$ev/nlvr2.jsonl"
# retrieval: 12 images (the 4 golden ones and 8 crops of them) and 12 captions, so R@1,
# R@5 and R@10 can each be anything; the expected values are computed from embed's vectors.
$py - "$ev" <<'PY'
import json, sys
from PIL import Image
d = sys.argv[1]
names = ["img0_100x75.png", "img1_64x64.png", "img2_200x120.png", "img3_33x47.png"]
for i in range(8):
    src = Image.open(f"{d}/{names[i % 4]}")
    w, h = src.size
    src.crop((i % 3 * w // 8, i // 3 * h // 8, w - i % 2 * w // 6, h)).save(f"{d}/crop{i}.png")
    names.append(f"crop{i}.png")
words = ["a red car", "two birds", "a man on a horse", "a dog", "the sea", "a blue door", "snow",
         "a green field", "three cats", "an old town", "a bright market", "night"]
with open(f"{d}/retrieval.jsonl", "w") as f:
    for name, caption in zip(names, words):
        f.write(json.dumps({"image": name, "caption": caption}) + "\n")
PY
embed_args=()
while read -r line; do
  embed_args+=(--image "$ev/$($py -c 'import json,sys; print(json.loads(sys.argv[1])["image"])' "$line")")
done <"$ev/retrieval.jsonl"
while read -r line; do
  embed_args+=(--text "$($py -c 'import json,sys; print(json.loads(sys.argv[1])["caption"])' "$line")")
done <"$ev/retrieval.jsonl"
"$cli" embed "${M[@]}" --json "${embed_args[@]}" >"$ev/vectors.json"
expected=$($py -c "
import json; e=[x['vector'] for x in json.load(open('$ev/vectors.json'))['embeddings']]
n=len(e)//2; I,T=e[:n],e[n:]; dot=lambda a,b: sum(x*y for x,y in zip(a,b))
def recall(queries, items, k):
    hits = 0
    for q, vector in enumerate(queries):
        ranked = sorted(range(n), key=lambda i: -dot(vector, items[i]))
        hits += q in ranked[:k]
    return hits / n
print(json.dumps({d: {f'r{k}': recall(Q, X, k) for k in (1, 5, 10)} for d, Q, X in (('text_to_image', T, I), ('image_to_text', I, T))}))")
echo "expected recall: $expected"
expect_json "eval retrieval: R@1, R@5, R@10 both ways as computed from embed (12 images)" \
  "d['n']==12 and d['images']==12 and all(abs(d[w][k]-v)<1e-9 for w, r in json.loads('$expected').items() for k, v in r.items())" \
  "$cli" eval "${M[@]}" --json retrieval "$ev/retrieval.jsonl"
printf '{"image": "img0_100x75.png"\n' >"$ev/broken.jsonl"
expect_error "eval: broken JSONL" "broken.jsonl:1" "$cli" eval "${M[@]}" vqa "$ev/broken.jsonl"
expect_error "eval: unknown task" "task" "$cli" eval "${M[@]}" frobnicate "$ev/vqa.jsonl"
printf '{"image":"missing.png","question":"q?","answers":["a"]}\n' >"$ev/missing.jsonl"
expect_error "eval: missing image" "missing.png" "$cli" eval "${M[@]}" vqa "$ev/missing.jsonl"

# Bad inputs.
printf 'not an image at all' >"$tmp/text.png"
head -c 300 "$img/img2_200x120.png" >"$tmp/truncated.png"
: >"$tmp/empty.png"
head -c 1000 /dev/urandom >"$tmp/random.safetensors"
printf '\xff\xff\x00\x00\x00\x00\x00\x00{}' >"$tmp/past-end.safetensors"
expect_error "missing model file" "no such file" "$cli" ask --model /nonexistent/m.safetensors "$img/img1_64x64.png" "q?"
expect_error "model is random bytes" "random.safetensors" "$cli" ask --model "$tmp/random.safetensors" "$img/img1_64x64.png" "q?"
expect_error "header points past the end" "past the end" "$cli" info --model "$tmp/past-end.safetensors"
expect_error "model is a directory" "regular file" "$cli" info --model "$tmp"
expect_error "empty question" "empty" "$cli" ask "${M[@]}" "$img/img1_64x64.png" ""
expect_error "blank statement" "empty" "$cli" compare "${M[@]}" "$img/img1_64x64.png" "$img/img0_100x75.png" "   "
expect_error "image that is text" "not a photo" "$cli" ask "${M[@]}" "$tmp/text.png" "what?"
expect_error "truncated image" "truncated.png" "$cli" ask "${M[@]}" "$tmp/truncated.png" "what?"
expect_error "empty image file" "empty" "$cli" match "${M[@]}" "$tmp/empty.png" "what?"
expect_error "missing image" "no such file" "$cli" ask "${M[@]}" "$tmp/nope.png" "what?"
expect_error "missing arguments" "needs" "$cli" ask "${M[@]}" "$img/img1_64x64.png"
expect_error "unknown option" "unknown option" "$cli" ask "${M[@]}" --frobnicate "$img/img1_64x64.png" "q"
expect_error "--top 0" "--top" "$cli" ask "${M[@]}" --top 0 "$img/img1_64x64.png" "q"
expect_error "embed without inputs" "--image" "$cli" embed "${M[@]}"
expect_error "unknown command" "unknown command" "$cli" frobnicate

expect_summary cli
