#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Regenerate patches/ from the overlay, byte-stable.

The overlay (mm/, include/, drivers/, arch/, Documentation/, tools/ in this
repository) holds the final text of every file the series adds.  Each patch
in patches/ is a `git format-patch` mail.  Regeneration replays the series in
a scratch git repository seeded with the pristine copies of the files the
series touches:

  * a file whose last toucher is this patch and that lives in the overlay is
    written from the overlay;
  * every other file section (hunks to pre-existing kernel files, and earlier
    versions of overlay files that grow over the series) is applied from the
    patch as it stands -- those hunks are hand-kept, edited with quilt.

Each step is committed with the patch's author, date and message and emitted
with `git format-patch --zero-commit --no-signature --no-numbered`; the notes
a patch carries below its `---` line are kept.

  gen-patches.py              rewrite patches/ (and the names in series)
  gen-patches.py --check      fail on any drift, on an overlay file no patch
                              adds, or on a patch that does not apply
  gen-patches.py --add PATCH FILE...
                              add overlay files to a patch (by number or name)
  gen-patches.py --set PATCH FILE SRC [--set ...]
                              set the hand-kept version of FILE after PATCH
                              to the content of SRC (adds the section if the
                              patch did not touch FILE yet)
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATCHES = os.path.join(ROOT, "patches")
SERIES = os.path.join(PATCHES, "series")
OVERLAY_ROOTS = ("mm", "include", "drivers", "arch", "Documentation", "tools")
DIFF_RE = re.compile(r"^diff --git a/(\S+) b/(\S+)$")
STAT_RE = re.compile(r"^ (\S.* \| +(\d+|Bin)|\d+ files? changed)")

GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "LC_ALL": "C",
    "TZ": "UTC",
}


def die(msg):
    print(f"gen-patches: {msg}", file=sys.stderr)
    sys.exit(1)


def git(repo, *args, env=None, input=None):
    full = dict(os.environ, **GIT_ENV, **(env or {}))
    res = subprocess.run(["git", "-C", repo, "-c", "core.abbrev=12",
                          "-c", "diff.algorithm=myers", *args],
                         env=full, input=input, capture_output=True,
                         text=True)
    if res.returncode:
        die(f"git {' '.join(args)} failed:\n{res.stderr}")
    return res.stdout


def pristine_tree():
    path = os.environ.get("PRISTINE")
    if not path:
        path = os.path.join(ROOT, "build", "pristine", "linux-source-6.12")
    if not os.path.isfile(os.path.join(path, "Makefile")):
        die(f"no pristine tree at {path}: run scripts/apply-and-build.sh "
            "--prepare or set PRISTINE")
    return path


def read_series():
    names = []
    with open(SERIES) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                names.append(line.split()[0])
    return names


class Patch:
    """A format-patch mail split into what regeneration needs."""

    def __init__(self, name, text):
        self.name = name
        lines = text.splitlines(keepends=True)
        try:
            first_diff = next(i for i, l in enumerate(lines)
                              if DIFF_RE.match(l.rstrip("\n")))
        except StopIteration:
            die(f"{name}: no file sections")
        head = lines[:first_diff]
        try:
            sep = head.index("---\n")
        except ValueError:
            die(f"{name}: no '---' line")
        self.parse_mail(head[:sep])
        notes = []
        for line in head[sep + 1:]:
            if STAT_RE.match(line):
                break
            notes.append(line)
        while notes and notes[-1] == "\n":
            notes.pop()
        self.notes = "".join(notes)
        self.sections = []          # (path, text)
        cur = None
        for line in lines[first_diff:]:
            m = DIFF_RE.match(line.rstrip("\n"))
            if m:
                cur = [m.group(2), line]
                self.sections.append(cur)
            elif line.startswith("-- \n") and cur:
                cur = None          # signature: not part of the diff
            elif cur:
                cur[1] += line
        self.sections = [tuple(s) for s in self.sections]
        self.files = [p for p, _ in self.sections]

    def parse_mail(self, head):
        headers, i = [], 0
        if head and head[0].startswith("From "):
            i = 1
        while i < len(head) and head[i] != "\n":
            if head[i][0] in " \t" and headers:
                headers[-1] += head[i]
            else:
                headers.append(head[i])
            i += 1
        self.body = "".join(head[i + 1:]).rstrip("\n") + "\n"
        self.extra = []
        for h in headers:
            key, _, value = h.partition(":")
            value = " ".join(value.split())
            if key == "From":
                self.author = value
            elif key == "Date":
                self.date = value
            elif key == "Subject":
                self.subject = re.sub(r"^\[PATCH[^\]]*\]\s*", "", value)
            else:
                self.extra.append(h)
        for attr in ("author", "date", "subject"):
            if not hasattr(self, attr):
                die(f"{self.name}: no {attr.capitalize()}: header")


