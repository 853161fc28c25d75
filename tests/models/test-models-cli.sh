#!/usr/bin/env bash
# `glance-cli models`, `models get`, `models remove` against a loopback HTTP server
# (http-server.py) serving checkpoints that make-checkpoints.py generates: a complete
# download, an interrupted one resumed with a Range request, wrong sizes, a 404, a
# stalled server, redirects, a file that is not a checkpoint, a cancelled download;
# then listing, defaults per task, removal, and `ask --model NAME`.
# Every failure must end in a one-line message, a non-zero exit, nothing registered
# and no files left but a resumable NAME.pt.part.
set -u
cli=${GLANCE_CLI:?run through meson test}
tmp=${GLANCE_TEST_TMP:?}/models-cli
here=tests/models
img=../shared/golden/vlmo-ref-a/images/img0_100x75.png
rm -rf "$tmp"
mkdir -p "$tmp/www"
. "$here/../expect.sh"

$py "$here/make-checkpoints.py" "$tmp/www" || exit $?   # 77: no PyTorch, skipped

# Everything this test installs stays in the build dir; no proxy may catch loopback.
export XDG_DATA_HOME=$tmp/xdg
export GLANCE_CATALOGUE=$tmp/catalogue.json
export GLANCE_DOWNLOAD_STALL_TIMEOUT=2
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY
models=$XDG_DATA_HOME/glance/models

$py "$here/http-server.py" "$tmp/www" "$tmp/port" "$tmp/requests.log" 2>"$tmp/server.err" &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port") || { echo "FAIL the test server did not start"; exit 1; }
base=http://127.0.0.1:$port

# The catalogue: one entry per way a download can go.
$py - "$tmp/www/sizes.json" "$base" >"$GLANCE_CATALOGUE" <<'EOF'
import json, sys
sizes = json.load(open(sys.argv[1])); base = sys.argv[2]
vqa_size, vqa_sha = sizes["vqa.pt"]
def entry(name, path, size=vqa_size, sha=None, tasks=("vqa",), url=None):
    return {"name": name, "title": name, "family": "base", "tasks": list(tasks), "image_size": 32,
            "url": url or base + path, "size": size, "sha256": sha, "vocab": "bert-base-uncased",
            "answers": "vqav2-3129" if "vqa" in tasks else None, "heads": 2,
            "published": {"VQAv2 test-dev": 1.5} if "vqa" in tasks else {}}
models = [
    entry("tiny-vqa", "/files/vqa.pt", sha=vqa_sha),
    entry("tiny-cut", "/cut-once/vqa.pt", size=None),
    entry("tiny-no-range", "/no-range/vqa.pt", sha=vqa_sha),
    entry("tiny-redirect", "/redirect/3/vqa.pt"),
    entry("tiny-f16", "/files/vqa.pt"),
    entry("tiny-retrieval", "/files/retrieval.pt", size=sizes["retrieval.pt"][0], tasks=("retrieval",)),
    entry("tiny-404", "/404/vqa.pt"),
    entry("tiny-wrong-size", "/files/vqa.pt", size=vqa_size + 1),
    entry("tiny-chunked-short", "/chunked/vqa.pt", size=vqa_size + 1),
    entry("tiny-chunked-long", "/chunked/vqa.pt", size=vqa_size - 1),
    entry("tiny-bad-sha", "/files/vqa.pt", sha="0" * 64),
    entry("tiny-stall", "/stall/vqa.pt"),
    entry("tiny-stall-headers", "/stall-headers/vqa.pt"),
    entry("tiny-slow", "/slow/vqa.pt"),
    entry("tiny-loop", "/redirect-loop/vqa.pt"),
    entry("tiny-redirect-remote", "/redirect-remote/vqa.pt"),
    entry("tiny-garbage", "/files/garbage.pt", size=None),
    entry("tiny-huge", "/files/vqa.pt", size=10**15),
    entry("remote-http", None, url="http://example.invalid/vqa.pt"),
    entry("remote-https", None, url="https://example.invalid/vqa.pt"),
]
json.dump({"version": 1, "models": models}, sys.stdout, indent=1)
EOF

