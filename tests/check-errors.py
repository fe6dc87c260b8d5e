#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every errno a public function returns is documented.

For each function the public headers declare, the -EXXX names written in
its definition (libvsw/*/*.c), and in the functions whose result it returns
or keeps in a variable (static helpers of its file, internal vsw__ helpers,
other public functions, followed to any depth), must each appear in its
Doxygen @return and in the RETURN VALUE or ERRORS section of its man page.

The scan is textual, so it sees what the code spells out, not errors that
arrive through a backend's ops or from errno: those the documentation
describes in words ("a negative errno from the backend"). A name compared
against (err == -EAGAIN) is not a return. A helper whose result a caller
handles rather than passes on would be a false report: NOT_PASSED_ON lists
those, each with the reason.

A man page shared by several functions is read as a whole.

Exit status 0: everything documented; 1: a list of what is missing.
"""
import errno
import os
import re
import sys

# helper -> why its errors do not reach the public caller that calls it
NOT_PASSED_ON = {
}

ERRNO_NAMES = set(errno.errorcode.values()) | {"ENOTSUP", "EWOULDBLOCK"}
ERRNO_RE = re.compile(r"\bE[A-Z0-9]{2,}\b")
DECL_RE = re.compile(r"^VSW_API [^(]*[ *](vsw_[a-z0-9_]+)\(", re.M)
DEF_RE = re.compile(r"^[A-Za-z_][^;{}()#=]*?\b([A-Za-z_]\w*)\(([^;{}]*?)\)\s*\{", re.M)
NEG_E_RE = re.compile(r"(==|!=)?\s*-\s*(E[A-Z0-9]{2,})\b")
SIGNED_RE = re.compile(r"\b(int|ssize_t|long)\s*$")
CALL_RE = re.compile(r"\b([A-Za-z_]\w*)\s*\(")


def errnos(text):
    return {t for t in ERRNO_RE.findall(text) if t in ERRNO_NAMES}


def strip_c(src):
    """Comments and string and character literals out, newlines kept."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * src.count("\n", i, j))
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    # an attribute's parentheses would hide the definition it belongs to
    return re.sub(r"__attribute__\s*\(\(.*?\)\)", "", "".join(out))


def body_at(text, brace):
    depth = 0
    for j in range(brace, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[brace + 1:j]
    return text[brace + 1:]


def statements(body):
    """The body split at ; { } so that a return statement is one piece."""
    return re.split(r"[;{}]", body)


class Code:
    def __init__(self, srcdir):
        self.statics = {}   # (file, name) -> body
        self.globals = {}   # name -> (file, body)
        files = sorted(os.path.relpath(os.path.join(d, n), srcdir)
                       for d, _, names in os.walk(srcdir) for n in names)
        for f in files:
            if not f.endswith(".c"):
                continue
            with open(os.path.join(srcdir, f), encoding="utf-8") as fh:
                text = strip_c(fh.read())
            for m in DEF_RE.finditer(text):
                head = text[m.start():m.start(1)]
                name = m.group(1)
                if name in ("if", "for", "while", "switch", "return", "sizeof"):
                    continue
                body = body_at(text, m.end() - 1)
                if not SIGNED_RE.search(head) or "*" in head or "unsigned" in head:
                    body = ""  # returns no errno: a pointer, a count, void
                if re.search(r"\bstatic\b", head):
                    self.statics[(f, name)] = body
                else:
                    self.globals[name] = (f, body)

    def resolve(self, f, name):
        if (f, name) in self.statics:
            return f, self.statics[(f, name)]
        return self.globals.get(name)

    def direct(self, body):
        return {e for cmp, e in NEG_E_RE.findall(body) if not cmp and e in ERRNO_NAMES}

    def passed_on(self, f, body):
        """Functions whose result this body returns or keeps in a variable."""
        out = set()
        for st in statements(body):
            s = st.strip()
            if s.startswith("return"):
                calls = CALL_RE.findall(s)
            else:
                m = re.match(r"^(?:[\w\s\*]+?\s)?\**\s*\w+\s*=\s*([A-Za-z_]\w*)\s*\(", s)
                calls = [m.group(1)] if m else []
            for c in calls:
                if c in NOT_PASSED_ON:
                    continue
                r = self.resolve(f, c)
                if r:
                    out.add((r[0], c))
        return out

    def errors(self, name):
        """name's -EXXX names, with the helper each came through."""
        start = self.globals.get(name)
        if not start:
            return None
        found, seen, todo = {}, set(), [(start[0], name, name)]
        while todo:
            f, fn, via = todo.pop()
            if (f, fn) in seen:
                continue
            seen.add((f, fn))
            body = self.resolve(f, fn)[1]
            for e in self.direct(body):
                found.setdefault(e, via)
            for g, callee in self.passed_on(f, body):
                todo.append((g, callee, via if fn != name else callee))
        return found


def doxygen_return(header_text, name):
    lines = header_text.split("\n")
    for i, line in enumerate(lines):
        if re.match(r"^VSW_API [^(]*[ *]%s\(" % re.escape(name), line):
            break
    else:
        return None
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j < 0 or not lines[j].rstrip().endswith("*/"):
        return None
    k = j
    while k >= 0 and "/**" not in lines[k]:
        k -= 1
    block = [re.sub(r"^\s*/?\*+/?\s?", "", ln) for ln in lines[k:j + 1]]
    text, inside = [], False
    for ln in block:
        if ln.startswith("@"):
            inside = ln.startswith("@return") or ln.startswith("@retval")
        if inside:
            text.append(ln)
    return "\n".join(text)


def man_sections(top, name):
    path = os.path.join(top, "man", "man3", name + ".3")
    if not os.path.exists(path):
        return None, path
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    m = re.match(r"\.so (\S+)", text)
    if m:
        path = os.path.join(top, "man", m.group(1))
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    keep, inside = [], False
    for ln in text.split("\n"):
        if ln.startswith(".SH"):
            title = ln[3:].strip().strip('"').upper()
            inside = title in ("RETURN VALUE", "ERRORS")
        elif inside:
            keep.append(ln)
    return "\n".join(keep), path


def main():
    top = os.environ.get("top_srcdir") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = Code(os.path.join(top, "libvsw"))
    problems = []
    with_errors = 0
    inc = os.path.join(top, "include")
    for h in sorted(os.listdir(inc)):
        if not h.endswith(".h"):
            continue
        with open(os.path.join(inc, h), encoding="utf-8") as fh:
            htext = fh.read()
        for name in sorted(set(DECL_RE.findall(htext))):
            found = code.errors(name)
            if found is None:
                problems.append("%s: no definition in libvsw/*/*.c" % name)
                continue
            with_errors += bool(found)
            dox = doxygen_return(htext, name)
            man, mpath = man_sections(top, name)
            if dox is None:
                problems.append("%s: no Doxygen comment in include/%s" % (name, h))
                dox = ""
            if man is None:
                problems.append("%s: no man page %s" % (name, mpath))
                man = ""
            for where, documented in (("@return in include/" + h, errnos(dox)),
                                      (os.path.relpath(mpath, top) + " RETURN VALUE/ERRORS",
                                       errnos(man))):
                missing = sorted(set(found) - documented)
                if missing:
                    problems.append("%s: %s not in its %s" % (name, ", ".join(
                        e if found[e] == name else "%s (via %s)" % (e, found[e]) for e in missing),
                        where))
    # a parser that no longer sees the code's style would pass everything
    if with_errors < 20:
        problems.append("only %d public functions return an -EXXX: the scan of libvsw/*/*.c "
                        "no longer reads the code" % with_errors)
    for p in problems:
        print(p)
    if problems:
        print("FAIL: %d undocumented error(s); document them, or list a helper whose "
              "result is handled in NOT_PASSED_ON" % len(problems))
        return 1
    print("every errno a public function returns is documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
