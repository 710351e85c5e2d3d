#!/usr/bin/env python3
"""proofs/eacsl/gen.py - make the ACSL of spec/ and src/ executable for
E-ACSL (Frama-C 25), into a copy of the tree.

    python3 proofs/eacsl/gen.py SRC_ROOT OUT_ROOT [--list]

Copies SRC_ROOT/src and SRC_ROOT/spec to OUT_ROOT/src and OUT_ROOT/spec and
rewrites the ACSL only (annotation comments everywhere, the #define
bodies of spec/ headers, which hold annotation text, and those #define
bodies of src/ that do: the ones with a `\\` keyword, e.g. lowest.c's
LOWEST_LOCKED).  The C code is copied unchanged: the code E-ACSL instruments is the code that runs.  Line numbers
are kept (every rewrite stays on the lines it replaces), so E-ACSL's file and
line point into the real sources.

The rewrites, and why each is needed (E-ACSL 25 ignores the construct
otherwise, with "not yet supported ... Ignoring annotation"):

  inline      every use of a `predicate` or `logic` definition of the spec
              is replaced by its body, parameters substituted, bound
              variables renamed apart.  E-ACSL 25 does not support
              predicates or logic functions that read memory ("with
              labels"), and every rule predicate reads the I/O manager's
              state.  The definitions themselves are removed.  Nothing is
              lost: the inlined body is the definition.
  Slot        the axiomatic `Slot` (WP cannot subtract pointers of
              unrelated bases) is replaced by its model, the pointer
              difference `irp - &irpc.irps[0]`, which the axiom SlotOfPool
              states on the pool; off the pool, PoolIrp is false either way.
  assigns     `assigns` and `loop assigns` clauses, and `ensures` clauses
              named `unchanged_*` (struct equality with the pre-state, or
              `\\old` under a binder), are removed: these frame conditions
              are not executable in E-ACSL 25.  WP proves them (proofs/);
              the runtime checker does not claim them.
  hint        `assert wp_*` (proof hints in the sample drivers: intermediate
              facts WP proves from the contracts, so that each later goal
              is small) are removed: on correct code they add nothing to
              the contracts they follow from, and in a seeded bug they would
              fire before the rule-named clause and hide the rule.
  separation  `IrpApart`, `IRPC_EXT_APART`, `IRPC_BLOCK_APART` and
              `IRPC_DELIVERY_SEPARATED` (\\separated over ranges)
              become \\true: they state facts of WP's Typed memory model
              (distinct C objects do not alias), true of any C execution,
              and E-ACSL 25 does not support ranges in \\separated.
  routine     a clause that names `StopsCompletion` or `SignalsContext`
              (facts about a completion routine's code, declared without a
              definition: nothing to execute) once its predicates are
              inlined is removed: the environment preconditions that assume
              them of FwdWaitCompletion (whose own `stops` and `signals`
              postconditions are checked), and the reclaim clauses of
              IofCallDriver and KeWaitForSingleObject that rest on them.
              The runtime checker does not claim those clauses; what the
              driver derives from them (FwdWaitForward's `back`) is checked.

  binder      a clause that applies \\old or \\at to a term naming a
              variable quantified over C state ("for every location j
              below StackCount, as it was before": the walk's contracts and
              loop invariants) is removed: E-ACSL 25 does not support \\at
              of a logic variable linked to C variables ("not yet
              supported"); one bounded by constants is kept.  These are frame conditions of the walk
              that WP proves (target walk); the runtime checker does not
              claim them.

--list prints the removed and replaced items (one per line: KIND NAME
FILE:LINE); the runtime-check README lists the kinds.
"""
import os, re, shutil, sys

# token: identifiers (with a leading backslash for ACSL builtins), numbers,
# multi-character operators, any other character
TOKEN = re.compile(r"\\?[A-Za-z_]\w*|0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|==>|<==>|->|::|==|!=|<=|>=|&&|\|\||\.\.|\s+|.", re.S)

REPLACED = {
    # name: (parameters, replacement body, kind)
    "Slot": (["irp"], "(irp - &irpc.irps[0])", "Slot"),
    "IrpApart": (["irp"], "\\true", "separation"),
}
MACRO_REPLACED = {
    "IRPC_EXT_APART": "\\true",
    "IRPC_BLOCK_APART": "\\true",
    "IRPC_DELIVERY_SEPARATED": "\\true",
}
# predicates with no definition, about a routine's code (routine rewrite)
ROUTINE_FACTS = {"StopsCompletion", "SignalsContext"}
CLAUSE_KEYWORDS = {"requires", "ensures", "assert", "check"}
LABEL_KEYWORDS = {"requires", "ensures", "assert", "check", "admit", "assumes", "invariant",
                  "behavior", "variant"}


