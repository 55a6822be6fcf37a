#!/usr/bin/env python3
"""tests/check_toc.py [HEADER] - the header's table of contents is true.

A section tag is a `>>name` standing first on its line (after an optional
comment opener and dashes) outside the table of contents; every other
`>>name` is a reference. Checks, each counted: every tag names one section,
no tag is a prefix of another (so grepping a tag lands on it alone), the
table of contents lists exactly the section tags in file order, and every
reference names a section. Prints 'toc: N passed, M failed'."""
import re, sys
path = sys.argv[1] if len(sys.argv) > 1 else "diffprune.h"
lines = open(path, encoding="utf-8").read().split("\n")
start = next(i for i, l in enumerate(lines) if "TABLE OF CONTENTS" in l)
end = next(i for i in range(start + 2, len(lines)) if lines[i].strip().startswith("====="))
tag = r">>([A-Za-z0-9_]+)"
toc = [m.group(1) for l in lines[start + 2:end] for m in [re.match(r"\s*" + tag, l)] if m]
head = re.compile(r"^\s*(?:/\*)?[\s*-]*" + tag)
chapter = re.compile(r"^\s*\d+\.\s+[A-Z][A-Z ]*\S.*?" + tag + r"\s*$")   # "2. OPTIONS ... >>options"
sections, refs = [], []
for i, l in enumerate(lines):
    if start <= i < end:
        continue
    m = head.match(l) or chapter.match(l)
    first = m.start(1) if m else -1
    for r in re.finditer(tag, l):
        (sections if r.start(1) == first else refs).append((r.group(1), i + 1))
names = [s for s, _ in sections]
passed = failed = 0
def check(ok, msg):
    global passed, failed
    if ok: passed += 1
    else: failed += 1; print("FAIL " + msg)
for s, ln in sections:
    check(names.count(s) == 1, "line %d: >>%s names %d sections" % (ln, s, names.count(s)))
    others = [t for t in names if t != s and t.startswith(s)]
    check(not others, "line %d: >>%s is a prefix of %s" % (ln, s, ", ".join(">>" + t for t in others)))
check(toc == names, "the table of contents and the sections differ")
if toc != names:
    import difflib
    for d in difflib.unified_diff(toc, names, "contents", "sections", lineterm="", n=1): print("  " + d)
for r, ln in refs:
    check(r in names, "line %d: >>%s names no section" % (ln, r))
print("toc: %d sections, %d references" % (len(names), len(refs)))
print("toc: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