# registry_check NAME PYTHON-CHECK : the check holds for d = `models --json`
registry_check() {
  expect_json "$1" "$2" "$cli" models --json
}

# files_left NAME EXPECTED : the model folder holds exactly these files (besides the
# registry and its lock), e.g. "" or "tiny-stall.pt.part"
files_left() {
  local name=$1 expected=$2 actual
  actual=$(ls -A "$models" 2>/dev/null | grep -vxE 'models\.json|models\.json\.lock|catalogue-state\.json' | sort | tr '\n' ' ' | sed 's/ $//')
  if [ "$actual" = "$expected" ]; then ok "$name: files left: '${actual}'"
  else bad "$name: files left: '$actual', expected '$expected'"; fi
}

size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }

# heads PATH : how many HEAD requests the server saw for PATH
heads() { grep -c "\"path\": \"$1\", .*\"method\": \"HEAD\"" "$tmp/requests.log"; }

# ---- listing before anything is installed; unknown sizes are asked once, then cached ----
vqa_bytes=$($py -c "import json,sys; print(json.load(open(sys.argv[1]))['vqa.pt'][0])" "$tmp/www/sizes.json")
expect_json "models --json: catalogue, nothing installed, sizes asked of the server" \
  "d['installed']==[] and len(d['available'])==20 and all(a['installed'] is False and a['recommended_for']==[] for a in d['available']) and [a for a in d['available'] if a['name']=='tiny-cut'][0]['size']==$vqa_bytes and d['defaults']=={'retrieval':None,'vqa':None,'nlvr2':None}" \
  "$cli" models --json
if [ "$(heads /cut-once/vqa.pt)" = 1 ]; then ok "one HEAD request for a size the catalogue lacks"
else bad "HEAD requests for /cut-once/vqa.pt: $(heads /cut-once/vqa.pt)"; fi
expect_json "models --json again: the size comes from the cache" \
  "[a for a in d['available'] if a['name']=='tiny-cut'][0]['size']==$vqa_bytes" "$cli" models --json
if [ "$(heads /cut-once/vqa.pt)" = 1 ]; then ok "the size was asked once and cached"
else bad "HEAD requests for /cut-once/vqa.pt after a second listing: $(heads /cut-once/vqa.pt)"; fi
if $py -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d['sizes']['$base/cut-once/vqa.pt']==$vqa_bytes else 1)" "$models/catalogue-state.json"
then ok "the size is kept in catalogue-state.json"; else bad "catalogue-state.json: $(cat "$models/catalogue-state.json")"; fi
if "$cli" models | grep -q "tiny-vqa .*VQAv2 test-dev 1.5"; then ok "models: human-readable list"
else bad "models: human-readable list"; fi

# ---- downloads that must fail, each leaving nothing behind ----
expect_error "plain http to a remote host is refused" "refusing plain http to example.invalid" \
  "$cli" models get remote-http
https_proxy=http://127.0.0.1:$port expect_error "https goes through \$https_proxy" "cannot get remote-https" \
  "$cli" models get remote-https
if grep -q '"path": "example.invalid:443"' "$tmp/requests.log"; then ok "the proxy saw CONNECT example.invalid:443"
else bad "the proxy saw no CONNECT: $(cat "$tmp/requests.log")"; fi
files_left "proxy refused" ""
expect_error "404" "no such file (HTTP 404)" "$cli" models get tiny-404
files_left "404" ""
expect_error "size announced differs from the catalogue" "wrong size: the server offers" \
  "$cli" models get tiny-wrong-size
files_left "wrong size" ""
expect_error "chunked transfer ends short of the catalogue size" "wrong size: got" \
  "$cli" models get tiny-chunked-short
files_left "chunked, short" ""
expect_error "chunked transfer runs past the catalogue size" "wrong size: the server sent more" \
  "$cli" models get tiny-chunked-long