def tokens(text):
    """ACSL tokens of `text`, its `//` comments dropped (newlines kept)."""
    return TOKEN.findall(re.sub(r"//[^\n]*", "", text))


def find_end(toks, i):
    """Index of the ';' ending the clause or definition that starts at i:
    at depth 0, and not a ';' that closes the binder of a \\forall,
    \\exists or \\let (at whatever depth the binder opened)."""
    depth, binders = 0, []
    while i < len(toks):
        t = toks[i]
        if t in ("\\forall", "\\exists", "\\let"):
            binders.append(depth)
        elif t in "([{":
            depth += 1
        elif t in ")]}":
            depth -= 1
        elif t == ";":
            if binders and binders[-1] == depth:
                binders.pop()
            elif depth == 0:
                return i
        i += 1
    return i


def is_ident(t):
    return re.match(r"^[A-Za-z_]\w*$", t) is not None


class Definitions:
    def __init__(self):
        self.defs = {}      # name -> (params or None, body tokens)
        self.items = []     # (kind, name, where)

    def collect(self, text, where):
        """Finds `predicate`/`logic` definitions in an annotation body."""
        toks = tokens(text)
        i = 0
        while i < len(toks):
            t = toks[i]
            if t in ("predicate", "logic"):
                j = i + 1
                if t == "logic":   # the result type, up to the name
                    names = []
                    while j < len(toks) and toks[j] not in ("(", "=", ";", "{"):
                        if is_ident(toks[j]):
                            names.append((j, toks[j]))
                        j += 1
                    if not names:
                        i += 1
                        continue
                    j, name = names[-1]
                    j += 1
                else:
                    while j < len(toks) and toks[j].isspace():
                        j += 1
                    name = toks[j]
                    j += 1
                params = None
                k = j
                while k < len(toks) and toks[k].isspace():
                    k += 1
                if k < len(toks) and toks[k] == "(":
                    plist, m = paren_group(toks, k)
                    params = []
                    for p in "".join(plist[1:]).split(","):
                        ids = re.findall(r"[A-Za-z_]\w*", p)
                        if ids:
                            params.append(ids[-1])
                    k = m + 1
                while k < len(toks) and toks[k].isspace():
                    k += 1
                if k < len(toks) and toks[k] == "=":
                    # the body, up to the ';' that ends the definition
                    m = find_end(toks, k + 1)
                    body = toks[k + 1:m]
                    self.defs[name] = (params, body)
                    self.items.append(("inline", name, where))
                    i = m
                    continue
            i += 1


def blank(seq):
    """Only the newlines of a token sequence (a removed item keeps its lines)."""
    return "".join("\n" * s.count("\n") for s in seq)


def skip_clause(toks, i, out):
    """Blanks the clause or definition starting at toks[i] into out; returns
    the index after its ';'."""
    m = find_end(toks, i)
    out.append(blank(toks[i:m + 1]))
    return m + 1


def walk_clauses(toks, step):
    """The token walk both clause filters share: step(toks, i, prev_sig, out)
    returns the index to go on at when it consumed the tokens from i (their
    blanks written to out), or None to keep toks[i]; prev_sig is the last
    non-blank token kept.  Returns the tokens kept."""
    out = []
    i, prev_sig = 0, None
    while i < len(toks):
        nxt = step(toks, i, prev_sig, out)
        if nxt is not None:
            i = nxt
            continue
        if not toks[i].isspace():
            prev_sig = toks[i]
        out.append(toks[i])
        i += 1
    return out


