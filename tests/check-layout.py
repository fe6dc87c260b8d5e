#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The layout rules of libvsw/ (DESIGN.md section 7), read from the built
objects (nm: who defines and who uses each symbol) and the sources:

 - five folders, core, datapath, control, backends and host, whose calls go
   one way: host -> core -> control -> backends -> datapath (a folder calls
   only folders after it); inside a folder, calls between files go one way;
 - datapath/ calls nothing outside itself, and the frame path (everything
   datapath/input.c reaches) stays in datapath/: the rest is reached through
   function pointers (the control hook, backend ops);
 - a backend implementation includes only vsw_backend.h, vsw.h and
   backends/private.h (packet-socket.h for the packet-socket pair, virtq.h
   for vhostuser.c's rings) and calls
   nothing outside backends/ but the frame helpers of datapath/offload.c; host/ calls the core only through public
   functions or core/core.h;
 - a comment that names a source file names one that exists, and a header
   section "---- FILE.c ----" declares only functions FILE.c defines.

Prints the figures (files, call arrows, arrows per folder pair) and every
broken rule; exits 1 if any. Skips (77) without a build's objects.
"""
import collections
import glob
import os
import re
import shlex
import subprocess
import sys

top = os.environ.get("top_srcdir") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = os.environ.get("top_builddir") or top
src = os.path.join(top, "libvsw")
ORDER = ["host", "core", "control", "backends", "datapath"]
BACKEND_FRAMEWORK = {"registry.c", "instance.c", "attach.c", "carrier.c", "loop.c",
                     "linkwatch.c"}
# what a backend may call outside backends/: finishing offloaded frames
FRAME_HELPERS = {"datapath/offload.c"}
BACKEND_HEADERS = {"vsw.h", "vsw_backend.h", "backends/private.h", "backends/packet-socket.h",
                   "backends/virtq.h", "config.h"}

problems = []


def objects():
    objs = glob.glob(os.path.join(build, "libvsw", "*", "libvsw_internal_la-*.o"))
    out = {}
    for o in objs:
        folder = os.path.basename(os.path.dirname(o))
        name = os.path.basename(o)[len("libvsw_internal_la-"):-2] + ".c"
        out[folder + "/" + name] = o
    return out


def symbols(objs):
    defined, calls = {}, collections.defaultdict(lambda: collections.defaultdict(set))
    uses = {}
    for f, o in objs.items():
        nm = shlex.split(os.environ.get("NM") or "nm")
        text = subprocess.run(nm + [o], capture_output=True, text=True, check=True).stdout
        uses[f] = set()
        for line in text.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] == "T":
                defined[p[2]] = f
            elif len(p) == 2 and p[0] == "U":
                uses[f].add(p[1])
    for f, us in uses.items():
        for s in us:
            g = defined.get(s)
            if g and g != f:
                calls[f][g].add(s)
    return calls


def cycles(nodes, edges):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def folder(f):
    return f.split("/")[0]


def check_calls(calls, files):
    edges = {a: set(b) for a, b in calls.items()}
    for c in cycles(files, edges):
        problems.append("calls in a circle: " + " -> ".join(c))
    pairs = collections.Counter()
    for a, targets in calls.items():
        for b, syms in targets.items():
            fa, fb = folder(a), folder(b)
            if fa == fb:
                continue
            pairs[(fa, fb)] += 1
            if fa not in ORDER or fb not in ORDER:
                problems.append("%s is outside the five folders" % (a if fa not in ORDER else b))
            elif ORDER.index(fb) < ORDER.index(fa):
                problems.append("%s calls up into %s: %s" % (a, b, " ".join(sorted(syms))))
            if fa == "backends" and os.path.basename(a) not in BACKEND_FRAMEWORK and \
                    b not in FRAME_HELPERS:
                problems.append("backend %s calls %s: %s" % (a, b, " ".join(sorted(syms))))
            if fa == "host" and fb == "core":
                for s in syms:
                    if not s.startswith("vsw_") and not declared_in("core/core.h", s):
                        problems.append("host %s calls %s, which core/core.h does not declare"
                                        % (a, s))
    # the frame path: every file datapath/input.c reaches
    seen, todo = set(), ["datapath/input.c"]
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        todo.extend(edges.get(f, ()))
    for f in sorted(seen):
        if folder(f) != "datapath":
            problems.append("the frame path from vsw_port_input reaches %s" % f)
    return pairs, sum(len(t) for t in calls.values()), sorted(seen)


def read(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def declared_in(header, name):
    return re.search(r"\b%s\s*\(" % re.escape(name), read(os.path.join(src, header))) is not None


def sources():
    for d, _, names in os.walk(src):
        for n in sorted(names):
            if n.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(d, n), src)


def comments(text):
    return re.findall(r"/\*.*?\*/|//[^\n]*", text, re.S)


def check_sources():
    existing = set(sources())
    basenames = collections.defaultdict(set)
    for f in existing:
        basenames[os.path.basename(f)].add(f)
    public = set(os.listdir(os.path.join(top, "include")))
    for f in sorted(existing):
        text = read(os.path.join(src, f))
        for c in comments(text):
            for ref in re.findall(r"\b([\w./-]+\.[ch])\b", c):
                ref = ref.lstrip("./")
                if ref in existing or ref in basenames or ref in public or ref.endswith(".in"):
                    continue
                if os.path.basename(ref) in basenames and "/" in ref and \
                        any(x.endswith(ref) for x in basenames[os.path.basename(ref)]):
                    continue
                problems.append("%s: a comment names %s, which libvsw/ does not have" % (f, ref))
        if f.startswith("backends/") and f.endswith(".c") and \
                os.path.basename(f) not in BACKEND_FRAMEWORK | {"options.c", "netdev.c",
                                                                "packet-socket.c"}:
            for inc in re.findall(r'#include "([^"]+)"', text):
                if inc not in BACKEND_HEADERS:
                    problems.append("backend %s includes %s" % (f, inc))
        if f.endswith(".h"):
            check_sections(f, text, existing)


def check_sections(header, text, existing):
    """A '---- FILE.c ----' section declares only what FILE.c defines."""
    here = os.path.dirname(header)
    current = None
    for line in text.splitlines():
        m = re.match(r"/\* ---- (?:.*\()?([\w/-]+\.c)\)? ---- \*/", line)
        if m:
            name = m.group(1)
            path = name if name in existing else os.path.join(here, name)
            if path not in existing:
                problems.append("%s: section names %s, which does not exist" % (header, name))
                current = None
            else:
                current = path
            continue
        if line.startswith("/* ----"):
            current = None
            continue
        m = re.match(r"^(?!static|#|typedef|struct \w+ \{|\s)[\w\s\*]+?\b(vsw_\w+)\(", line)
        if current and m:
            body = read(os.path.join(src, current))
            if not re.search(r"^[\w][^;\n]*\b%s\(" % re.escape(m.group(1)), body, re.M):
                problems.append("%s: %s is declared under %s, which does not define it"
                                % (header, m.group(1), current))


def main():
    objs = objects()
    if not objs:
        print("SKIP: no objects under %s/libvsw (build the library first)" % build)
        return 77
    calls = symbols(objs)
    pairs, n_arrows, walk = check_calls(calls, sorted(objs))
    check_sources()
    print("libvsw/: %d files in %d folders, %d call arrows between files, %d between folders"
          % (len(objs), len({folder(f) for f in objs}), n_arrows, sum(pairs.values())))
    for (a, b), n in sorted(pairs.items(), key=lambda x: (ORDER.index(x[0][0]), ORDER.index(x[0][1]))):
        print("  %-8s -> %-8s %3d" % (a, b, n))
    print("the frame path from vsw_port_input enters %d files: %s" % (len(walk), " ".join(walk)))
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