files_left "chunked, long" ""
expect_error "SHA-256 differs from the catalogue" "SHA-256" "$cli" models get tiny-bad-sha
files_left "bad sha256" ""
expect_error "not enough disk space (checked before downloading)" "not enough disk space" \
  "$cli" models get tiny-huge
files_left "no space" ""
expect_error "redirect loop" "too many redirects" "$cli" models get tiny-loop
expect_error "redirect to plain http on a remote host is refused" "refusing plain http to example.invalid" \
  "$cli" models get tiny-redirect-remote
files_left "refused redirects" ""
expect_error "not a checkpoint: import fails" "not a VLMo checkpoint" "$cli" models get tiny-garbage
files_left "not a checkpoint (the .pt is deleted)" ""
expect_error "unknown name" "has no model named 'nope'" "$cli" models get nope
expect_error "name that is not a file name" "not a model name" "$cli" models get ../evil

# ---- a stalled server: timeout, the bytes so far are kept for resuming ----
start=$(date +%s)
expect_error "stalled server times out" "stalled.*sent nothing for 2 s.*resumes" "$cli" models get tiny-stall
elapsed=$(( $(date +%s) - start ))
if [ $elapsed -le 15 ]; then ok "stall detected in ${elapsed}s"; else bad "stall took ${elapsed}s"; fi
files_left "stalled" "tiny-stall.pt.part"
if [ "$(size_of "$models/tiny-stall.pt.part")" -eq 65536 ]; then ok "stalled: 64 KiB kept"
else bad "stalled: .part holds $(size_of "$models/tiny-stall.pt.part") bytes"; fi
expect_json "models --json reports the resumable bytes" \
  "[a for a in d['available'] if a['name']=='tiny-stall'][0]['partial']==65536 and d['installed']==[]" \
  "$cli" models --json
expect_json "models remove drops a partial download" "d=={'removed':'tiny-stall','was_installed':False}" \
  "$cli" models remove tiny-stall --json
files_left "partial removed" ""
expect_error "a server that never answers times out" "sent nothing for 2 s" "$cli" models get tiny-stall-headers
files_left "no answer" ""

# ---- Ctrl-C (SIGINT) while downloading: cancelled, resumable, nothing registered ----
"$cli" models get tiny-slow >"$tmp/out" 2>"$tmp/err" &
getter=$!
for _ in $(seq 100); do [ "$(size_of "$models/tiny-slow.pt.part")" -gt 100000 ] && break; sleep 0.05; done
kill -INT $getter
wait $getter
status=$?
if [ $status -ne 0 ] && [ $status -lt 128 ] && grep -q "cancelled.*resumes" "$tmp/err"; then
  ok "SIGINT cancels: $(cat "$tmp/err")"
else bad "SIGINT: status $status, stderr '$(cat "$tmp/err")'"; fi
files_left "cancelled" "tiny-slow.pt.part"

# ---- a second get of the same model while one runs is refused ----
"$cli" models get tiny-slow >/dev/null 2>&1 &
getter=$!
sleep 0.5
expect_error "concurrent get of one model" "already being installed" "$cli" models get tiny-slow
kill -INT $getter; wait $getter
"$cli" models remove tiny-slow >/dev/null 2>&1
files_left "after the concurrent gets" ""
registry_check "nothing registered after all those failures" "d['installed']==[]"

# ---- interrupted, then resumed with a Range request ----
expect_error "connection cut half way" "connection to 127.0.0.1 was lost after .*resumes" \
  "$cli" models get tiny-cut
half=$(size_of "$models/tiny-cut.pt.part")
files_left "cut" "tiny-cut.pt.part"
expect_json "resumed download completes" \
  "d['name']=='tiny-cut' and d['default_for']==['vqa'] and d['sha256']==json.load(open('$tmp/www/sizes.json'))['vqa.pt'][1] and d['size']==json.load(open('$tmp/www/sizes.json'))['vqa.pt'][0]" \
  "$cli" models get tiny-cut --json