def strip_definitions(text):
    """Removes definitions, axiomatic blocks and 'assigns' clauses from one
    annotation body, keeping its newlines (line numbers)."""
    removed = []

    def step(toks, i, prev_sig, out):
        t = toks[i]
        if t == "axiomatic":
            m = i
            while m < len(toks) and toks[m] != "{":
                m += 1
            depth = 0
            while m < len(toks):
                if toks[m] == "{":
                    depth += 1
                elif toks[m] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                m += 1
            name = next((x for x in toks[i + 1:m] if is_ident(x)), "")
            removed.append(("routine" if name == "RoutineFacts" else "Slot", "axiomatic " + name))
            out.append(blank(toks[i:m + 1]))
            return m + 1
        if t in ("predicate", "logic"):
            return skip_clause(toks, i, out)
        is_loop_assigns = t == "loop" and i + 2 < len(toks) and toks[i + 2] == "assigns"
        unchanged = t == "ensures" and i + 2 < len(toks) and toks[i + 2].startswith("unchanged_")
        if (t == "assigns" and prev_sig != "loop") or is_loop_assigns or unchanged:
            removed.append(("assigns", "loop assigns" if is_loop_assigns else
                            "ensures " + toks[i + 2] if unchanged else "assigns"))
            return skip_clause(toks, i, out)
        if t == "assert" and i + 2 < len(toks) and toks[i + 2].startswith("wp_"):
            removed.append(("hint", "assert " + toks[i + 2]))
            return skip_clause(toks, i, out)
        return None

    return "".join(walk_clauses(tokens(text), step)), removed


def paren_group(toks, k):
    """The tokens of the parenthesised group opening at toks[k] (the
    parentheses included but the closing one) and the index of the closing
    parenthesis."""
    depth, m, group = 0, k, []
    while m < len(toks):
        if toks[m] == "(":
            depth += 1
        elif toks[m] == ")":
            depth -= 1
            if depth == 0:
                break
        group.append(toks[m])
        m += 1
    return group, m


def binder_names(toks, i):
    """The variables a \\forall or \\exists at toks[i] binds (type name,
    name, ...: the last identifier of each comma part) and the index of the
    ';' ending its declaration."""
    j, decl = i + 1, []
    while j < len(toks) and toks[j] != ";":
        decl.append(toks[j])
        j += 1
    names = []
    for part in "".join(decl).split(","):
        ids = re.findall(r"[A-Za-z_]\w*", part)
        if ids:
            names.append(ids[-1])
    return names, j


def old_under_binder(toks):
    """True when a \\old or \\at in toks is applied to a term that names a
    variable bound by a \\forall or \\exists of toks whose guard reads C
    state (E-ACSL 25 supports \\old of a variable bounded by constants, as
    in "every slot i below IRPC_MAX_IRPS", but not one bounded by, say, an
    IRP's StackCount: "\\at with logic variable linked to C variable")."""
    bound = set()
    for i, t in enumerate(toks):
        if t in ("\\forall", "\\exists"):
            names, j = binder_names(toks, i)
            # the guard: up to the first ==> (guarded form, see README)
            k, guard = j + 1, []
            while k < len(toks) and toks[k] != "==>":
                guard.append(toks[k])
                k += 1
            if any(is_ident(g) and g not in names and not re.match(r"^[A-Z][A-Z0-9_]*$", g)
                   for g in guard):
                bound |= set(names)
        elif t in ("\\old", "\\at") and bound:
            j = i + 1
            while j < len(toks) and toks[j].isspace():
                j += 1
            arg, _ = paren_group(toks, j)
            if bound & set(arg):
                return True
    return False


def drop_clauses(toks, matches, keywords=CLAUSE_KEYWORDS):
    """Removes, from inlined annotation tokens, every clause starting with
    one of `keywords` for whose tokens `matches` is true (keeping newlines;
    the `loop` before a removed `invariant` goes with it).  Returns (tokens,
    names of the clauses removed)."""
    removed = []

    def step(toks, i, prev_sig, out):
        t = toks[i]
        if t in keywords and prev_sig not in ("->", ".") and matches(toks[i:find_end(toks, i)]):
            label = toks[i + 2] if i + 2 < len(toks) and is_ident(toks[i + 2]) else ""
            if t == "invariant" and prev_sig == "loop":
                k = len(out) - 1
                while k >= 0 and out[k].isspace():
                    k -= 1
                out[k] = ""
                t = "loop invariant"
            removed.append(t + (" " + label if label else ""))
            return skip_clause(toks, i, out)
        return None

    return walk_clauses(toks, step), removed


def drop_binder_clauses(toks):
    """The clauses (requires, ensures, assert, check, loop invariant) that
    apply \\old or \\at to a variable quantified over C state, removed."""
    return drop_clauses(toks, old_under_binder, CLAUSE_KEYWORDS | {"invariant"})