def overlay_files():
    out = []
    for top in OVERLAY_ROOTS:
        base = os.path.join(ROOT, top)
        for dirpath, _, files in os.walk(base):
            for f in files:
                out.append(os.path.relpath(os.path.join(dirpath, f), ROOT))
    return sorted(out)


def load_patches():
    patches = []
    for name in read_series():
        path = os.path.join(PATCHES, name)
        if not os.path.isfile(path):
            die(f"series names {name}, which does not exist")
        with open(path) as f:
            patches.append(Patch(name, f.read()))
    return patches


def regenerate(patches, workdir, overrides=None):
    """Replays the series; returns [(filename, text)] in series order.

    overrides maps (patch name, path) to a file whose content the path gets
    in that patch instead of what its hand-kept section says.
    """
    overrides = overrides or {}
    pristine = pristine_tree()
    repo = os.path.join(workdir, "repo")
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "base")
    touched = sorted({f for p in patches for f in p.files})
    for f in touched:
        src = os.path.join(pristine, f)
        if os.path.isfile(src):
            os.makedirs(os.path.dirname(os.path.join(repo, f)), exist_ok=True)
            shutil.copyfile(src, os.path.join(repo, f))
    git(repo, "add", "-A")
    base_env = {"GIT_AUTHOR_NAME": "base", "GIT_AUTHOR_EMAIL": "base@base",
                "GIT_COMMITTER_NAME": "base",
                "GIT_COMMITTER_EMAIL": "base@base",
                "GIT_AUTHOR_DATE": "@0 +0000",
                "GIT_COMMITTER_DATE": "@0 +0000"}
    git(repo, "commit", "-q", "--allow-empty", "-m", "pristine", env=base_env)

    owners = {}
    for p in patches:
        for f in p.files:
            owners[f] = p.name
    overlay = set(overlay_files())

    out = []
    for p in patches:
        for path, text in p.sections:
            if (p.name, path) in overrides:
                dst = os.path.join(repo, path)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(overrides[(p.name, path)], dst)
            elif path in overlay and owners[path] == p.name:
                dst = os.path.join(repo, path)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(os.path.join(ROOT, path), dst)
                mode = os.stat(os.path.join(ROOT, path)).st_mode
                os.chmod(dst, mode & 0o777)
            else:
                res = subprocess.run(["git", "-C", repo, "apply", "-"],
                                     input=text, text=True,
                                     capture_output=True,
                                     env=dict(os.environ, **GIT_ENV))
                if res.returncode:
                    die(f"{p.name}: hand-kept hunks for {path} do not "
                        f"apply:\n{res.stderr}")
        git(repo, "add", "-A")
        name, _, email = p.author.rpartition(" <")
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email.rstrip(">"),
               "GIT_COMMITTER_NAME": name,
               "GIT_COMMITTER_EMAIL": email.rstrip(">"),
               "GIT_AUTHOR_DATE": p.date, "GIT_COMMITTER_DATE": p.date}
        git(repo, "commit", "-q", "--cleanup=verbatim", "-F", "-",
            env=env, input=p.subject + "\n\n" + p.body)
        outdir = os.path.join(workdir, "out")
        shutil.rmtree(outdir, ignore_errors=True)
        git(repo, "format-patch", "-1", "--zero-commit", "--no-signature",
            "--no-numbered", "--no-renames", "--start-number",
            str(len(out) + 1), "-o", outdir, "HEAD")
        (fname,) = os.listdir(outdir)
        with open(os.path.join(outdir, fname)) as f:
            text = f.read()
        out.append((fname, postprocess(text, p)))
    return out


def postprocess(text, p):
    """Puts back the extra mail headers and the notes below '---'."""
    lines = text.splitlines(keepends=True)
    if p.extra:
        i = next(i for i, l in enumerate(lines) if l.startswith("Subject:"))
        i += 1
        while lines[i][0] in " \t":
            i += 1
        lines[i:i] = p.extra
    if p.notes:
        i = lines.index("---\n")
        lines[i + 1:i + 1] = [p.notes, "\n"]
    return "".join(lines)


def write_series(names):
    with open(SERIES) as f:
        old = f.readlines()
    out, i = [], 0
    for line in old:
        s = line.strip()
        if s and not s.startswith("#"):
            out.append(names[i] + "\n")
            i += 1
        else:
            out.append(line)
    with open(SERIES, "w") as f:
        f.writelines(out)