if grep -q "\"path\": \"/cut-once/vqa.pt\", \"range\": \"bytes=$half-\"" "$tmp/requests.log"; then
  ok "the server saw Range: bytes=$half-"
else bad "no Range request for bytes=$half- in: $(grep cut-once "$tmp/requests.log" | tr '\n' ' ')"; fi
files_left "installed tiny-cut" "tiny-cut.safetensors"

# ---- a server that ignores Range: its 200 is the whole file, which replaces the .part ----
head -c 1000 "$tmp/www/vqa.pt" >"$models/tiny-no-range.pt.part"
expect_json "resume against a server that ignores Range starts over" \
  "d['name']=='tiny-no-range' and d['sha256']==json.load(open('$tmp/www/sizes.json'))['vqa.pt'][1]" \
  "$cli" models get tiny-no-range --json
if grep -q '"path": "/no-range/vqa.pt", "range": "bytes=1000-"' "$tmp/requests.log"; then
  ok "the server ignoring Range was asked for bytes=1000-"
else bad "no Range request for bytes=1000- in: $(grep no-range "$tmp/requests.log" | tr '\n' ' ')"; fi
files_left "installed tiny-cut and tiny-no-range" "tiny-cut.safetensors tiny-no-range.safetensors"
expect_json "models remove tiny-no-range" "d['removed']=='tiny-no-range'" "$cli" models remove tiny-no-range --json

expect_json "ask --model NAME uses the installed model" \
  "len(d['answers'])==5 and all(0<a['score']<1 for a in d['answers'])" \
  "$cli" ask --model tiny-cut --json "$img" "what color is the car?"
expect_json "info --model NAME" "d['dim']==32 and d['image_size']==32" "$cli" info --model tiny-cut --json
expect_error "ask --model with an unknown name" "no model file or installed model named 'tiny-404'" \
  "$cli" ask --model tiny-404 "$img" "what color is the car?"
expect_json "get of an installed model says so" "d['name']=='tiny-cut'" "$cli" models get tiny-cut --json

# ---- redirects are followed; a task that has a model keeps it (no silent default) ----
expect_json "download through 3 redirects; vqa keeps tiny-cut and could switch" \
  "d['name']=='tiny-redirect' and d['default_for']==[] and d['could_switch']==['vqa']" \
  "$cli" models get tiny-redirect --json
registry_check "vqa still uses tiny-cut" \
  "[m['name'] for m in d['installed']]==['tiny-cut','tiny-redirect'] and [m['default_for'] for m in d['installed']]==[['vqa'],[]] and d['defaults']['vqa']=='tiny-cut'"
expect_json "models default vqa tiny-redirect (the user's choice)" "d=={'task':'vqa','model':'tiny-redirect'}" \
  "$cli" models default vqa tiny-redirect --json

expect_json "retrieval model: default for retrieval only" \
  "d['tasks']==['retrieval'] and d['default_for']==['retrieval']" "$cli" models get tiny-retrieval --json
registry_check "defaults per task" \
  "d['defaults']=={'retrieval':'tiny-retrieval','vqa':'tiny-redirect','nlvr2':None}"

"$cli" models get tiny-f16 --dtype f16 >"$tmp/out" 2>"$tmp/err"
if grep -qx "Ask keeps tiny-redirect; run \`glance-cli models default vqa tiny-f16\` to switch" "$tmp/out"; then
  ok "models get says which task kept the user's model and how to switch"
else bad "models get tiny-f16 said: $(cat "$tmp/out" "$tmp/err")"; fi
expect_json "--dtype f16 halves the file" \
  "d['dtype']=='f16' and d['file_size']<0.6*[m for m in json.load(open('$models/models.json'))['models'] if m['name']=='tiny-cut'][0]['file_size']" \
  "$cli" models get tiny-f16 --json
expect_json "models default vqa tiny-f16" "d['model']=='tiny-f16'" "$cli" models default vqa tiny-f16 --json
expect_json "an f16 model answers too" "len(d['answers'])==5" \
  "$cli" ask --model tiny-f16 --json "$img" "what color is the car?"
