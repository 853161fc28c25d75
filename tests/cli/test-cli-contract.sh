#!/usr/bin/env bash
# The glance-cli contract the commands share: exit statuses (0 success, 1 failure, 2 usage
# error, --help 0), usage lines that name the command, plain messages for a folder given
# as an image and a file that is not a model; and which model a command uses without
# --model: `models default TASK NAME` chooses it, `info --json` lists it, and `ask`,
# `compare` and `embed` use it (the registry's default for the task, else the bundled model).
set -u
cli=${GLANCE_CLI:?run through meson test}
golden=${GLANCE_GOLDEN_MODEL_FILE:?}
tmp=${GLANCE_TEST_TMP:?}/cli-contract
img=../shared/golden/vlmo-ref-a/images
rm -rf "$tmp"
mkdir -p "$tmp"
. "$(dirname "$0")/../expect.sh"

# Everything this test registers stays in its own data folder.
export XDG_DATA_HOME=$tmp/xdg
unset GLANCE_MODEL
models=$XDG_DATA_HOME/glance/models

# expect_status NAME STATUS NEEDLE COMMAND... : exactly STATUS, and (NEEDLE non-empty) a
# stderr holding NEEDLE
expect_status() {
  local name=$1 want=$2 needle=$3; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local status=$?
  if [ $status -ne "$want" ]; then bad "$name: exit $status, not $want: $(head -c 300 "$tmp/err")"
  elif [ -n "$needle" ] && ! grep -qi -- "$needle" "$tmp/err"; then bad "$name: '$(cat "$tmp/err")' lacks '$needle'"
  else ok "$name: exit $want"; fi
}

# ---- --help: exit 0, usage names the program and the command ----
for command in info ask compare match embed import eval models index search; do
  if "$cli" "$command" --help >"$tmp/out" 2>"$tmp/err" && grep -q "glance-cli $command \[OPTION" "$tmp/out"; then
    ok "$command --help: exit 0, 'glance-cli $command' in the usage line"
  else bad "$command --help: $(head -3 "$tmp/out") $(cat "$tmp/err")"; fi
done
expect_status "bench engine --help" 0 "" "$cli" bench engine --help
expect_status "glance-cli --help" 0 "" "$cli" --help

# ---- usage errors: exit 2 ----
expect_status "ask without a question" 2 "needs" "$cli" ask "$img/img0_100x75.png"
expect_status "ask --top 0" 2 "--top" "$cli" ask --top 0 "$img/img0_100x75.png" "q"
expect_status "unknown option" 2 "unknown option" "$cli" ask --frobnicate "$img/img0_100x75.png" "q"
expect_status "compare with two arguments" 2 "needs" "$cli" compare a.png b.png
expect_status "match with one argument" 2 "needs" "$cli" match a.png
expect_status "embed without inputs" 2 "--image" "$cli" embed
expect_status "eval of an unknown task" 2 "task" "$cli" eval frobnicate x.jsonl
expect_status "index without a folder" 2 "folder" "$cli" index
expect_status "search without a query" 2 "query" "$cli" search
expect_status "search --limit 0" 2 "--limit" "$cli" search --limit 0 "x"
expect_status "import without a checkpoint" 2 "which checkpoint" "$cli" import
expect_status "info with an argument" 2 "--model" "$cli" info extra
expect_status "models: unknown subcommand" 2 "unknown subcommand" "$cli" models fetch x
expect_status "models default without a model" 2 "models default TASK NAME" "$cli" models default vqa
expect_status "models default of an unknown task" 2 "not a task" "$cli" models default frobnicate bundled
expect_status "unknown command" 2 "unknown command" "$cli" frobnicate
expect_status "no command" 2 "" "$cli"

# ---- failures: exit 1, with plain messages ----
head -c 1000 /dev/urandom >"$tmp/random.safetensors"
printf 'hello, I am text and not a model at all' >"$tmp/text.safetensors"
expect_status "missing image" 1 "no such file" "$cli" ask --model "$golden" "$tmp/nope.png" "what?"
expect_status "a folder as the image" 1 "is a folder" "$cli" ask --model "$golden" "$tmp" "what?"
expect_status "a folder as the left image" 1 "is a folder" "$cli" compare --model "$golden" "$tmp" "$img/img0_100x75.png" "s"
expect_status "random bytes as the model" 1 "random.safetensors: not a Glance model file" \
  "$cli" info --model "$tmp/random.safetensors"