def drop_routine_clauses(toks):
    """The clauses that name a predicate of ROUTINE_FACTS, removed."""
    return drop_clauses(toks, lambda clause: any(x in ROUTINE_FACTS for x in clause))


def rewrap(m, toks):
    """The annotation comment matched by ANNOT, its body replaced by toks: a
    plain comment when nothing is left (an empty annotation is an error)."""
    new = "".join(toks)
    block = m.group(1) is not None
    if not new.strip():
        return ("/*" + new + "*/") if block else "//"
    return ("/*@" + new + "*/") if block else ("//@" + new)


class Inliner:
    def __init__(self, defs):
        self.defs = defs
        self.fresh = 0

    def expand(self, toks, depth=0):
        if depth > 30:
            raise SystemExit("gen.py: definitions nest deeper than 30 (a recursive predicate?)")
        out = []
        i = 0
        changed = False
        prev_sig = None
        while i < len(toks):
            t = toks[i]
            nxt = i + 1
            while nxt < len(toks) and toks[nxt].isspace():
                nxt += 1
            following = toks[nxt] if nxt < len(toks) else ""
            field = prev_sig in ("->", ".")
            label = following == ":" and (nxt + 1 >= len(toks) or toks[nxt + 1] not in (":", "=")) \
                and prev_sig in LABEL_KEYWORDS | {":"}
            name_ok = is_ident(t) and not field and not label
            if name_ok and t in REPLACED and following == "(":
                params, body, _ = REPLACED[t]
                args, end = self.args(toks, nxt)
                out.extend(self.substitute(tokens(body), params, args))
                i, changed = end, True
                prev_sig = ")"
                continue
            if name_ok and t in self.defs.defs:
                params, body = self.defs.defs[t]
                if params is None:
                    out.extend(["("] + [x.replace("\n", " ") for x in self.rename_binders(list(body))] + [")"])
                    i, changed = i + 1, True
                    prev_sig = ")"
                    continue
                if following == "(":
                    args, end = self.args(toks, nxt)
                    if len(args) != len(params):
                        raise SystemExit("gen.py: %s takes %d arguments, given %d" % (t, len(params), len(args)))
                    out.extend(["("] + self.substitute(self.rename_binders(list(body)), params, args) + [")"])
                    i, changed = end, True
                    prev_sig = ")"
                    continue
            if not t.isspace():
                prev_sig = t
            out.append(t)
            i += 1
        if changed:
            return self.expand(out, depth + 1)
        return out

    @staticmethod
    def args(toks, open_idx):
        depth, m = 0, open_idx
        args, cur = [], []
        while m < len(toks):
            t = toks[m]
            if t in "([{":
                depth += 1
                if depth == 1:
                    m += 1
                    continue
            elif t in ")]}":
                depth -= 1
                if depth == 0:
                    args.append(cur)
                    break
            elif t == "," and depth == 1:
                args.append(cur)
                cur = []
                m += 1
                continue
            cur.append(t)
            m += 1
        if args == [[]]:
            args = []
        return [[x for x in a] for a in args], m + 1

    @staticmethod
    def substitute(body, params, args):
        out = []
        prev_sig = None
        for t in body:
            if is_ident(t) and t in params and prev_sig not in ("->", "."):
                a = args[params.index(t)]
                out.extend(["("] + [x.replace("\n", " ") for x in a] + [")"])
                prev_sig = ")"
                continue
            if not t.isspace():
                prev_sig = t
            out.append(t.replace("\n", " "))
        return out

    def rename_binders(self, body):
        names = []
        for i, t in enumerate(body):
            if t in ("\\forall", "\\exists"):
                names.extend(binder_names(body, i)[0])
        if not names:
            return body
        self.fresh += 1
        ren = {n: "%s_%d" % (n, self.fresh) for n in names}
        out, prev_sig = [], None
        for t in body:
            if t in ren and prev_sig not in ("->", "."):
                out.append(ren[t])
            else:
                out.append(t)
            if not t.isspace():
                prev_sig = t
        return out


def strip_unchanged_in_define(body):
    """The `ensures unchanged_*` clauses of a #define body (a contract
    fragment of spec/, e.g. IRPC_HELD_IRP_UNTOUCHED): removed as the same
    clauses are from an annotation (rewrite `assigns`), each of their lines
    kept with its continuation backslash, so the macro still spans the same
    lines.  Returns the new body and the clauses removed."""
    toks, out, dropped, i = tokens(body), [], [], 0
    while i < len(toks):
        if toks[i] == "ensures" and i + 2 < len(toks) and toks[i + 2].startswith("unchanged_"):
            m = find_end(toks, i)
            out.append("".join(" \\\n" * t.count("\n") for t in toks[i:m + 1]))
            dropped.append("ensures " + toks[i + 2])
            i = m + 1
        else:
            out.append(toks[i])
            i += 1
    return "".join(out), dropped