expect_error "bad --dtype" "f32 or f16" "$cli" models get tiny-vqa --dtype bf16

# ---- removal hands the default back ----
expect_json "remove the vqa default" "d=={'removed':'tiny-f16','was_installed':True}" \
  "$cli" models remove tiny-f16 --json
registry_check "vqa default passes to the newest remaining vqa model" \
  "d['defaults']['vqa']=='tiny-redirect' and 'tiny-f16' not in [m['name'] for m in d['installed']]"
"$cli" models remove tiny-redirect >/dev/null
registry_check "…and the next one" "d['defaults']['vqa']=='tiny-cut'"
if "$cli" models remove tiny-cut | grep -q "Removed tiny-cut"; then ok "remove: human output"; else bad "remove: human output"; fi
registry_check "no vqa model left: the bundled model serves vqa" \
  "d['defaults']=={'retrieval':'tiny-retrieval','vqa':None,'nlvr2':None} and [m['name'] for m in d['installed']]==['tiny-retrieval']"
files_left "after removals" "tiny-retrieval.safetensors"
expect_error "remove what is not installed" "no installed model named 'tiny-cut'" "$cli" models remove tiny-cut
expect_error "ask --model of a removed model" "no model file or installed model named 'tiny-cut'" \
  "$cli" ask --model tiny-cut "$img" "what color is the car?"

# ---- --model NAME still finds a .safetensors put in the models folder by hand ----
cp "$models/tiny-retrieval.safetensors" "$models/by-hand.safetensors"
expect_json "--model NAME of a file placed by hand" "d['dim']==32" "$cli" info --model by-hand --json
rm -f "$models/by-hand.safetensors"

# ---- the complete, checksummed download ----
expect_json "complete download with a known size and SHA-256" \
  "d['name']=='tiny-vqa' and d['sha256']==json.load(open('$tmp/www/sizes.json'))['vqa.pt'][1]" \
  "$cli" models get tiny-vqa --json

# ---- damaged files give a clear message, not a crash ----
cp "$models/models.json" "$tmp/models.json.good"
echo '{"version":1,"models":[{"name":"x"' >"$models/models.json"
expect_error "damaged registry" "registry of installed models .* is damaged" "$cli" models
expect_error "damaged registry: models get" "is damaged" "$cli" models get tiny-vqa
cp "$tmp/models.json.good" "$models/models.json"
echo '{"version":1,"models":[{"name":"../x","title":"t"}]}' >"$tmp/bad-catalogue.json"
GLANCE_CATALOGUE=$tmp/bad-catalogue.json expect_error "bad catalogue" "catalogue .*\"name\" may hold only" "$cli" models
GLANCE_CATALOGUE=$tmp/missing.json expect_error "missing catalogue" "cannot read the model catalogue" "$cli" models
expect_error "unknown subcommand" "unknown subcommand 'fetch'" "$cli" models fetch tiny-vqa
expect_error "get without a name" "which model" "$cli" models get

