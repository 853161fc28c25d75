#!/usr/bin/python3
"""`glance-cli index` and `search` end to end, with the golden (random-weights) model.

    test-library-cli.py GROUP     (contract | interrupt | two-process | kill)

contract     the JSON of DESIGN.md exactly, human output, options, filters and every
             refusal (missing library, newer schema, bad query, bad folder, bad date):
             one line on stderr, a non-zero exit, files left untouched.
interrupt    Ctrl+C (SIGINT) stops cleanly with exit 130; the next run finishes.
two-process  one process indexes while another searches, over and over: every search
             succeeds and sees a growing library.
kill         kill -9 at random moments; after each kill the database passes
             PRAGMA integrity_check, holds no duplicates and keeps every photo an
             earlier run committed; the next run finishes without duplicates.
             GLANCE_KILL_SEED=N replays a run (the seed is printed).

Files live under $GLANCE_TEST_TMP/library-cli/GROUP, never in the source tree.
"""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.environ.get("GLANCE_CLI")
MODEL = os.environ.get("GLANCE_GOLDEN_MODEL_FILE")
TMP_BASE = os.path.join(os.environ.get("GLANCE_TEST_TMP", "/tmp/glance-test"), "library-cli")
COUNT_KEYS = ["scanned", "added", "updated", "unchanged", "removed", "failed"]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL {message}", flush=True)


def make_photos(folder, n, seed=1, variants=0):
    args = ["/usr/bin/python3", os.path.join(HERE, "make-photos.py"), folder, str(n), "--seed", str(seed)]
    if variants:
        args += ["--variants", str(variants)]
    subprocess.run(args, check=True)
    os.unlink(os.path.join(folder, "captions.json"))


