#!/usr/bin/python3
"""Mutation check: do the tests catch deliberate bugs?

    tools/mutate/mutate.py [--source DIR] [--work DIR] [--only ID]... [--check] [--list]

Copies the source tree (default: this repository's working tree) into WORK/tree, next to a
link WORK/shared to the shared data the tests read as ../shared, configures one build there
(WORK/tree/build, warnings not errors: a bug may well warn) and runs the tests the
mutations name, unchanged, as a baseline that must pass. Then, for each mutation of
tools/mutate/mutations.toml alone: replace its snippet, rebuild incrementally, run its
tests, put the file back. A mutation is CAUGHT when a test fails (or times out), SURVIVED
when all pass, STALE when its snippet is not found exactly once (the code moved on: refresh
the entry), BUILD-ERROR when the mutated tree does not compile (fix the entry). Prints one
line per mutation and the score; writes WORK/results.json. Exit status 0 only when every
mutation that is not marked equivalent was caught and none is stale.

The real tree is never modified: the scratch copy is. Ctrl+C restores the scratch copy's
file too, so the next run starts clean. --check only looks for stale snippets (no build).
Not part of tools/test.sh: it rebuilds and reruns suites once per mutation (minutes).
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TEST_TIMEOUT_S = 1200


def load_mutations(path):
    with open(path, "rb") as f:
        mutations = tomllib.load(f)["mutation"]
    seen = set()
    for m in mutations:
        missing = {"id", "file", "original", "replacement", "breaks", "tests"} - set(m)
        if missing:
            sys.exit(f"{path}: mutation {m.get('id', '?')} lacks {sorted(missing)}")
        if m["id"] in seen:
            sys.exit(f"{path}: mutation id {m['id']} appears twice")
        if m["original"] == m["replacement"]:
            sys.exit(f"{path}: mutation {m['id']} changes nothing")
        seen.add(m["id"])
    return mutations


def stale_reason(tree, m):
    """None when the mutation's snippet occurs exactly once in its file."""
    path = os.path.join(tree, m["file"])
    if not os.path.isfile(path):
        return f"{m['file']} does not exist"
    count = open(path, encoding="utf-8").read().count(m["original"])
    if count != 1:
        return f"snippet found {count} times in {m['file']}"
    return None


def sync_tree(source, tree):
    """Mirrors source into tree, without .git and build folders (tree's own build is kept).
    Only files whose bytes differ are written, with a new mtime, so ninja rebuilds exactly
    what changed since the last run."""
    def skipped(rel):
        top = rel.split(os.sep, 1)[0]
        return top == ".git" or top == "build" or top.startswith("build-")

    wanted = set()
    for root, dirs, files in os.walk(source):
        rel_root = os.path.relpath(root, source)
        dirs[:] = [d for d in dirs if not skipped(os.path.normpath(os.path.join(rel_root, d)))]
        for name in files:
            rel = os.path.normpath(os.path.join(rel_root, name))
            wanted.add(rel)
            src, dst = os.path.join(source, rel), os.path.join(tree, rel)
            if os.path.islink(src):
                if os.path.lexists(dst):
                    os.unlink(dst)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                os.symlink(os.readlink(src), dst)
                continue
            if os.path.isfile(dst) and not os.path.islink(dst):
                with open(src, "rb") as a, open(dst, "rb") as b:
                    if a.read() == b.read():
                        continue
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            if os.path.lexists(dst):
                os.unlink(dst)
            shutil.copyfile(src, dst)
            shutil.copymode(src, dst)
    for root, dirs, files in os.walk(tree):
        rel_root = os.path.relpath(root, tree)
        dirs[:] = [d for d in dirs if not skipped(os.path.normpath(os.path.join(rel_root, d)))]
        for name in files:
            rel = os.path.normpath(os.path.join(rel_root, name))
            if rel not in wanted:
                os.unlink(os.path.join(tree, rel))


def run(cmd, log, timeout=None, cwd=None):
    """Runs cmd with output appended to log; returns (exit status, seconds); 124 on timeout."""
    start = time.monotonic()
    with open(log, "a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        try:
            status = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, cwd=cwd).returncode
        except subprocess.TimeoutExpired:
            status = 124
    return status, time.monotonic() - start


def run_tests(build, tests, log):
    return run(["meson", "test", "-C", build, "--no-rebuild", "--num-processes", "2", *tests], log,
               timeout=TEST_TIMEOUT_S)