expect_status "text as the model" 1 "not a Glance model file" "$cli" ask --model "$tmp/text.safetensors" "$img/img0_100x75.png" "q"
expect_status "models default of a model not installed" 1 "no installed model named 'nosuch'" \
  "$cli" models default vqa nosuch
expect_error "models default of a model not installed: one line" "nosuch" "$cli" models default vqa nosuch

# ---- which model a task uses ----
expect_json "info --json without --model: every task uses the bundled model" \
  "d['tasks']=={'vqa':'bundled','nlvr2':'bundled','retrieval':'bundled'} and d['name']=='glance-shapeworld'" \
  "$cli" info --json
expect_json "info --json --model: no tasks member (it describes that file)" "'tasks' not in d" \
  "$cli" info --json --model "$golden"

# Register the golden model as "ref" (serving every task, default for none), as an
# install would write models.json.
mkdir -p "$models"
cp "$golden" "$models/ref.safetensors"
$py - "$models" <<'PY'
import json, os, sys
d = sys.argv[1]
path = os.path.join(d, "ref.safetensors")
json.dump({"version": 1, "models": [{"name": "ref", "title": "Reference", "path": path,
           "tasks": ["retrieval", "vqa", "nlvr2"], "sha256": "0" * 64, "size": 1,
           "file_size": os.path.getsize(path), "dtype": "f32", "url": "file://" + path,
           "default_for": []}]}, open(os.path.join(d, "models.json"), "w"))
PY

q="what color is the car?"
"$cli" ask --json --model ref "$img/img0_100x75.png" "$q" >"$tmp/ask-ref.json"
"$cli" ask --json --model bundled "$img/img0_100x75.png" "$q" >"$tmp/ask-bundled.json"
if ! cmp -s "$tmp/ask-ref.json" "$tmp/ask-bundled.json"; then ok "the two models answer differently (the checks below can tell them apart)"
else bad "ref and the bundled model gave the same answers"; fi
expect_json "ask without --model: the bundled model while no default is set" \
  "d==json.load(open('$tmp/ask-bundled.json'))" "$cli" ask --json "$img/img0_100x75.png" "$q"

expect_json "models default vqa ref" "d=={'task':'vqa','model':'ref'}" "$cli" models default vqa ref --json
expect_json "info --json lists ref for vqa only" \
  "d['tasks']=={'vqa':'ref','nlvr2':'bundled','retrieval':'bundled'}" "$cli" info --json
expect_json "models --json agrees" "d['defaults']=={'vqa':'ref','nlvr2':None,'retrieval':None}" "$cli" models --json
expect_json "ask without --model now uses ref" \
  "d==json.load(open('$tmp/ask-ref.json'))" "$cli" ask --json "$img/img0_100x75.png" "$q"
expect_json "ask --model bundled still reaches the bundled model" \
  "d==json.load(open('$tmp/ask-bundled.json'))" "$cli" ask --json --model bundled "$img/img0_100x75.png" "$q"

"$cli" embed --json --model ref --text "a red car" >"$tmp/embed-ref.json"
expect_json "embed without --model: retrieval still uses the bundled model" \
  "len(d['embeddings'][0]['vector'])!=len(json.load(open('$tmp/embed-ref.json'))['embeddings'][0]['vector']) or d!=json.load(open('$tmp/embed-ref.json'))" \
  "$cli" embed --json --text "a red car"
expect_json "models default retrieval ref" "d['model']=='ref'" "$cli" models default retrieval ref --json
expect_json "embed without --model now uses ref" "d==json.load(open('$tmp/embed-ref.json'))" \
  "$cli" embed --json --text "a red car"

if "$cli" models default vqa bundled | grep -q "vqa now uses bundled"; then ok "models default: human output"
else bad "models default: human output"; fi
expect_json "back to the bundled model for vqa" \
  "d['tasks']=={'vqa':'bundled','nlvr2':'bundled','retrieval':'ref'}" "$cli" info --json
if "$cli" info | grep -q "task models:   vqa bundled, nlvr2 bundled, retrieval ref"; then ok "info: human task line"
else bad "info: human task line: $("$cli" info | tail -1)"; fi

echo '{"version":1,"models":[' >"$models/models.json"
expect_error "info with a damaged registry" "is damaged" "$cli" info --json

expect_summary cli-contract