# ---- the recommended set: listed, sizes, offline, installed by get --recommended ----
export XDG_DATA_HOME=$tmp/xdg-recommended
models=$XDG_DATA_HOME/glance/models
export GLANCE_CATALOGUE=$tmp/recommended.json
closed=$($py -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()")
$py - "$base" "$closed" >"$GLANCE_CATALOGUE" <<'EOF'
import json, sys
base, closed = sys.argv[1], sys.argv[2]
def entry(name, url, tasks, recommended=(), scope="everyday photos"):
    e = {"name": name, "title": name, "family": "base", "tasks": list(tasks), "image_size": 32, "url": url,
         "size": None, "sha256": None, "vocab": "bert-base-uncased",
         "answers": "vqav2-3129" if "vqa" in tasks else None, "heads": 2, "published": {},
         "summary": "For " + "/".join(tasks) + ", in plain words.", "source": "the test server",
         "recommended_for": list(recommended)}
    if scope:
        e["scope"] = scope
    return e
models = [
    entry("other-vqa", base + "/files/vqa.pt", ["vqa"], scope=None),
    entry("rec-vqa", base + "/files/vqa.pt", ["vqa"], ["vqa"]),
    entry("rec-nlvr2", base + "/no-head/nlvr2.pt", ["nlvr2"], ["nlvr2"]),
    entry("rec-retrieval", base + "/redirect/2/retrieval.pt", ["retrieval"], ["retrieval"]),
    entry("offline", f"http://127.0.0.1:{closed}/vqa.pt", ["vqa"]),
]
json.dump({"version": 1, "models": models}, sys.stdout, indent=1)
EOF
sizes_of() { $py -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]][0])" "$tmp/www/sizes.json" "$1"; }
nlvr2_bytes=$(sizes_of nlvr2.pt)
retrieval_bytes=$(sizes_of retrieval.pt)
unreachable="Can't reach the download server — check your connection"
expect_json "models --json: recommended_for, summary, source; sizes from HEAD, a one-byte range, redirects" \
  "{a['name']:a['recommended_for'] for a in d['available']}=={'other-vqa':[],'rec-vqa':['vqa'],'rec-nlvr2':['nlvr2'],'rec-retrieval':['retrieval'],'offline':[]} and all(a['summary'] and a['source'] for a in d['available']) and {a['name']:a['size'] for a in d['available']}=={'other-vqa':$vqa_bytes,'rec-vqa':$vqa_bytes,'rec-nlvr2':$nlvr2_bytes,'rec-retrieval':$retrieval_bytes,'offline':None}" \
  "$cli" models --json
expect_json "an unreachable server: size unknown, said in plain words" \
  "[a for a in d['available'] if a['name']=='offline'][0]['size_error']==\"$unreachable\"" "$cli" models --json
if grep -q '"path": "/no-head/nlvr2.pt", "range": "bytes=0-0", "method": "GET"' "$tmp/requests.log"; then
  ok "a server refusing HEAD is asked for one byte"
else bad "no one-byte request for /no-head/nlvr2.pt: $(grep no-head "$tmp/requests.log" | tr '\n' ' ')"; fi
if [ "$(grep -c '"path": "/no-head/nlvr2.pt", "range": "bytes=0-0"' "$tmp/requests.log")" = 1 ] && [ "$(heads /files/vqa.pt)" = 1 ]; then
  ok "two listings asked each size once"
else bad "sizes asked more than once: $(grep -E 'HEAD|0-0' "$tmp/requests.log" | tr '\n' ' ')"; fi
if "$cli" models | grep -q "^Recommended (get them all with 'glance-cli models get --recommended')"; then
  ok "models: the recommended set comes first"; else bad "models: no recommended section"; fi
expect_error "get from an unreachable server: a plain message" "^glance-cli: $unreachable\$" \
  "$cli" models get offline
files_left "unreachable" ""

# A user's choice for Ask (other-vqa, installed first while Ask used the bundled model).
"$cli" models get other-vqa >"$tmp/out" 2>"$tmp/err"
if grep -qx "Ask now uses other-vqa" "$tmp/out"; then ok "a model replaces the built-in one: 'Ask now uses other-vqa'"
else bad "models get other-vqa said: $(cat "$tmp/out" "$tmp/err")"; fi
"$cli" models get --recommended >"$tmp/out" 2>"$tmp/err"
status=$?
if [ $status -eq 0 ] && grep -qx "Ask keeps other-vqa; run \`glance-cli models default vqa rec-vqa\` to switch" "$tmp/out" &&
   grep -qx "Compare now uses rec-nlvr2" "$tmp/out" && grep -qx "Search now uses rec-retrieval" "$tmp/out" &&
   [ ! -s "$tmp/err" ]; then
  ok "models get --recommended installs the set and says what it changed"
else bad "models get --recommended: status $status, said: $(cat "$tmp/out" "$tmp/err")"; fi
registry_check "the set is installed; Ask keeps the user's model" \
  "sorted(m['name'] for m in d['installed'])==['other-vqa','rec-nlvr2','rec-retrieval','rec-vqa'] and d['defaults']=={'vqa':'other-vqa','nlvr2':'rec-nlvr2','retrieval':'rec-retrieval'} and all(a['installed'] for a in d['available'] if a['recommended_for'])"