class Restorer:
    """Puts a mutated file back on exit, Ctrl+C or SIGTERM."""

    def __init__(self):
        self.path = self.text = None
        signal.signal(signal.SIGTERM, self._on_term)

    def _on_term(self, signum, frame):
        raise KeyboardInterrupt

    def mutate(self, path, text, mutated):
        self.path, self.text = path, text
        with open(path, "w", encoding="utf-8") as f:
            f.write(mutated)

    def restore(self):
        if self.path:
            with open(self.path, "w", encoding="utf-8") as f:
                f.write(self.text)
            self.path = self.text = None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source", default=REPO, help="tree to mutate a copy of (default: this repository)")
    p.add_argument("--shared", default=os.path.join(REPO, "..", "shared"), help="the shared data folder")
    p.add_argument("--work", default=os.path.join(REPO, "build-mutate"), help="scratch folder")
    p.add_argument("--mutations", default=os.path.join(HERE, "mutations.toml"))
    p.add_argument("--only", action="append", default=[], help="run only this mutation (repeatable)")
    p.add_argument("--check", action="store_true", help="only report stale snippets")
    p.add_argument("--list", action="store_true", help="list the mutations and exit")
    args = p.parse_args()

    mutations = load_mutations(args.mutations)
    if args.only:
        unknown = set(args.only) - {m["id"] for m in mutations}
        if unknown:
            sys.exit(f"unknown mutation ids: {sorted(unknown)}")
        mutations = [m for m in mutations if m["id"] in args.only]
    if args.list:
        for m in mutations:
            print(f"{m['id']:36} {m['file']:40} {m['breaks']}")
        return 0

    source = os.path.abspath(args.source)
    stale = {m["id"]: r for m in mutations if (r := stale_reason(source, m))}
    if args.check:
        for m in mutations:
            print(f"{'STALE' if m['id'] in stale else 'ok':6} {m['id']:36} {stale.get(m['id'], '')}")
        print(f"{len(stale)} stale of {len(mutations)}")
        return 1 if stale else 0

    work = os.path.abspath(args.work)
    tree, build = os.path.join(work, "tree"), os.path.join(work, "tree", "build")
    os.makedirs(work, exist_ok=True)
    log = os.path.join(work, "mutate.log")
    open(log, "w").close()
    print(f"source {source}\nscratch {tree} (log: {log})", flush=True)
    sync_tree(source, tree)
    shared_link = os.path.join(work, "shared")
    if os.path.islink(shared_link):
        os.unlink(shared_link)
    os.symlink(os.path.realpath(args.shared), shared_link)

    setup = ["meson", "setup", build, tree, "-Dwerror=false"]
    if os.path.isfile(os.path.join(build, "build.ninja")):
        setup.insert(2, "--reconfigure")
    if run(setup, log)[0] != 0 or run(["ninja", "-C", build], log)[0] != 0:
        sys.exit(f"the unmutated tree does not build: see {log}")
    runnable = [m for m in mutations if m["id"] not in stale and not m.get("equivalent")]
    baseline_tests = sorted({t for m in runnable for t in m["tests"]})
    status, seconds = run_tests(build, baseline_tests, log)
    if status != 0:
        sys.exit(f"baseline: the unmutated tree fails its tests ({' '.join(baseline_tests)}): see {log}")
    print(f"baseline: {len(baseline_tests)} tests pass unmutated ({seconds:.0f} s)", flush=True)

    results = []
    restorer = Restorer()
    try:
        for m in mutations:
            result = {"id": m["id"], "file": m["file"], "breaks": m["breaks"], "tests": m["tests"]}
            if m["id"] in stale:
                result.update(outcome="STALE", detail=stale[m["id"]])
            elif m.get("equivalent"):
                result.update(outcome="EQUIVALENT", detail=m["equivalent"])
            else:
                path = os.path.join(tree, m["file"])
                text = open(path, encoding="utf-8").read()
                restorer.mutate(path, text, text.replace(m["original"], m["replacement"], 1))
                with open(log, "a") as out:
                    out.write(f"\n==== mutation {m['id']}\n")
                built, build_s = run(["ninja", "-C", build], log)
                if built != 0:
                    result.update(outcome="BUILD-ERROR", detail=f"does not compile: see {log}")
                else:
                    status, test_s = run_tests(build, m["tests"], log)
                    result.update(outcome="CAUGHT" if status != 0 else "SURVIVED",
                                  detail="timed out" if status == 124 else "",
                                  seconds=round(build_s + test_s))
                restorer.restore()
            results.append(result)
            print(f"{result['outcome']:11} {m['id']:36} {result.get('detail', '')}", flush=True)
    except KeyboardInterrupt:
        restorer.restore()
        print("interrupted: the scratch copy is restored", file=sys.stderr)
        return 130
    finally:
        restorer.restore()
        run(["ninja", "-C", build], log)  # the build matches the restored tree again

    counted = [r for r in results if r["outcome"] in ("CAUGHT", "SURVIVED")]
    caught = sum(r["outcome"] == "CAUGHT" for r in counted)
    by = lambda outcome: [r["id"] for r in results if r["outcome"] == outcome]  # noqa: E731
    print(f"\nmutation score: {caught}/{len(counted)} caught"
          f" ({100 * caught / max(len(counted), 1):.0f}%)")
    for outcome in ("SURVIVED", "STALE", "BUILD-ERROR", "EQUIVALENT"):
        if by(outcome):
            print(f"{outcome.lower()}: {', '.join(by(outcome))}")
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump({"source": source, "caught": caught, "counted": len(counted), "results": results}, f, indent=1)
    ok = caught == len(counted) and not by("STALE") and not by("BUILD-ERROR")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