def find_patch(patches, which):
    if which.isdigit():
        matches = [p for p in patches
                   if p.name.startswith(f"{int(which):04d}-")]
    else:
        matches = [p for p in patches if p.name == which]
    if len(matches) != 1:
        die(f"no single patch matches {which}")
    return matches[0]


def set_file(patches, which, rel, src):
    """Makes rel's hand-kept version after patch `which` equal src."""
    p = find_patch(patches, which)
    rel = os.path.normpath(rel)
    if not os.path.isfile(src):
        die(f"{src} does not exist")
    if rel not in p.files:
        p.sections.append((rel, ""))
        p.files.append(rel)
    return {(p.name, rel): os.path.abspath(src)}


def add_files(patches, which, files):
    p = find_patch(patches, which)
    path = os.path.join(PATCHES, p.name)
    with open(path) as f:
        text = f.read()
    for rel in files:
        rel = os.path.relpath(os.path.abspath(rel), ROOT)
        if not os.path.isfile(os.path.join(ROOT, rel)):
            die(f"{rel} is not an overlay file")
        if rel in p.files:
            continue
        # An empty new-file section; regeneration fills it from the overlay.
        text += f"diff --git a/{rel} b/{rel}\nnew file mode 100644\n"
    with open(path, "w") as f:
        f.write(text)


HUNK_RE = re.compile(r"^@@ -\d+(,\d+)? \+\d+(,\d+)? @@", re.M)


def base_neutral(text):
    """A patch without what depends on the base tree's exact sublevel: the
    blob ids of its index lines and where its hunks start.  Debian updates
    linux-source-6.12 within 6.12.y; a patch generated against one update
    still applies to the next (quilt --fuzz=0 and git am check that), and
    its content must not have drifted from the overlay."""
    text = re.sub(r"^index [0-9a-f]+\.\.[0-9a-f]+( \d+)?$", "index",
                  text, flags=re.M)
    return HUNK_RE.sub(lambda m: "@@ -" + (m.group(1) or "") + " +" +
                       (m.group(2) or "") + " @@", text)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--add", nargs="+", metavar=("PATCH", "FILE"))
    ap.add_argument("--set", nargs=3, action="append",
                    metavar=("PATCH", "FILE", "SRC"))
    args = ap.parse_args()

    patches = load_patches()
    overrides = {}
    for triple in args.set or []:
        overrides.update(set_file(patches, *triple))
    if args.add:
        if len(args.add) < 2:
            die("--add takes a patch and one or more files")
        add_files(patches, args.add[0], args.add[1:])
        patches = load_patches()

    errors = []
    touched = {f for p in patches for f in p.files}
    for f in overlay_files():
        if f not in touched:
            errors.append(f"overlay file {f} is added by no patch")

    with tempfile.TemporaryDirectory(prefix="gen-patches-") as tmp:
        out = regenerate(patches, tmp, overrides)

    names = [n for n, _ in out]
    if args.check:
        other_base = []
        for p, (name, text) in zip(patches, out):
            if name != p.name:
                errors.append(f"{p.name}: subject says it should be {name}")
                continue
            with open(os.path.join(PATCHES, name)) as f:
                kept = f.read()
            if kept == text:
                continue
            if base_neutral(kept) == base_neutral(text):
                other_base.append(name)
            else:
                errors.append(f"{name}: differs from the overlay "
                              "(run scripts/gen-patches.py)")
        if other_base:
            print(f"gen-patches: {len(other_base)} patches were generated "
                  f"against another sublevel of the base: only blob ids "
                  f"and hunk positions in pre-existing files differ "
                  f"({', '.join(n[:4] for n in other_base)})")
        listed = set(read_series())
        for f in sorted(os.listdir(PATCHES)):
            if f.endswith(".patch") and f not in listed:
                errors.append(f"patches/{f} is not in series")
        for e in errors:
            print(f"gen-patches: {e}", file=sys.stderr)
        if errors:
            sys.exit(1)
        print(f"gen-patches: {len(out)} patches match the overlay")
        return

    for p, (name, text) in zip(patches, out):
        if name != p.name:
            os.unlink(os.path.join(PATCHES, p.name))
        with open(os.path.join(PATCHES, name), "w") as f:
            f.write(text)
    write_series(names)
    for e in errors:
        print(f"gen-patches: {e}", file=sys.stderr)
    print(f"gen-patches: wrote {len(out)} patches")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