def cli(*args, db=None, model=True, env=None, check_ok=True):
    cmd = [CLI, args[0]]
    if db:
        cmd += ["--db", db]
    if model:
        cmd += ["--model", MODEL]
    cmd += list(args[1:])
    run_env = dict(os.environ, GLANCE_THREADS="1", **(env or {}))
    p = subprocess.run(cmd, capture_output=True, text=True, env=run_env)
    if check_ok and p.returncode != 0:
        check(False, f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    return p


def json_out(p):
    try:
        return json.loads(p.stdout)
    except ValueError:
        check(False, f"not one JSON object on stdout: {p.stdout!r}")
        return {}


def check_counts(p, expected, what):
    counts = json_out(p)
    check(list(counts) == COUNT_KEYS + ["failures"], f"{what}: keys {list(counts)}, not {COUNT_KEYS} + failures")
    failures = counts.pop("failures", [])
    check(all(isinstance(v, int) for v in counts.values()), f"{what}: counts must be integers")
    check(len(failures) == counts.get("failed") and all(list(f) == ["path", "reason"] for f in failures),
          f"{what}: failures {failures} for {counts.get('failed')} failed")
    counts["failures"] = failures
    got = {k: counts.get(k) for k in expected}
    check(got == expected, f"{what}: {got}, expected {expected}")
    return counts


def check_refusal(p, what, *phrases):
    lines = p.stderr.strip().splitlines()
    check(p.returncode != 0, f"{what}: exit status 0")
    check(len(lines) == 1 and lines[0].startswith("glance-cli: "), f"{what}: stderr {p.stderr!r}")
    check(p.stdout == "", f"{what}: stdout {p.stdout!r}")
    for phrase in phrases:
        check(phrase in p.stderr, f"{what}: {phrase!r} not in {p.stderr!r}")


def db_state(db):
    """(integrity, duplicate paths, duplicate vectors, orphans, paths with a vector)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        if not con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'photos'").fetchone()[0]:
            # Killed after SQLite created the file, before the first migration committed:
            # an empty version-0 file, which the next run takes as a new library.
            return integrity, 0, 0, 0, set()
        dup_paths = con.execute("SELECT count(*) FROM (SELECT path FROM photos GROUP BY path "
                                "HAVING count(*) > 1)").fetchone()[0]
        dup_vectors = con.execute("SELECT count(*) FROM (SELECT 1 FROM embeddings GROUP BY photo_id, "
                                  "model_id HAVING count(*) > 1)").fetchone()[0]
        orphans = len(con.execute("PRAGMA foreign_key_check").fetchall())
        indexed = {row[0] for row in con.execute(
            "SELECT p.path FROM photos p JOIN embeddings e ON e.photo_id = p.id")}
        return integrity, dup_paths, dup_vectors, orphans, indexed
    finally:
        con.close()


def check_sound(db, what):
    integrity, dup_paths, dup_vectors, orphans, indexed = db_state(db)
    check(integrity == "ok", f"{what}: integrity_check says {integrity}")
    check(dup_paths == 0 and dup_vectors == 0, f"{what}: {dup_paths} duplicate paths, {dup_vectors} vectors")
    check(orphans == 0, f"{what}: {orphans} rows break a foreign key")
    return indexed


# ---- groups ----

def group_contract(tmp):
    photos = os.path.join(tmp, "photos")
    make_photos(photos, 8, seed=3)
    sub = os.path.join(photos, "sub")
    os.makedirs(sub)
    os.rename(os.path.join(photos, "s0007.png"), os.path.join(sub, "s0007.png"))
    with open(os.path.join(photos, "broken.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n not really")
    db = os.path.join(tmp, "lib.db")

    broken = [{"path": os.path.join(photos, "broken.png"), "reason": "the file is damaged or not a photo"}]
    first = cli("index", photos, "--json", db=db)
    counts = check_counts(first, {"scanned": 9, "added": 8, "updated": 0, "unchanged": 0, "removed": 0,
                                  "failed": 1}, "first index")
    check(counts.get("failures") == broken, f"first index: failures {counts.get('failures')}")
    # Progress counts what it adds: its last indexing line ends where the summary does.
    progress = [line for line in first.stderr.splitlines() if line.startswith("indexing:")]
    check(progress and progress[-1] == "indexing: 9/9 new or changed files (of 9 found): 8 added, 1 could not be read",
          f"first index: progress {progress}")
    check(f"glance-cli: {broken[0]['path']} could not be read: {broken[0]['reason']}" in first.stderr.splitlines(),
          f"first index: the failure on stderr: {first.stderr!r}")
    again = cli("index", photos, "--json", db=db)
    counts = check_counts(again, {"scanned": 9, "added": 0, "updated": 0, "unchanged": 8, "removed": 0,
                                  "failed": 1}, "second index")
    check(counts.get("failures") == broken, f"second index (failure unchanged): failures {counts.get('failures')}")
    check(again.stderr.count("broken.png could not be read") == 1, f"second index: stderr {again.stderr!r}")
    os.unlink(os.path.join(photos, "s0006.png"))
    human = cli("index", photos, db=db)
    check(human.stdout.startswith("8 image files: 0 added, 0 updated, 7 unchanged, 1 removed, 1 failed\n"),
          f"human summary: {human.stdout!r}")

    # Search: exactly {"results":[{"path","score"}...], "notices":[...]}, best first, existing files.
    out = json_out(cli("search", "a large blue star", "--limit", "5", "--json", db=db))
    check(list(out) == ["results", "notices"], f"search keys {list(out)}")
    results = out.get("results", [])
    check(len(results) == 5, f"--limit 5 gave {len(results)}")
    check(all(list(r) == ["path", "score"] for r in results), f"result keys {results[:1]}")
    check(all(os.path.isfile(r["path"]) for r in results), "results must be existing files")
    scores = [r["score"] for r in results]
    check(scores == sorted(scores, reverse=True), f"scores not best first: {scores}")

    example = os.path.join(photos, "s0002.png")
    by_image = json_out(cli("search", "--image", example, "--json", db=db))["results"]
    check(by_image and by_image[0]["path"] == example and abs(by_image[0]["score"] - 1) < 1e-4,
          f"--image: {by_image[:2]}")
    mixed = json_out(cli("search", '"blue" + 0.5*"star" - "red"', "--image", example, "--limit", "3",
                         "--json", db=db))["results"]
    check(len(mixed) == 3, "image plus text arithmetic")
    # --rerank 4: the dual encoder's top 4, re-ordered by the ITM probability that
    # `glance-cli match` gives each, then the rest in the dual encoder's order.
    dual = json_out(cli("search", "a blue star", "--limit", "6", "--json", db=db))["results"]
    reranked = json_out(cli("search", "a blue star", "--rerank", "4", "--limit", "6", "--json", db=db))["results"]
    check(len(reranked) == 6, f"--rerank: {reranked}")
    check(sorted(r["path"] for r in reranked[:4]) == sorted(r["path"] for r in dual[:4]),
          f"--rerank 4 re-orders the top 4: {reranked[:4]} vs {dual[:4]}")
    check(reranked[4:] == dual[4:], f"--rerank 4 keeps the rest in order: {reranked[4:]} vs {dual[4:]}")
    for r in reranked[:4]:
        match = json_out(cli("match", r["path"], "a blue star", "--json"))
        check(abs(r["score"] - match["probability"]) < 1e-5, f"--rerank score {r} vs match {match['probability']}")
    scores = [r["score"] for r in reranked[:4]]
    check(scores == sorted(scores, reverse=True), f"--rerank: not best first: {scores}")
    human = cli("search", "a blue star", "--limit", "2", db=db)
    check(len(human.stdout.splitlines()) == 2 and photos in human.stdout, f"human search: {human.stdout!r}")

    # Filters.
    in_sub = json_out(cli("search", "a shape", "--folder", sub, "--json", db=db))["results"]
    check([r["path"] for r in in_sub] == [os.path.join(sub, "s0007.png")], f"--folder: {in_sub}")
    check(json_out(cli("search", "x", "--type", "jpeg", "--json", db=db))["results"] == [], "--type jpeg")
    check(len(json_out(cli("search", "x", "--type", "PNG", "--json", db=db))["results"]) == 7, "--type PNG")
    old = os.path.join(photos, "s0001.png")
    os.utime(old, (946728000, 946728000))  # 2000-01-01 12:00 UTC
    # a new mtime is an update, not an addition (the row is kept, its vector recomputed)
    check_counts(cli("index", photos, "--json", db=db),
                 {"scanned": 8, "added": 0, "updated": 1, "unchanged": 6, "removed": 0, "failed": 1},
                 "index after a touch")
    dated = json_out(cli("search", "x", "--after", "1999-12-01", "--before", "2000-02-01", "--json", db=db))
    check([r["path"] for r in dated["results"]] == [old], f"--after/--before: {dated}")
    check(len(json_out(cli("search", "x", "--after", "2000-02-01T00:00:00Z", "--json", db=db))["results"]) == 6,
          "--after with an ISO 8601 time")

    # A deleted file disappears from results before the next index.
    os.unlink(os.path.join(photos, "s0005.png"))
    paths = [r["path"] for r in json_out(cli("search", "x", "--json", db=db))["results"]]
    check(len(paths) == 6 and os.path.join(photos, "s0005.png") not in paths, "deleted file in results")

    # Refusals: one line on stderr, non-zero, nothing created or changed.
    missing_db = os.path.join(tmp, "missing.db")
    check_refusal(cli("search", "x", db=missing_db, check_ok=False), "search without a library", "no library at")
    check(not os.path.exists(missing_db), "search created a database")
    check_refusal(cli("search", '"beach" + ', db=db, check_ok=False), "query syntax", "column 11")
    check_refusal(cli("search", '"dog" - "dog"', db=db, check_ok=False), "cancelling query", "cancel out")
    check_refusal(cli("search", "x", "--before", "last tuesday", db=db, check_ok=False), "bad date", "--before")
    check_refusal(cli("search", "x", "--type", "docx", db=db, check_ok=False), "bad type", "docx")
    check_refusal(cli("search", "--image", "/nonexistent.png", db=db, check_ok=False), "missing image",
                  "nonexistent.png")
    check_refusal(cli("search", db=db, check_ok=False), "no query", "query")
    check_refusal(cli("search", "x", "--limit", "0", db=db, check_ok=False), "--limit 0", "--limit")
    check_refusal(cli("index", "/nonexistent/photos", db=db, check_ok=False), "missing folder", "/nonexistent/photos")
    check_refusal(cli("index", db=db, check_ok=False), "no folder", "folder")
    check_refusal(cli("index", photos, "--model", "/nonexistent.safetensors", db=db, model=False, check_ok=False),
                  "missing model", "nonexistent")

    future = os.path.join(tmp, "future.db")
    con = sqlite3.connect(future)
    con.execute("CREATE TABLE photos_from_the_future(x)")
    con.execute("PRAGMA user_version = 42")
    con.commit()
    con.close()
    before = open(future, "rb").read()
    for command in (["index", photos], ["search", "x"]):
        check_refusal(cli(*command, db=future, check_ok=False), f"{command[0]} on a newer library",
                      "newer version of Glance", "schema 42")
    check(open(future, "rb").read() == before and not os.path.exists(future + "-wal"), "newer library was changed")
    garbage = os.path.join(tmp, "garbage.db")
    with open(garbage, "w") as f:
        f.write("not a database at all, but long enough to have a header" * 4)
    check_refusal(cli("index", photos, db=garbage, check_ok=False), "garbage library", "garbage.db")

    # The default library lives under $XDG_DATA_HOME/glance.
    xdg = os.path.join(tmp, "xdg")
    p = cli("index", photos, "--json", env={"XDG_DATA_HOME": xdg})
    check(json_out(p).get("added") == 6, f"default --db: {p.stdout}")
    check(os.path.isfile(os.path.join(xdg, "glance", "library.db")), "default library not created")
    check(len(json_out(cli("search", "x", "--json", env={"XDG_DATA_HOME": xdg}))["results"]) == 6, "default search")
    check_sound(db, "contract")


def group_interrupt(tmp):
    photos = os.path.join(tmp, "photos")
    make_photos(photos, 40, seed=5, variants=50)
    total = 2000
    db = os.path.join(tmp, "lib.db")
    cmd = [CLI, "index", "--db", db, "--model", MODEL, photos, "--json"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, GLANCE_THREADS="1"))
    for line in p.stderr:  # the indexing phase has begun
        if line.startswith("indexing:"):
            break
    # Interrupt once a first batch is committed, however fast or slow this machine is.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and p.poll() is None:
        try:
            if db_state(db)[4]:
                break
        except sqlite3.Error:
            pass
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    check(p.returncode == 130, f"Ctrl+C: exit {p.returncode}, stderr {err!r}")
    check("interrupted" in err and out == "", f"Ctrl+C: stdout {out!r}, stderr {err!r}")
    saved = len(check_sound(db, "after Ctrl+C"))
    check(0 < saved < total, f"Ctrl+C saved {saved} of {total}: the test needs a stop mid-way")
    counts = check_counts(cli("index", photos, "--json", db=db), {"scanned": total}, "after Ctrl+C")
    check(counts.get("added") == total - saved and counts.get("unchanged") == saved,
          f"after Ctrl+C with {saved} saved: {counts}")
    check(len(check_sound(db, "finished")) == total, "not every photo indexed")


def group_two_process(tmp):
    photos = os.path.join(tmp, "photos")
    make_photos(photos, 40, seed=6, variants=50)
    total = 2000
    db = os.path.join(tmp, "lib.db")
    # An empty library first, so the searcher finds one from its first try.
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)
    cli("index", empty, "--json", db=db)
    indexer = subprocess.Popen([CLI, "index", "--db", db, "--model", MODEL, photos, "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, GLANCE_THREADS="1"))
    seen, searches = [], 0
    while indexer.poll() is None:
        p = cli("search", "a red circle", "--limit", "100000", "--json", db=db)
        searches += 1
        seen.append(len(json_out(p).get("results", [])))
    out, err = indexer.communicate()
    check(indexer.returncode == 0, f"indexer: exit {indexer.returncode}, {err}")
    check(json.loads(out).get("added") == total, f"indexer: {out}")
    final = len(json_out(cli("search", "a red circle", "--limit", "100000", "--json", db=db))["results"])
    check(final == total, f"after indexing, search sees {final} of {total}")
    check(seen == sorted(seen), f"search saw the library shrink: {seen}")
    print(f"two-process: {searches} searches during indexing saw {seen[:3]} ... {seen[-3:]} photos")
    check(searches >= 3, f"only {searches} searches ran while indexing: too few to test")
    check_sound(db, "two-process")


def group_kill(tmp):
    seed = int(os.environ.get("GLANCE_KILL_SEED", str(int(time.time()) % 100000)))
    rng = random.Random(seed)
    print(f"kill: GLANCE_KILL_SEED={seed}")
    photos = os.path.join(tmp, "photos")
    make_photos(photos, 40, seed=7, variants=50)
    total = 2000
    db = os.path.join(tmp, "lib.db")
    cmd = [CLI, "index", "--db", db, "--model", MODEL, photos, "--json"]
    env = dict(os.environ, GLANCE_THREADS="1")
    # How long a whole run takes here, to spread the kills over it.
    start = time.monotonic()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    duration = time.monotonic() - start
    def start_over():
        for name in ("lib.db", "lib.db-wal", "lib.db-shm"):
            if os.path.exists(os.path.join(tmp, name)):
                os.unlink(os.path.join(tmp, name))

    start_over()
    committed = set()
    kills = 0
    for attempt in range(8):
        if len(committed) == total:
            # A run with nothing left ends before any kill could land: begin a new library.
            start_over()
            committed = set()
        # A moment in the part of a run still to do: start-up, scan, or indexing the rest.
        remaining = (total - len(committed)) / total
        delay = rng.uniform(0.02, 0.1 + duration * remaining * 0.9)
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(delay)
        if p.poll() is None:
            p.kill()  # SIGKILL: no handler, no cleanup
            kills += 1
        p.wait()
        if not os.path.exists(db):
            continue
        indexed = check_sound(db, f"kill {attempt} at {delay:.2f} s")
        lost = committed - indexed
        check(not lost, f"kill {attempt}: {len(lost)} committed photos lost, e.g. {sorted(lost)[:2]}")
        print(f"kill {attempt}: after {delay:.2f} s, {len(indexed)} of {total} photos committed")
        committed = indexed
    check(kills >= 5, f"only {kills} of 8 runs were still going when killed (run took {duration:.2f} s)")
    counts = check_counts(subprocess.run(cmd, capture_output=True, text=True, env=env),
                          {"scanned": total, "failed": 0, "removed": 0}, "run after the kills")
    check(counts.get("added") == total - len(committed) and counts.get("unchanged") == len(committed),
          f"run after the kills with {len(committed)} committed: {counts}")
    check(len(check_sound(db, "after the kills")) == total, "not every photo indexed after the kills")


GROUPS = {"contract": group_contract, "interrupt": group_interrupt, "two-process": group_two_process,
          "kill": group_kill}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in GROUPS:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(GROUPS)}")
    if not CLI or not MODEL:
        sys.exit("GLANCE_CLI and GLANCE_GOLDEN_MODEL_FILE must be set (run through meson test)")
    group = sys.argv[1]
    tmp = os.path.join(TMP_BASE, group)
    subprocess.run(["rm", "-rf", tmp], check=True)
    os.makedirs(tmp)
    GROUPS[group](tmp)
    print(f"{group}: {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