def continued(body):
    """A #define body whose removed clauses left bare newlines (blank()
    keeps a clause's lines, not their backslashes): every newline a
    continuation again, so the macro spans the same lines."""
    return re.sub(r"(?<!\\)\n", "\\\n", body)


ANNOT = re.compile(r"/\*@(.*?)\*/|//@([^\n]*)", re.S)
DEFINE = re.compile(r"^#define[ \t]+(\w+)(\([^)]*\))?((?:[^\n]*\\\n)*[^\n]*)", re.M)


def process(path, rel, defs, inliner, items, is_spec):
    text = open(path).read()

    def fix_annot(m):
        body = m.group(1) if m.group(1) is not None else m.group(2)
        line = text.count("\n", 0, m.start()) + 1
        stripped, removed = strip_definitions(body)
        for kind, name in removed:
            items.append((kind, name, "%s:%d" % (rel, line)))
        expanded, dropped = drop_routine_clauses(inliner.expand(tokens(stripped)))
        for name in dropped:
            items.append(("routine", name, "%s:%d" % (rel, line)))
        expanded, dropped = drop_binder_clauses(expanded)
        for name in dropped:
            items.append(("binder", name, "%s:%d" % (rel, line)))
        assert "".join(expanded).count("\n") == body.count("\n"), rel
        return rewrap(m, expanded)

    text = ANNOT.sub(fix_annot, text)
    def fix_define(m):
        name, params, body = m.group(1), m.group(2) or "", m.group(3)
        line = text.count("\n", 0, m.start()) + 1
        if not is_spec and not re.search(r"\\[a-z]", body):
            return m.group(0)   # a C macro of src/ (no annotation text)
        if name in MACRO_REPLACED:
            items.append(("separation", name, "%s:%d" % (rel, line)))
            return "#define %s%s %s%s" % (name, params, MACRO_REPLACED[name],
                                          "\n" * body.count("\n"))
        body, dropped = strip_unchanged_in_define(body)
        for clause in dropped:
            items.append(("assigns", clause, "%s:%d" % (rel, line)))
        expanded, dropped = drop_binder_clauses(inliner.expand(tokens(body)))
        for clause in dropped:
            items.append(("binder", clause, "%s:%d" % (rel, line)))
        new = continued("".join(expanded))
        assert new.count("\n") == body.count("\n"), rel
        return "#define %s%s%s" % (name, params, new)
    text = DEFINE.sub(fix_define, text)
    open(path, "w").write(text)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    src_root, out_root = sys.argv[1], sys.argv[2]
    listing = "--list" in sys.argv[3:]
    for d in ("src", "spec"):
        if not os.path.isdir(os.path.join(src_root, d)):
            print("gen.py: %s has no %s/" % (src_root, d), file=sys.stderr)
            return 2
        shutil.rmtree(os.path.join(out_root, d), ignore_errors=True)
        shutil.copytree(os.path.join(src_root, d), os.path.join(out_root, d),
                        ignore=shutil.ignore_patterns("*.o", "build"))
    files = []
    for d in ("spec", "src"):
        for base, _, names in os.walk(os.path.join(out_root, d)):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    p = os.path.join(base, n)
                    files.append((p, os.path.relpath(p, out_root)))
    defs = Definitions()
    for p, rel in files:
        text = open(p).read()
        for m in ANNOT.finditer(text):
            body = m.group(1) if m.group(1) is not None else m.group(2)
            defs.collect(body, "%s:%d" % (rel, text.count("\n", 0, m.start()) + 1))
    inliner = Inliner(defs)
    items = list(defs.items)
    for p, rel in files:
        process(p, rel, defs, inliner, items, rel.startswith("spec" + os.sep))
    for name, (_, _, kind) in REPLACED.items():
        items.append((kind, name, "replaced at every use"))
    if listing:
        for kind, name, where in items:
            print("%-10s %-36s %s" % (kind, name, where))
    return 0


if __name__ == "__main__":
    sys.exit(main())