expect_json "get --recommended again: nothing to do" "d=={'installed':[],'recommended':['rec-vqa','rec-nlvr2','rec-retrieval']}" \
  "$cli" models get --recommended --json
expect_error "--recommended with a name" "goes with get alone" "$cli" models get rec-vqa --recommended

# glance.scope: the catalogue's "everyday photos" is in the installed model, so notices name it.
scope_of() {
  $py - "$models/$1.safetensors" <<'EOF'
import json, struct, sys
with open(sys.argv[1], "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    print(json.loads(f.read(n)).get("__metadata__", {}).get("glance.scope", "(none)"))
EOF
}
if [ "$(scope_of rec-vqa)" = "everyday photos" ] && [ "$(scope_of rec-nlvr2)" = "everyday photos" ] &&
   [ "$(scope_of other-vqa)" = "(none)" ]; then ok "glance.scope of an installed model is the catalogue's"
else bad "glance.scope: rec-vqa '$(scope_of rec-vqa)', rec-nlvr2 '$(scope_of rec-nlvr2)', other-vqa '$(scope_of other-vqa)'"; fi

# Removing the user's Ask model hands Ask to the newest model for it (rec-vqa).
"$cli" models remove other-vqa >/dev/null
registry_check "after removing the user's choice, Ask uses rec-vqa" "d['defaults']['vqa']=='rec-vqa'"

# The progress line (on a terminal only): which model, bytes of the whole set.
"$cli" models remove rec-nlvr2 >/dev/null
"$cli" models remove rec-retrieval >/dev/null
if command -v script >/dev/null; then
  script -qec "'$cli' models get --recommended" /dev/null >"$tmp/tty.out" 2>&1
  if tr '\r' '\n' <"$tmp/tty.out" | grep -qE "^getting 2/2 rec-retrieval: [0-9.]+.(kB|MB) of [0-9.]+.MB"; then
    ok "one progress line: getting 1/2 rec-nlvr2: bytes of the set's total"
  else bad "progress line: $(tr '\r' '\n' <"$tmp/tty.out" | head -5)"; fi
else ok "no 'script' command: progress line not checked"; fi

# Ctrl-C during get --recommended: cancelled cleanly, the bytes kept for the next run.
export GLANCE_CATALOGUE=$tmp/recommended-slow.json
$py - "$base" >"$GLANCE_CATALOGUE" <<'EOF'
import json, sys
entry = {"name": "slow-vqa", "title": "slow", "family": "base", "tasks": ["vqa"], "image_size": 32,
         "url": sys.argv[1] + "/slow/vqa.pt", "size": None, "sha256": None, "vocab": "bert-base-uncased",
         "answers": "vqav2-3129", "heads": 2, "published": {}, "recommended_for": ["vqa"]}
json.dump({"version": 1, "models": [entry]}, sys.stdout)
EOF
"$cli" models get --recommended >"$tmp/out" 2>"$tmp/err" &
getter=$!
for _ in $(seq 100); do [ "$(size_of "$models/slow-vqa.pt.part")" -gt 100000 ] && break; sleep 0.05; done
kill -INT $getter
wait $getter
status=$?
if [ $status -eq 1 ] && grep -q "getting slow-vqa was cancelled.*resumes" "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
  ok "SIGINT cancels get --recommended: $(cat "$tmp/err")"
else bad "SIGINT during get --recommended: status $status, stderr '$(cat "$tmp/err")'"; fi
registry_check "a cancelled set registers nothing more" "'slow-vqa' not in [m['name'] for m in d['installed']]"
if [ -s "$models/slow-vqa.pt.part" ]; then ok "the cancelled set keeps slow-vqa.pt.part for resuming"
else bad "no slow-vqa.pt.part after cancelling"; fi

expect_summary models-cli
