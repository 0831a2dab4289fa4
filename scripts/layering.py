#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that userspace/ and tools/ respect their layers.

Each object file under BUILD/userspace/FOLDER/ and BUILD/tools/ is a module
and its folder is its layer. Module A uses module B when A has an undefined
symbol that B defines (`nm`). A source file uses a folder when it includes
one of its headers (`#include "folder/x.h"`): a struct or a prototype from
a higher layer is a dependency on it as much as a call is.

Violations, one line each:
  - a call or include from a lower layer into a higher one;
  - a call or include between two folders of the same rank (unless the
    pair is in SAME_RANK_ALLOWED);
  - a call or include by tools/ outside the folders it may use;
  - a cycle (strongly connected component) of more than MAX_CYCLE modules.
Smaller cycles are allowed; -v lists them.

Known violations can be listed in an allow-list (scripts/layering.allow in
the source tree by default): each line is a violation line as this script
prints it. A listed violation does not fail the check, but an entry that no
longer matches anything does, so the list can only shrink.

Usage: layering.py [-v] [--dot FILE] [--allow FILE] [BUILD [SRC]]
BUILD defaults to SRC/build and SRC to the repository holding this script.
Exit status: 0 clean, 1 violations or stale allow-list entries, 2 the check
could not run (no objects, a source without its object, a bad allow-list).
"""

import argparse
import os
import re
import subprocess
import sys

# ---- The layers ----------------------------------------------------------
#
# The rank table, lowest layer first: a folder of userspace/ may call and
# include any folder of a lower rank, never one of a higher rank. Folders
# of the same rank are independent: neither may use the other, unless the
# pair is in SAME_RANK_ALLOWED. Higher layers that need to be called back
# register callbacks or ops tables instead.
RANKS = [
    ["lib"],
    ["netlink", "crypto"],
    ["config"],
    ["mesh"],
    ["proto"],
    ["dataplane"],
    ["daemon"],
]

# (user, used) pairs of the same rank that may use each other: none today.
SAME_RANK_ALLOWED = set()

# Folders outside the stack, with the only folders each may use. Nothing
# may use them. tools/ is the `meshvpn` CLI: it talks to the kernel
# (netlink) and to meshvpnd over its control socket, never to the
# daemon's own code.
SIDE_FOLDERS = {
    "tools": ["lib", "netlink", "crypto", "config"],
}

# A cycle of at most this many modules is tolerated (two or three files
# that implement one thing together); a bigger one is a tangle.
MAX_CYCLE = 4

# Where quoted and angled includes are looked up, after the including
# file's own folder for quoted ones: the Makefile's -I list.
INCLUDE_DIRS = ["include/uapi", "include", "userspace"]

RANK_OF = {folder: rank for rank, folders in enumerate(RANKS)
           for folder in folders}


def folder_of(path):
    """The layer of a path relative to the top: userspace/FOLDER/... gives
    FOLDER, tools/... gives "tools", a file directly in userspace/ gives
    "userspace/" (which has no rank); anything else None."""
    parts = path.split("/")
    if parts[0] == "tools" and len(parts) >= 2:
        return "tools"
    if parts[0] == "userspace" and len(parts) >= 3:
        return parts[1]
    if parts[0] == "userspace" and len(parts) == 2:
        return "userspace/"
    return None


def rule_broken(user, used, verb):
    """Why folder `user` may not use folder `used`, or None if it may.
    verb is "calls" or "includes"."""
    if user == used:
        return None
    for folder in (user, used):
        if folder not in RANK_OF and folder not in SIDE_FOLDERS:
            return (f"{user} {verb} {used}; {folder} has no rank: "
                    "add it to RANKS in scripts/layering.py")
    if used in SIDE_FOLDERS:
        return f"{user} {verb} {used}, which nothing may use"
    if user in SIDE_FOLDERS:
        if used in SIDE_FOLDERS[user]:
            return None
        allowed = SIDE_FOLDERS[user]
        return (f"{user} {verb} {used}; {user} may use "
                + ", ".join(allowed[:-1]) + f" and {allowed[-1]} only")
    if RANK_OF[user] > RANK_OF[used]:
        return None
    if RANK_OF[user] == RANK_OF[used]:
        if (user, used) in SAME_RANK_ALLOWED:
            return None
        return f"{user} {verb} {used}, same rank"
    return f"{user} {verb} {used}"


# ---- Inputs --------------------------------------------------------------

class CheckError(Exception):
    """The check cannot run (exit status 2)."""


def walk_files(top, subdir, suffixes):
    """Paths relative to top of the files under top/subdir ending in one of
    suffixes, sorted; none if the folder is missing."""
    found = []
    for root, dirs, files in os.walk(os.path.join(top, subdir)):
        dirs.sort()
        for name in files:
            if name.endswith(suffixes):
                found.append(os.path.relpath(os.path.join(root, name), top))
    return sorted(found)


def read_symbols(build, objects):
    """{object: (defined, undefined)} global symbol sets, from one nm run
    over all objects (one run per object is seconds on a busy machine)."""
    nm = os.environ.get("NM", "nm")
    symbols = {obj: (set(), set()) for obj in objects}
    if not objects:
        return symbols
    try:
        out = subprocess.run([nm, "-P", "-A"] + objects, cwd=build,
                             check=True, capture_output=True,
                             text=True).stdout
    except (OSError, subprocess.CalledProcessError) as err:
        raise CheckError(f"{nm} in {build}: {err}") from err
    for line in out.splitlines():
        obj, _, rest = line.partition(": ")
        fields = rest.split()
        if obj not in symbols or len(fields) < 2:
            raise CheckError(f"{nm}: unexpected line: {line}")
        defined, undefined = symbols[obj]
        name, kind = fields[0], fields[1]
        # ELF: U undefined, w/v weak undefined; upper case is a global
        # definition (T text, D/B/R/G/S data, W/V weak, C common, i/u GNU
        # ifunc and unique). Lower case letters are file-local.
        if kind in ("U", "w", "v"):
            undefined.add(name)
        elif kind in "TDBRGSWVC" or kind in ("i", "u"):
            defined.add(name)
    return symbols


def load_modules(build, src, notes):
    """{module: (defined, undefined)} for every object under
    BUILD/userspace and BUILD/tools whose source still exists. An object
    without a source is left over from a renamed or deleted file and would
    add calls that no longer exist, so it is skipped (noted for -v); a
    source without an object would hide calls, so it stops the check."""
    objects = [o for sub in ("userspace", "tools")
               for o in walk_files(build, sub, (".o",))]
    sources = [s for sub in ("userspace", "tools")
               for s in walk_files(src, sub, (".c",))]
    object_set = set(objects)
    unbuilt = [s for s in sources if s[:-2] + ".o" not in object_set]
    if not objects and sources:
        raise CheckError(f"no objects under {build}/userspace or "
                         f"{build}/tools: build first (make userspace tools)")
    if unbuilt:
        raise CheckError(f"not built in {build}: " + ", ".join(unbuilt)
                         + " (build first: make userspace tools)")
    modules = []
    for obj in objects:
        if os.path.exists(os.path.join(src, obj[:-2] + ".c")):
            modules.append(obj)
        else:
            notes.append(f"skipped {obj}: no {obj[:-2]}.c in {src}")
    return read_symbols(build, modules)


INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def resolve_include(src, including, name, quoted):
    """The included file as a path relative to src, or None when it is
    outside the tree (a system header). A quoted include that names a
    layer folder ("daemon/x.h") counts even if the header is missing."""
    dirs = [os.path.dirname(including)] if quoted else []
    dirs += INCLUDE_DIRS
    for d in dirs:
        path = os.path.normpath(os.path.join(d, name))
        if not path.startswith("..") and os.path.isfile(
                os.path.join(src, path)):
            return path
    first = name.split("/")[0]
    if quoted and "/" in name and (first in RANK_OF or
                                   os.path.isdir(os.path.join(
                                       src, "userspace", first))):
        return os.path.normpath(os.path.join("userspace", name))
    return None


def load_includes(src):
    """[(file, line number, included path)] for every
    #include of a userspace/ or tools/ .c or .h file that names a file in
    userspace/ or tools/."""
    includes = []
    for sub in ("userspace", "tools"):
        for path in walk_files(src, sub, (".c", ".h")):
            with open(os.path.join(src, path), encoding="utf-8",
                      errors="replace") as f:
                for number, line in enumerate(f, 1):
                    match = INCLUDE_RE.match(line)
                    if not match:
                        continue
                    quoted = match.group(1) == '"'
                    target = resolve_include(src, path, match.group(2),
                                             quoted)
                    if target and folder_of(target):
                        includes.append((path, number, target))
    return includes


# ---- The graph -----------------------------------------------------------

def module_edges(modules, notes):
    """{(a, b): sorted symbols} for each module a using module b."""
    definers = {}
    for module, (defined, _) in modules.items():
        for sym in defined:
            definers.setdefault(sym, []).append(module)
    for sym, where in sorted(definers.items()):
        # Each program has its main; nothing calls it.
        if len(where) > 1 and sym != "main":
            notes.append(f"{sym} is defined in " + ", ".join(sorted(where)))
    edges = {}
    for module, (_, undefined) in modules.items():
        for sym in undefined:
            for definer in definers.get(sym, ()):
                if definer != module:
                    edges.setdefault((module, definer), []).append(sym)
    return {edge: sorted(syms) for edge, syms in edges.items()}


def strongly_connected(nodes, edges):
    """Tarjan's algorithm, iterative: the components of more than one
    node, each a sorted list, in a stable order."""
    succ = {n: [] for n in nodes}
    for a, b in edges:
        succ[a].append(b)
    for n in succ:
        succ[n].sort()
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(succ[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(succ[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


# ---- Violations and the allow-list ---------------------------------------

class Violation:
    """One broken rule. key identifies it in the allow-list; items are the
    symbols of a call (matched one by one, so a new call on an allowed edge
    is still new); reason is shown but never matched."""

    def __init__(self, key, items, reason):
        self.key, self.items, self.reason = key, list(items), reason

    def line(self, items=None):
        items = self.items if items is None else items
        text = self.key + (": " + ", ".join(items) if items else "")
        return f"{text} ({self.reason})"


def parse_allow_line(text):
    """(key, items) of an allow-list or violation line: the reason in
    parentheses at the end is dropped, so printed lines can be pasted."""
    text = re.sub(r"\s*\([^()]*\)\s*$", "", text).strip()
    if text.startswith("cycle:"):
        members = sorted(text[len("cycle:"):].split())
        return "cycle: " + " ".join(members), []
    match = re.fullmatch(r"(\S+)\s*->\s*(\S+?)(?::\s*(.*))?", text)
    if not match:
        return None
    key = f"{match.group(1)} -> {match.group(2)}"
    items = [s for s in re.split(r"[,\s]+", match.group(3) or "") if s]
    return key, sorted(items)


def load_allow(path):
    """{key: (line number, items)} from the allow-list; no file, no
    entries. '#' starts a comment."""
    entries = {}
    if path is None or not os.path.exists(path):
        return entries
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            # A comment starts with '#' at the start of the line or after
            # a blank; printed lines never contain one.
            text = re.sub(r"(^|\s)#.*", "", line).strip()
            if not text:
                continue
            parsed = parse_allow_line(text)
            where = f"{path}:{number}"
            if parsed is None:
                raise CheckError(f"{where}: not 'A -> B[: symbols]' or "
                                 f"'cycle: A B ...': {text}")
            key, items = parsed
            if key in entries:
                raise CheckError(f"{where}: {key} is already listed on "
                                 f"line {entries[key][0]}")
            if key.endswith(".o") and " -> " in key and not items:
                raise CheckError(f"{where}: a call needs its symbols "
                                 "(paste the line layering.py prints)")
            entries[key] = (number, items)
    return entries


def find_violations(modules, edges, includes):
    """(violations, small cycles)."""
    violations = []
    for (a, b), syms in sorted(edges.items()):
        reason = rule_broken(folder_of(a), folder_of(b), "calls")
        if reason:
            violations.append(Violation(f"{a} -> {b}", syms, reason))
    # One line per including file and header, however often it is included.
    seen = set()
    for path, number, target in includes:
        reason = rule_broken(folder_of(path), folder_of(target), "includes")
        if reason and (path, target) not in seen:
            seen.add((path, target))
            violations.append(Violation(
                f"{path} -> {target}", [],
                f"{reason}, line {number}"))
    small = []
    for component in strongly_connected(modules, edges):
        if len(component) > MAX_CYCLE:
            violations.append(Violation(
                "cycle: " + " ".join(component), [],
                f"{len(component)} modules call each other in a circle, "
                f"at most {MAX_CYCLE} may"))
        else:
            small.append(component)
    return violations, small


def apply_allow(violations, allow):
    """(failing lines, allowed lines, stale lines) once the allow-list
    is taken into account."""
    failing, allowed, used = [], [], set()
    for v in violations:
        entry = allow.get(v.key)
        if entry is None:
            failing.append(v.line())
            continue
        used.add(v.key)
        new = [s for s in v.items if s not in entry[1]]
        if new:
            # The edge is known, but these calls on it are not.
            failing.append(v.line(new))
        else:
            allowed.append(v.line())
    stale = []
    by_key = {v.key: v for v in violations}
    for key, (number, items) in sorted(allow.items(), key=lambda e: e[1]):
        if key not in used:
            stale.append(f"line {number}: {key}")
            continue
        gone = [s for s in items if s not in by_key[key].items]
        if gone:
            stale.append(f"line {number}: {key}: " + ", ".join(gone)
                         + " (no longer called: remove from the entry)")
    return failing, allowed, stale


# ---- Output --------------------------------------------------------------

def plural(count, noun):
    """ "1 call", "2 calls", "2 entries"."""
    if count == 1:
        return f"{count} {noun}"
    if noun.endswith("y"):
        return f"{count} {noun[:-1]}ies"
    return f"{count} {noun}s"


def write_dot(dot_path, modules, edges, includes):
    """The folder graph: one node per folder, lower layers at the bottom,
    folders of one rank side by side; an edge per folder pair with its
    call and include counts, red when it breaks a rule."""
    folders = sorted({folder_of(m) for m in modules}
                     | {folder_of(inc[0]) for inc in includes}
                     | {folder_of(inc[2]) for inc in includes})
    calls, incs = {}, {}
    for (a, b), syms in edges.items():
        pair = (folder_of(a), folder_of(b))
        if pair[0] != pair[1]:
            calls[pair] = calls.get(pair, 0) + len(syms)
    for including, _, target in includes:
        pair = (folder_of(including), folder_of(target))
        if pair[0] != pair[1]:
            incs[pair] = incs.get(pair, 0) + 1
    lines = ["digraph layers {", "\trankdir=BT;",
             "\tnode [shape=box];"]
    for rank_folders in RANKS + [[f] for f in SIDE_FOLDERS]:
        present = [f for f in rank_folders if f in folders]
        if present:
            lines.append("\t{ rank=same; "
                         + " ".join(f'"{f}";' for f in present) + " }")
    for f in folders:
        if f not in RANK_OF and f not in SIDE_FOLDERS:
            lines.append(f'\t"{f}" [color=red];')
    for pair in sorted(set(calls) | set(incs)):
        label = []
        if pair in calls:
            label.append(plural(calls[pair], "call"))
        if pair in incs:
            label.append(plural(incs[pair], "include"))
        color = "red" if rule_broken(pair[0], pair[1], "uses") else "black"
        lines.append(f'\t"{pair[0]}" -> "{pair[1]}" '
                     f'[label="{", ".join(label)}", color={color}];')
    lines.append("}")
    with open(dot_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(
        description="Check the layering of userspace/ and tools/: calls "
        "(from the objects' symbols) and includes must go down the rank "
        "table at the top of this script.")
    parser.add_argument("build", nargs="?",
                        help="build folder (default SRC/build)")
    parser.add_argument("src", nargs="?", default=os.path.dirname(here),
                        help="source tree (default: this repository)")
    parser.add_argument("--allow", metavar="FILE",
                        help="allow-list (default SRC/scripts/layering.allow"
                        ", if present)")
    parser.add_argument("--dot", metavar="FILE",
                        help="write the folder graph to FILE (Graphviz: "
                        "dot -Tsvg FILE)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list small cycles, allowed violations "
                        "and skipped objects")
    args = parser.parse_args()
    src = os.path.abspath(args.src)
    build = os.path.abspath(args.build or os.path.join(src, "build"))
    allow_path = args.allow or os.path.join(src, "scripts", "layering.allow")

    notes = []
    try:
        if args.allow and not os.path.exists(args.allow):
            raise CheckError(f"no allow-list {args.allow}")
        if not os.path.isdir(build):
            raise CheckError(f"no build folder {build}")
        modules = load_modules(build, src, notes)
        includes = load_includes(src)
        allow = load_allow(allow_path)
    except CheckError as err:
        print(f"layering: {err}", file=sys.stderr)
        return 2
    edges = module_edges(modules, notes)
    violations, small = find_violations(modules, edges, includes)
    failing, allowed, stale = apply_allow(violations, allow)

    if args.verbose:
        for note in notes:
            print(f"note: {note}")
        for component in small:
            print(f"small cycle (allowed): {' '.join(component)}")
        for line in allowed:
            print(f"allowed: {line}")
    for line in failing:
        print(line)
    allow_name = args.allow or os.path.relpath(allow_path, src)
    for line in stale:
        print(f"stale entry in {allow_name}, {line}")
    if args.dot:
        write_dot(args.dot, modules, edges, includes)

    folders = {folder_of(m) for m in modules}
    print(f"layering: {len(modules)} modules in {len(folders)} folders, "
          f"{plural(len(edges), 'module-to-module use')}, "
          f"{plural(len(includes), 'include')}; "
          f"{plural(len(failing), 'violation')}, {len(allowed)} allowed by "
          f"{allow_name}, {plural(len(stale), 'stale allow-list entry')}, "
          f"{plural(len(small), 'small cycle')}")
    return 1 if failing or stale else 0


if __name__ == "__main__":
    sys.exit(main())
