#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate meshvpn's generic netlink code from its YAML spec.

The spec (Documentation/netlink/specs/meshvpn.yaml) uses the kernel's YAML
genetlink format ("protocol: genetlink", Documentation/netlink/genetlink.yaml
in the Linux tree). From it this script writes:

  include/uapi/linux/meshvpn.h   family name/version, definitions, attribute
                                 and command enums, multicast group names
  kmod/netlink-gen.h             policies, handler prototypes, ops, groups
  kmod/netlink-gen.c             the nla_policy arrays and the genl_ops table
  userspace/netlink/meshvpn_nl-gen.[ch]
                                 the reply policies meshvpnd and the meshvpn
                                 tool check what the kernel sends against

The kernel code must build against Linux 6.1 as well as newer kernels, so it
uses struct genl_ops with per-op .policy/.maxattr (not genl_split_ops, which
6.1 lacks). A command with both do and dump is one genl_ops entry whose
policy is the union of the two requests.

Rules enforced beyond the kernel schema (see validate()):
  - every definition, attribute, operation and notification has a doc;
  - every request attribute exists in its operation's attribute set;
  - every do/dump operation is admin-perm and its request carries ifindex;
  - per-op "pre"/"post" hooks of a dump become genl_ops .start/.done; those
    of a do come as a pair (the post hook undoes the pre hook) and, as 6.1
    has no per-op pre_doit/post_doit, run from the family's: the op's
    internal_flags say which pair (see render_ksrc());
  - "uint"/"sint" attributes are kernel output only: they are NLA_REJECT in
    every policy (NLA_UINT/NLA_SINT only exist since Linux 6.7);
  - names are unique and made of [0-9a-z-].

Usage:
  scripts/ynl-gen.py             regenerate the five files
  scripts/ynl-gen.py --check     exit 1 with a diff if any file is stale
  scripts/ynl-gen.py --validate  only check the spec
"""

import argparse
import difflib
import os
import re
import sys

import yaml

SPEC = 'Documentation/netlink/specs/meshvpn.yaml'
UAPI = 'include/uapi/linux/meshvpn.h'
KHDR = 'kmod/netlink-gen.h'
KSRC = 'kmod/netlink-gen.c'
UHDR = 'userspace/netlink/meshvpn_nl-gen.h'
USRC = 'userspace/netlink/meshvpn_nl-gen.c'
REGEN = 'scripts/ynl-gen.py'
LICENSE = '((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)'

INT_TYPES = {'u8': 8, 'u16': 16, 'u32': 32, 'u64': 64,
             's8': 8, 's16': 16, 's32': 32, 's64': 64}
ATTR_TYPES = set(INT_TYPES) | {'uint', 'sint', 'flag', 'binary', 'string',
                               'nest', 'pad', 'unused'}
CHECKS = {'min', 'max', 'min-len', 'max-len', 'exact-len'}
ATTR_KEYS = {'name', 'type', 'doc', 'value', 'byte-order', 'nested-attributes',
             'enum', 'checks', 'display-hint', 'multi-attr'}
SUBSET_ATTR_KEYS = {'name', 'nested-attributes'}
TOP_KEYS = {'name', 'doc', 'protocol', 'uapi-header', 'definitions',
            'attribute-sets', 'operations', 'mcast-groups'}
OP_KEYS = {'name', 'doc', 'value', 'attribute-set', 'flags', 'do', 'dump',
           'event', 'mcgrp'}
NAME_RE = re.compile(r'^[0-9a-z-]+$')
LIMIT_RE = re.compile(r'^([su])(8|16|32|64)-(min|max)$')
S16_MIN, S16_MAX = -32768, 32767
MAX_COLS = 100


class SpecError(Exception):
    pass


def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


def cols(line):
    """Display width of a line with 8-column tabs."""
    return len(line.expandtabs(8))


# ---------------------------------------------------------------------------
# Spec model
# ---------------------------------------------------------------------------

class Attr:
    def __init__(self, family, aset, y, value):
        self.family = family
        self.set = aset
        self.yaml = y
        self.name = y['name']
        self.value = value
        self.type = y.get('type')
        self.doc = y.get('doc', '')
        self.checks = y.get('checks', {}) or {}
        self.byte_order = y.get('byte-order')
        self.nested = y.get('nested-attributes')
        self.enum = y.get('enum')
        self.c_name = aset.prefix + c_upper(self.name)

    def nested_set(self):
        return self.family.sets[self.nested] if self.nested else None


class AttrSet:
    def __init__(self, family, y):
        self.family = family
        self.yaml = y
        self.name = y['name']
        self.doc = y.get('doc', '')
        self.subset_of = y.get('subset-of')
        self.attrs = {}          # name -> Attr, in spec order

    def resolve(self):
        fam = self.family
        if self.subset_of:
            parent = fam.sets[self.subset_of]
            self.prefix = parent.prefix
            self.max_name = parent.max_name
            for y in self.yaml['attributes']:
                real = parent.attrs[y['name']]
                merged = dict(real.yaml)
                merged.update(y)
                self.attrs[y['name']] = Attr(fam, self, merged, real.value)
                self.attrs[y['name']].c_name = real.c_name
            return
        if self.name == fam.name:
            self.prefix = c_upper(fam.name) + '_A_'
        else:
            self.prefix = c_upper(fam.name) + '_A_' + c_upper(self.name) + '_'
        self.max_name = self.prefix + 'MAX'
        val = 1
        for y in self.yaml['attributes']:
            val = y.get('value', val)
            self.attrs[y['name']] = Attr(fam, self, y, val)
            val += 1

    def real(self):
        return self.family.sets[self.subset_of] if self.subset_of else self

    def c_policy(self):
        return '%s_%s_nl_policy' % (c_lower(self.family.name), c_lower(self.name))


class Op:
    def __init__(self, family, y, value):
        self.family = family
        self.yaml = y
        self.name = y['name']
        self.value = value
        self.doc = y.get('doc', '')
        self.flags = y.get('flags', []) or []
        self.do = y.get('do')
        self.dump = y.get('dump')
        self.event = y.get('event')
        self.mcgrp = y.get('mcgrp')
        self.c_name = c_upper(family.name) + '_CMD_' + c_upper(self.name)
        self.c_lower = c_lower(self.name)

    @property
    def is_ntf(self):
        return 'event' in self.yaml

    def aset(self):
        return self.family.sets[self.yaml['attribute-set']]

    def doit_hooks(self):
        """(pre, post) C names of the hooks around the doit, or None."""
        if not self.do or 'pre' not in self.do:
            return None
        return c_lower(self.do['pre']), c_lower(self.do['post'])

    def request_attrs(self):
        """Union of the do and dump request attribute names, in set order."""
        names = set()
        for sub in (self.do, self.dump):
            if sub and sub.get('request'):
                names.update(sub['request'].get('attributes', []))
        return [a for a in self.aset().attrs if a in names]


class Family:
    def __init__(self, y):
        self.yaml = y
        self.name = y['name']
        self.doc = y.get('doc', '')
        self.version = y.get('version', 1)
        self.consts = {}
        self.enums = {}
        self.defs = []
        for d in y.get('definitions', []) or []:
            self.defs.append(d)
            if d['type'] == 'const':
                self.consts[d['name']] = d
            else:
                self.enums[d['name']] = d
        self.sets = {}
        for s in y['attribute-sets']:
            self.sets[s['name']] = AttrSet(self, s)
        for s in self.sets.values():     # full sets first, subsets use them
            if not s.subset_of:
                s.resolve()
        for s in self.sets.values():
            if s.subset_of:
                s.resolve()
        self.ops = []
        val = 1
        for o in y['operations']['list']:
            val = o.get('value', val)
            self.ops.append(Op(self, o, val))
            val += 1
        self.mcgrps = [g for g in y.get('mcast-groups', {}).get('list', [])]

    def const_value(self, name):
        return self.consts[name]['value']

    def enum_entries(self, name):
        """[(entry name, value, doc)] of an enum (values count up from
        value-start) or flags (bit value-start + i) definition."""
        d = self.enums[name]
        out = []
        n = d.get('value-start', 0)
        for e in d['entries']:
            if isinstance(e, str):
                e = {'name': e}
            n = e.get('value', n) if d['type'] == 'enum' else n
            v = n if d['type'] == 'enum' else e.get('value', 1 << n)
            out.append((e['name'], v, e.get('doc', '')))
            n += 1
        return out

    def limit(self, value):
        """Resolve a check value to (C expression, integer)."""
        if isinstance(value, int):
            return str(value), value
        if value in self.consts:
            return c_upper(self.name) + '_' + c_upper(value), self.const_value(value)
        m = LIMIT_RE.match(value)
        bits = int(m.group(2))
        if m.group(1) == 'u':
            n = 0 if m.group(3) == 'min' else (1 << bits) - 1
        else:
            n = -(1 << (bits - 1)) if m.group(3) == 'min' else (1 << (bits - 1)) - 1
        return str(n), n

    def kernel_ops(self):
        return [o for o in self.ops if not o.is_ntf]

    def doit_hooks(self):
        """Distinct (pre, post) pairs of the do operations, in op order."""
        out = []
        for o in self.kernel_ops():
            h = o.doit_hooks()
            if h is not None and h not in out:
                out.append(h)
        return out

    def family_hooks(self):
        """The family's pre_doit and post_doit, which run the ops' hooks."""
        lf = c_lower(self.name)
        return lf + '_nl_pre_doit', lf + '_nl_post_doit'

    def hooks_enum(self, hooks):
        """internal_flags value naming a (pre, post) pair: after the pre hook,
        less the "<family>_nl_" prefix."""
        pre = hooks[0]
        prefix = c_lower(self.name) + '_nl_'
        if pre.startswith(prefix):
            pre = pre[len(prefix):]
        return '%s_NL_HOOKS_%s' % (c_upper(self.name), pre.upper())


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------

def validate(y):
    """Return a list of problems in the raw YAML; empty if the spec is sound."""
    errs = []

    def err(msg):
        errs.append(msg)

    def check_name(what, name, seen):
        if not isinstance(name, str) or not NAME_RE.match(name):
            err('%s: bad name %r (want [0-9a-z-]+)' % (what, name))
        elif name in seen:
            err('%s: duplicate name %r' % (what, name))
        seen.add(name)

    def need_doc(what, obj):
        if not isinstance(obj.get('doc'), str) or not obj['doc'].strip():
            err('%s: missing doc' % what)

    if not isinstance(y, dict):
        return ['spec is not a mapping']
    for k in y:
        if k not in TOP_KEYS:
            err('top level: unknown key %r' % k)
    for k in ('name', 'doc', 'attribute-sets', 'operations'):
        if k not in y:
            err('top level: missing %r' % k)
    if errs:
        return errs
    if y.get('protocol', 'genetlink') != 'genetlink':
        err('protocol must be genetlink')
    check_name('family', y['name'], set())
    need_doc('family', y)

    # definitions
    consts, enums, seen = {}, {}, set()
    for d in y.get('definitions', []) or []:
        check_name('definition', d.get('name'), seen)
        what = 'definition %s' % d.get('name')
        need_doc(what, d)
        if d.get('type') == 'const':
            if not isinstance(d.get('value'), int):
                err('%s: const needs an integer value' % what)
            consts[d.get('name')] = d
        elif d.get('type') in ('enum', 'flags'):
            ents = d.get('entries')
            if not ents:
                err('%s: no entries' % what)
                continue
            eseen = set()
            for e in ents:
                ename = e if isinstance(e, str) else e.get('name')
                check_name('%s entry' % what, ename, eseen)
            enums[d.get('name')] = d
        else:
            err('%s: unknown type %r' % (what, d.get('type')))

    # attribute sets
    sets, seen = {}, set()
    for s in y['attribute-sets']:
        check_name('attribute set', s.get('name'), seen)
        sets[s.get('name')] = s
    for s in y['attribute-sets']:
        sname = s.get('name')
        what = 'attribute set %s' % sname
        attrs = s.get('attributes') or []
        if not attrs:
            err('%s: no attributes' % what)
        aseen = set()
        parent = None
        if 'subset-of' in s:
            parent = sets.get(s['subset-of'])
            if parent is None or 'subset-of' in parent:
                err('%s: subset-of %r is not a full attribute set'
                    % (what, s['subset-of']))
                continue
        values = set()
        val = 1
        for a in attrs:
            aname = a.get('name')
            awhat = '%s attribute %s' % (what, aname)
            check_name(awhat, aname, aseen)
            if parent is not None:
                for k in a:
                    if k not in SUBSET_ATTR_KEYS:
                        err('%s: %r cannot be overridden in a subset' % (awhat, k))
                real = next((p for p in parent['attributes'] if p.get('name') == aname), None)
                if real is None:
                    err('%s: not in %s' % (awhat, parent['name']))
                    continue
                if 'nested-attributes' in a:
                    sub = sets.get(a['nested-attributes'])
                    want = real.get('nested-attributes')
                    if sub is None or (sub.get('name') != want and sub.get('subset-of') != want):
                        err('%s: nested-attributes %r is not %r or a subset of it'
                            % (awhat, a['nested-attributes'], want))
                continue
            for k in a:
                if k not in ATTR_KEYS:
                    err('%s: unknown key %r' % (awhat, k))
            need_doc(awhat, a)
            t = a.get('type')
            if t not in ATTR_TYPES:
                err('%s: bad or missing type %r' % (awhat, t))
                continue
            val = a.get('value', val)
            if val in values:
                err('%s: duplicate value %d' % (awhat, val))
            values.add(val)
            val += 1
            if t == 'nest':
                n = a.get('nested-attributes')
                if n not in sets:
                    err('%s: nest needs nested-attributes naming a set' % awhat)
                elif 'subset-of' in sets[n]:
                    err('%s: a full set must nest a full set' % awhat)
            elif 'nested-attributes' in a:
                err('%s: nested-attributes on a non-nest' % awhat)
            if 'enum' in a:
                if a['enum'] not in enums:
                    err('%s: unknown enum %r' % (awhat, a['enum']))
                if t not in INT_TYPES or t.startswith('s'):
                    err('%s: enum on a non-unsigned type' % awhat)
            if 'byte-order' in a:
                if t not in ('u16', 'u32', 'u64'):
                    err('%s: byte-order only for u16/u32/u64' % awhat)
                if a['byte-order'] not in ('big-endian', 'little-endian'):
                    err('%s: bad byte-order' % awhat)
            checks = a.get('checks') or {}
            for k, v in checks.items():
                if k not in CHECKS:
                    err('%s: unknown check %r' % (awhat, k))
                    continue
                if k in ('min', 'max') and t not in INT_TYPES:
                    err('%s: %s only for fixed-width integers' % (awhat, k))
                if k.endswith('-len') and t not in ('binary', 'string'):
                    err('%s: %s only for binary/string' % (awhat, k))
                if not (isinstance(v, int) or v in consts
                        or (isinstance(v, str) and LIMIT_RE.match(v))):
                    err('%s: %s value %r is not an int, const or limit' % (awhat, k, v))
            if t in ('uint', 'sint') and checks:
                err('%s: %s attributes are output only, no checks' % (awhat, t))

    # multicast groups
    grps, seen = set(), set()
    for g in (y.get('mcast-groups') or {}).get('list', []):
        check_name('mcast group', g.get('name'), seen)
        grps.add(g.get('name'))
        for f in g.get('flags', []) or []:
            if f != 'admin-perm':
                err('mcast group %s: unknown flag %r' % (g.get('name'), f))

    # operations
    ops = y['operations'].get('list') or []
    if not ops:
        err('no operations')
    seen, values, val = set(), set(), 1
    do_posts = {}
    for o in ops:
        oname = o.get('name')
        what = 'operation %s' % oname
        check_name(what, oname, seen)
        for k in o:
            if k not in OP_KEYS:
                err('%s: unknown or unsupported key %r' % (what, k))
        need_doc(what, o)
        val = o.get('value', val)
        if val in values:
            err('%s: duplicate value %d' % (what, val))
        values.add(val)
        val += 1
        aset = sets.get(o.get('attribute-set'))
        if aset is None:
            err('%s: unknown attribute-set %r' % (what, o.get('attribute-set')))
            continue
        names = {a.get('name') for a in aset.get('attributes') or []}
        for f in o.get('flags', []) or []:
            if f != 'admin-perm':
                err('%s: unknown flag %r' % (what, f))
        if 'event' in o:
            if 'do' in o or 'dump' in o or o.get('flags'):
                err('%s: a notification has no do/dump/flags' % what)
            if o.get('mcgrp') not in grps:
                err('%s: unknown mcgrp %r' % (what, o.get('mcgrp')))
            evattrs = (o['event'] or {}).get('attributes') or []
            if not evattrs:
                err('%s: event without attributes' % what)
            for a in evattrs:
                if a not in names:
                    err('%s: event attribute %r not in %s' % (what, a, aset['name']))
            continue
        if 'do' not in o and 'dump' not in o:
            err('%s: needs do, dump or event' % what)
            continue
        if 'admin-perm' not in (o.get('flags') or []):
            err('%s: must be admin-perm' % what)
        if 'mcgrp' in o:
            err('%s: mcgrp only on notifications' % what)
        for mode in ('do', 'dump'):
            sub = o.get(mode)
            if mode not in o:
                continue
            sub = sub or {}
            for k in sub:
                if k not in ('request', 'reply', 'pre', 'post'):
                    err('%s %s: unknown key %r' % (what, mode, k))
            for k in ('pre', 'post'):
                if k in sub and not (isinstance(sub[k], str) and NAME_RE.match(sub[k])):
                    err('%s %s: bad %s hook name %r' % (what, mode, k, sub[k]))
            if mode == 'do' and ('pre' in sub) != ('post' in sub):
                err('%s do: pre/post hooks come as a pair (the post hook undoes '
                    'the pre hook)' % what)
            elif mode == 'do' and 'pre' in sub:
                post = do_posts.setdefault(sub['pre'], sub['post'])
                if post != sub['post']:
                    err('%s do: pre hook %r is paired with post hook %r elsewhere'
                        % (what, sub['pre'], post))
            req = (sub.get('request') or {}).get('attributes') or []
            if 'ifindex' not in req:
                err('%s %s: request must carry ifindex' % (what, mode))
            for part in ('request', 'reply'):
                for a in (sub.get(part) or {}).get('attributes') or []:
                    if a not in names:
                        err('%s %s %s: attribute %r not in %s'
                            % (what, mode, part, a, aset['name']))
    return errs


# ---------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------

class Writer:
    def __init__(self):
        self.lines = []

    def p(self, line=''):
        self.lines.append(line)

    def comment(self, text):
        """A /* ... */ block holding one filled paragraph."""
        self.p('/*')
        self.wrap(' * ', text)
        self.p(' */')

    def wrap(self, prefix, text, lead=None, width=80):
        """Fill text after prefix (and lead) to width columns; continuation
        lines of a lead item are indented with a tab, as in kernel-doc."""
        first = prefix + (lead + ' ' if lead else '')
        rest = (prefix[:-1] if prefix.endswith(' ') else prefix) + '\t' if lead else prefix
        line = first
        for word in text.split():
            if line not in (first, rest) and cols(line + ' ' + word) > width:
                self.p(line)
                line = rest
            line += word if line in (first, rest) else ' ' + word
        self.p(line.rstrip())

    def text(self):
        return '\n'.join(self.lines) + '\n'


def header_banner(w, kind, comment_style):
    if comment_style == 'c99':
        w.p('// SPDX-License-Identifier: %s' % LICENSE)
    else:
        w.p('/* SPDX-License-Identifier: %s */' % LICENSE)
    w.p('/* Do not edit directly, auto-generated from: */')
    w.p('/*\t%s */' % SPEC)
    w.p('/* YNL-GEN %s */' % kind)
    w.p('/* To regenerate run: %s */' % REGEN)
    w.p()


def type_desc(fam, a):
    """Short type description used in the uapi comments."""
    t = a.type
    if t == 'nest':
        return 'nest, %s*' % a.nested_set().real().prefix
    if t in INT_TYPES and a.byte_order == 'big-endian':
        t = 'be%d' % INT_TYPES[t]
    parts = [t]
    if a.enum:
        parts.append('enum %s_%s' % (c_lower(fam.name), c_lower(a.enum)))
    ck = a.checks
    if 'min' in ck and 'max' in ck:
        parts.append('%s..%s' % (fam.limit(ck['min'])[0], fam.limit(ck['max'])[0]))
    elif 'min' in ck:
        parts.append('>= %s' % fam.limit(ck['min'])[0])
    elif 'max' in ck:
        parts.append('<= %s' % fam.limit(ck['max'])[0])
    for k in ('exact-len', 'min-len', 'max-len'):
        if k in ck:
            parts.append('%s %s' % (k, fam.limit(ck[k])[0]))
    return ', '.join(parts)


def describe_attrs(fam, aset, names):
    """'ifindex, node(id, remote-ipv4)': nested subsets are expanded."""
    out = []
    for n in names:
        a = aset.attrs[n]
        sub = a.nested_set()
        if sub is not None and sub.subset_of:
            out.append('%s(%s)' % (n, ', '.join(sub.attrs)))
        else:
            out.append(n)
    return ', '.join(out)


# ---------------------------------------------------------------------------
# include/uapi/linux/meshvpn.h
# ---------------------------------------------------------------------------

def render_uapi(fam):
    w = Writer()
    up = c_upper(fam.name)
    guard = '_UAPI_LINUX_%s_H' % up
    header_banner(w, 'uapi header', 'c89')
    w.p('#ifndef ' + guard)
    w.p('#define ' + guard)
    w.p()
    w.p('#include <linux/types.h>')
    w.p()
    w.p('#define %s_FAMILY_NAME\t"%s"' % (up, fam.name))
    w.p('#define %s_FAMILY_VERSION\t%d' % (up, fam.version))
    w.p()

    for d in fam.defs:
        if d['type'] != 'const':
            continue
        v = d['value']
        vs = '0x%xULL' % v if v > 0xffffffff else str(v)
        w.comment(d['doc'])
        w.p('#define %s_%s\t%s' % (up, c_upper(d['name']), vs))
        w.p()

    for d in fam.defs:
        if d['type'] == 'const':
            continue
        ename = '%s_%s' % (c_lower(fam.name), c_lower(d['name']))
        eprefix = '%s_%s_' % (up, c_upper(d['name']))
        w.p('/**')
        w.wrap(' * ', 'enum %s - %s' % (ename, d['doc']))
        for n, _, doc in fam.enum_entries(d['name']):
            w.wrap(' * ', doc, '@%s%s:' % (eprefix, c_upper(n)))
        w.p(' */')
        w.p('enum %s {' % ename)
        expect = d.get('value-start', 0)
        for n, v, _ in fam.enum_entries(d['name']):
            if v != expect or d['type'] == 'flags':
                w.p('\t%s%s = %d,' % (eprefix, c_upper(n), v))
            else:
                w.p('\t%s%s,' % (eprefix, c_upper(n)))
            expect = v + 1
        w.p('};')
        w.p()

    for s in fam.sets.values():
        if s.subset_of:
            continue
        paras = [(None, 'Attribute set "%s": %s' % (s.name, s.doc))]
        for a in s.attrs.values():
            paras.append(('@%s:' % a.c_name, '(%s) %s' % (type_desc(fam, a), a.doc)))
        w.p('/*')
        w.wrap(' * ', paras[0][1])
        w.p(' *')
        for lead, text in paras[1:]:
            w.wrap(' * ', text, lead)
        w.p(' */')
        emit_enum(w, [(a.c_name, a.value) for a in s.attrs.values()],
                  s.prefix, 1)

    w.p('/*')
    w.wrap(' * ', 'Commands. All do/dump commands need CAP_NET_ADMIN and '
           'carry %s_A_IFINDEX. Notifications are sent to the "%s" multicast '
           'group%s.' % (up, '", "'.join(g['name'] for g in fam.mcgrps),
                         's' if len(fam.mcgrps) > 1 else ''))
    w.p(' *')
    for o in fam.ops:
        w.wrap(' * ', o.doc, '@%s:' % o.c_name)
        aset = o.aset()
        if o.is_ntf:
            w.wrap(' *\t', describe_attrs(fam, aset, o.event['attributes']),
                   'notification:', 72)
            continue
        for mode in ('do', 'dump'):
            sub = getattr(o, mode)
            if sub is None:
                continue
            for part in ('request', 'reply'):
                attrs = (sub.get(part) or {}).get('attributes')
                if attrs:
                    w.wrap(' *\t', describe_attrs(fam, aset, attrs),
                           '%s %s:' % (mode, part), 72)
    w.p(' */')
    emit_enum(w, [(o.c_name, o.value) for o in fam.ops], up + '_CMD_', 1)

    for g in fam.mcgrps:
        w.p('#define %s_MCGRP_%s\t"%s"' % (up, c_upper(g['name']), g['name']))
    w.p()
    w.p('#endif /* %s */' % guard)
    return w.text()


def emit_enum(w, entries, prefix, start):
    w.p('enum {')
    expect = start
    for name, value in entries:
        if value != expect or value == start:
            w.p('\t%s = %d,' % (name, value))
        else:
            w.p('\t%s,' % name)
        expect = value + 1
    w.p()
    w.p('\t__%sMAX,' % prefix)
    w.p('\t%sMAX = (__%sMAX - 1)' % (prefix, prefix))
    w.p('};')
    w.p()


# ---------------------------------------------------------------------------
# Kernel policies
# ---------------------------------------------------------------------------

def range_name(fam, a):
    """meshvpn_a_node_id_range: named after the attribute's enum entry."""
    return c_lower(a.c_name) + '_range'


def nla_type(a):
    t = a.type
    if t in INT_TYPES:
        if a.byte_order == 'big-endian':
            return 'NLA_BE%d' % INT_TYPES[t]
        return 'NLA_' + t.upper()
    return {'flag': 'NLA_FLAG', 'binary': 'NLA_BINARY',
            'string': 'NLA_NUL_STRING', 'nest': 'NLA_NESTED'}[t]


def needs_full_range(fam, a):
    """(min, max) as (expr, int) pairs if the attr needs a range struct."""
    ck = a.checks
    if a.type not in INT_TYPES or not ('min' in ck or 'max' in ck):
        return None
    lo = fam.limit(ck['min']) if 'min' in ck else None
    hi = fam.limit(ck['max']) if 'max' in ck else None
    if all(v is None or S16_MIN <= v[1] <= S16_MAX for v in (lo, hi)):
        return None     # fits nla_policy's s16 min/max
    return lo, hi


def policy_entry(fam, a):
    """The right hand side of one nla_policy entry, or None for no entry."""
    t = a.type
    ck = a.checks
    if t in ('pad', 'unused'):
        return None
    if t in ('uint', 'sint'):
        return '{ .type = NLA_REJECT, }'
    if t == 'nest':
        return 'NLA_POLICY_NESTED(%s)' % a.nested_set().c_policy()
    if t in ('binary', 'string'):
        if 'exact-len' in ck:
            return 'NLA_POLICY_EXACT_LEN(%s)' % fam.limit(ck['exact-len'])[0]
        lo = fam.limit(ck['min-len'])[0] if 'min-len' in ck else None
        hi = fam.limit(ck['max-len'])[0] if 'max-len' in ck else None
        if t == 'binary' and lo and hi:
            return 'NLA_POLICY_RANGE(NLA_BINARY, %s, %s)' % (lo, hi)
        if t == 'binary' and lo:
            return 'NLA_POLICY_MIN_LEN(%s)' % lo
        if hi:
            return '{ .type = %s, .len = %s, }' % (nla_type(a), hi)
        return '{ .type = %s, }' % nla_type(a)
    if t == 'flag':
        return '{ .type = NLA_FLAG, }'
    typ = nla_type(a)
    if needs_full_range(fam, a):
        macro = 'NLA_POLICY_FULL_RANGE' if t.startswith('u') else 'NLA_POLICY_FULL_RANGE_SIGNED'
        return '%s(%s, &%s)' % (macro, typ, range_name(fam, a))
    if 'min' in ck and 'max' in ck:
        return 'NLA_POLICY_RANGE(%s, %s, %s)' % (typ, fam.limit(ck['min'])[0],
                                                 fam.limit(ck['max'])[0])
    if 'min' in ck:
        return 'NLA_POLICY_MIN(%s, %s)' % (typ, fam.limit(ck['min'])[0])
    if 'max' in ck:
        return 'NLA_POLICY_MAX(%s, %s)' % (typ, fam.limit(ck['max'])[0])
    if a.enum and fam.enums[a.enum]['type'] == 'flags':
        mask = 0
        for _, v, _ in fam.enum_entries(a.enum):
            mask |= v
        return 'NLA_POLICY_MASK(%s, 0x%x)' % (typ, mask)
    if a.enum:
        last = max(v for _, v, _ in fam.enum_entries(a.enum))
        first = min(v for _, v, _ in fam.enum_entries(a.enum))
        if first == 0:
            return 'NLA_POLICY_MAX(%s, %d)' % (typ, last)
        return 'NLA_POLICY_RANGE(%s, %d, %d)' % (typ, first, last)
    return '{ .type = %s, }' % typ


def policy_lines(w, fam, aset, names, storage, pname):
    w.p('%sconst struct nla_policy %s[%s + 1] = {' % (storage, pname, aset.max_name))
    for n in names:
        a = aset.attrs[n]
        rhs = policy_entry(fam, a)
        if rhs is None:
            continue
        line = '\t[%s] = %s,' % (a.c_name, rhs)
        if cols(line) > MAX_COLS:
            w.p('\t[%s] =' % a.c_name)
            w.p('\t\t%s,' % rhs)
        else:
            w.p(line)
    w.p('};')


def request_nests(fam):
    """Attribute sets reachable from any request, sorted by name."""
    found = {}

    def walk(aset, names):
        for n in names:
            sub = aset.attrs[n].nested_set()
            if sub is not None and sub.name not in found:
                found[sub.name] = sub
                walk(sub, list(sub.attrs))

    for o in fam.kernel_ops():
        walk(o.aset(), o.request_attrs())
    return [found[k] for k in sorted(found)]


def op_policy_name(fam, o):
    return '%s_%s_nl_policy' % (c_lower(fam.name), o.c_lower)


def handlers(fam, o):
    """[(kind, C function name, doc)] of the callbacks of a kernel op."""
    lf = c_lower(fam.name)
    out = []
    if o.do is not None:
        out.append(('doit', '%s_nl_%s_doit' % (lf, o.c_lower)))
    if o.dump is not None:
        d = o.dump or {}
        if 'pre' in d:
            out.append(('start', c_lower(d['pre'])))
        out.append(('dumpit', '%s_nl_%s_dumpit' % (lf, o.c_lower)))
        if 'post' in d:
            out.append(('done', c_lower(d['post'])))
    return out


PROTO = {
    'doit': 'int %s(struct sk_buff *skb, struct genl_info *info);',
    'dumpit': 'int %s(struct sk_buff *skb, struct netlink_callback *cb);',
    'start': 'int %s(struct netlink_callback *cb);',
    'done': 'int %s(struct netlink_callback *cb);',
}

# Arguments of pre_doit/post_doit hooks. Before Linux 6.2 the op is a
# struct genl_ops; kmod/compat.h names it genl_split_ops there.
HOOK_ARGS = ['const struct genl_split_ops *ops', 'struct sk_buff *skb',
             'struct genl_info *info']


def signature(w, ret, name, args, end):
    """ret name(args)end, wrapped at 80 columns with the continuation lines
    aligned after the parenthesis."""
    line = '%s %s(' % (ret, name)
    indent = cols(line)
    indent = '\t' * (indent // 8) + ' ' * (indent % 8)
    for i, a in enumerate(args):
        a += ', ' if i + 1 < len(args) else ')' + end
        if cols(line + a.rstrip()) > 80 and not line.endswith('('):
            w.p(line.rstrip())
            line = indent
        line += a
    w.p(line)


def hook_users(fam, hooks):
    return ', '.join(o.name for o in fam.kernel_ops() if o.doit_hooks() == hooks)


def render_khdr(fam):
    w = Writer()
    lf, up = c_lower(fam.name), c_upper(fam.name)
    guard = '_%s_NETLINK_GEN_H' % up
    kops = fam.kernel_ops()
    hooks = fam.doit_hooks()
    header_banner(w, 'kernel header', 'c89')
    w.p('#ifndef ' + guard)
    w.p('#define ' + guard)
    w.p()
    w.p('#include <net/netlink.h>')
    w.p('#include <net/genetlink.h>')
    w.p()
    w.p('#include <uapi/linux/%s.h>' % fam.name)
    w.p()
    if hooks:
        w.p('#include "compat.h"')
        w.p()
    w.p('/*')
    w.wrap(' * ', 'Policies of the nested attributes of requests. The genetlink '
           'core has already validated a request against them (strictly: '
           'attributes an operation does not accept are rejected); handlers '
           'use them again with nla_parse_nested(). Every array has room for '
           'the whole attribute set, so tb[] arrays are sized with the set\'s '
           '_MAX.')
    w.p(' */')
    for s in request_nests(fam):
        w.p('extern const struct nla_policy %s[%s + 1];' % (s.c_policy(), s.max_name))

    if hooks:
        fpre, fpost = fam.family_hooks()
        w.p()
        w.p('/*')
        w.wrap(' * ', 'Hooks around do handlers (the spec\'s "pre" and "post"). '
               'Linux 6.1 calls pre_doit and post_doit only for the whole '
               'family: set the family\'s .pre_doit = %s and .post_doit = %s, '
               'which run the hooks of the op (named by its internal_flags). '
               'Before Linux 6.2 the op is a struct genl_ops, which compat.h '
               'calls genl_split_ops there.' % (fpre, fpost))
        w.p(' */')
        signature(w, 'int', fpre, HOOK_ARGS, ';')
        signature(w, 'void', fpost, HOOK_ARGS, ';')
        for pre, post in hooks:
            users = hook_users(fam, (pre, post))
            w.p()
            w.p('/**')
            w.wrap(' * ', '%s() - pre_doit of %s' % (pre, users))
            w.p(' * @ops: the operation')
            w.p(' * @skb: the request')
            w.p(' * @info: the request; state for the handler and %s() goes in'
                % post)
            w.p(' *\t@info->user_ptr')
            w.p(' *')
            w.wrap(' * ', 'Return: 0 to run the handler and then %s(), or a '
                   'negative errno with an extack message.' % post)
            w.p(' */')
            signature(w, 'int', pre, HOOK_ARGS, ';')
            w.p()
            w.p('/**')
            w.wrap(' * ', '%s() - post_doit undoing %s()' % (post, pre))
            w.p(' * @ops: the operation')
            w.p(' * @skb: the request')
            w.p(' * @info: the request, as %s() left it' % pre)
            w.p(' */')
            signature(w, 'void', post, HOOK_ARGS, ';')

    seen = set()
    for o in kops:
        for kind, fn in handlers(fam, o):
            if fn in seen:
                continue
            seen.add(fn)
            w.p()
            w.p('/**')
            what = {'doit': 'do', 'dumpit': 'dump', 'start': 'dump start',
                    'done': 'dump done'}[kind]
            w.wrap(' * ', '%s() - %s %s: %s' % (fn, o.c_name, what, o.doc))
            if kind == 'doit':
                w.p(' * @skb: the request')
                w.wrap(' * ', 'request attributes in @info->attrs, validated '
                       'against the policy of %s' % o.c_name, '@info:')
                w.p(' *')
                w.p(' * Return: 0 or a negative errno, with an extack message.')
            elif kind == 'dumpit':
                w.p(' * @skb: the reply being filled')
                w.wrap(' * ', 'dump state; request attributes in '
                       'genl_dumpit_info(@cb)->attrs', '@cb:')
                w.p(' *')
                w.p(' * Return: skb->len while there is more, 0 when done, or a '
                    'negative errno.')
            else:
                w.p(' * @cb: dump state')
                w.p(' *')
                w.p(' * Return: 0 or a negative errno.')
            w.p(' */')
            w.p(PROTO[kind] % fn)
    w.p()

    w.p('enum {')
    for g in fam.mcgrps:
        w.p('\t%s_NLGRP_%s,' % (up, c_upper(g['name'])))
    w.p('};')
    w.p()
    w.p('#define %s_NL_N_OPS\t\t%d' % (up, len(kops)))
    w.p('#define %s_NL_N_MCGRPS\t%d' % (up, len(fam.mcgrps)))
    w.p()
    w.p('/*')
    w.wrap(' * ', 'For the family: .ops = %s_nl_ops, .n_ops = ARRAY_SIZE(%s_nl_ops), '
           '.mcgrps = %s_nl_mcgrps, .n_mcgrps = ARRAY_SIZE(%s_nl_mcgrps)%s. Leave '
           '.policy unset: every op has its own policy and maxattr.'
           % (lf, lf, lf, lf, ', .pre_doit = %s, .post_doit = %s' % fam.family_hooks()
              if hooks else ''))
    w.p(' */')
    w.p('extern const struct genl_ops %s_nl_ops[%s_NL_N_OPS];' % (lf, up))
    w.p('extern const struct genl_multicast_group %s_nl_mcgrps[%s_NL_N_MCGRPS];'
        % (lf, up))

    if any(a.type in ('uint', 'sint') for s in fam.sets.values()
           for a in s.attrs.values()):
        w.p()
        w.p('/**')
        w.p(' * %s_nla_put_uint() - put a "uint" attribute' % lf)
        w.p(' * @skb: message')
        w.p(' * @attrtype: attribute type')
        w.p(' * @value: value, sent as 4 bytes when it fits, else as 8')
        w.p(' *')
        w.p(' * Same encoding as nla_put_uint(), which only exists since Linux 6.7.')
        w.p(' *')
        w.p(' * Return: 0 or -EMSGSIZE.')
        w.p(' */')
        w.p('static inline int %s_nla_put_uint(struct sk_buff *skb, int attrtype, u64 value)'
            % lf)
        w.p('{')
        w.p('\tu32 value32 = value;')
        w.p()
        w.p('\tif (value32 == value)')
        w.p('\t\treturn nla_put_u32(skb, attrtype, value32);')
        w.p('\treturn nla_put(skb, attrtype, sizeof(value), &value);')
        w.p('}')
    w.p()
    w.p('#endif /* %s */' % guard)
    return w.text()


def render_ksrc(fam):
    w = Writer()
    lf, up = c_lower(fam.name), c_upper(fam.name)
    kops = fam.kernel_ops()
    nests = request_nests(fam)
    header_banner(w, 'kernel source', 'c99')
    w.p('#include <net/netlink.h>')
    w.p('#include <net/genetlink.h>')
    w.p()
    w.p('#include "netlink-gen.h"')
    w.p()

    hooks = fam.doit_hooks()
    if hooks:
        w.p('/* internal_flags of an op: the hooks around its doit */')
        w.p('enum {')
        w.p('\t%s_NL_HOOKS_NONE,' % up)
        for h in hooks:
            w.p('\t%s,' % fam.hooks_enum(h))
        w.p('};')
        w.p()

    # range structs of every integer attribute used in a policy
    used = []
    for s in nests:
        used += list(s.attrs.values())
    for o in kops:
        used += [o.aset().attrs[n] for n in o.request_attrs()]
    ranges = {}
    for a in used:
        r = needs_full_range(fam, a)
        if r is not None:
            ranges.setdefault(range_name(fam, a), (a.type.startswith('s'),) + r)
    if ranges:
        w.p('/*')
        w.p(' * Integer value ranges. Not const: in Linux 6.1 nla_policy.range is a')
        w.p(' * pointer to non-const.')
        w.p(' */')
        for name in sorted(ranges):
            signed, lo, hi = ranges[name]
            w.p('static struct netlink_range_validation%s %s = {'
                % ('_signed' if signed else '', name))
            for field, lim in (('min', lo), ('max', hi)):
                if lim is None:
                    continue
                expr = lim[0]
                if not signed and expr.isdigit():
                    expr += 'ULL'
                w.p('\t.%s\t= %s,' % (field, expr))
            w.p('};')
            w.p()

    w.p('/* Nested attribute policies */')
    for s in nests:
        policy_lines(w, fam, s, list(s.attrs), '', s.c_policy())
        w.p()

    for o in kops:
        modes = ' + '.join(m for m in ('do', 'dump') if getattr(o, m) is not None)
        w.p('/* %s - %s */' % (o.c_name, modes))
        policy_lines(w, fam, o.aset(), o.request_attrs(), 'static ',
                     op_policy_name(fam, o))
        w.p()

    w.p('/* Ops table for %s */' % fam.name)
    w.p('const struct genl_ops %s_nl_ops[%s_NL_N_OPS] = {' % (lf, up))
    for o in kops:
        w.p('\t{')
        w.p('\t\t.cmd\t\t= %s,' % o.c_name)
        for kind, fn in handlers(fam, o):
            w.p('\t\t.%s\t\t= %s,' % (kind, fn))
        w.p('\t\t.policy\t\t= %s,' % op_policy_name(fam, o))
        w.p('\t\t.maxattr\t= %s,' % o.aset().max_name)
        if o.doit_hooks():
            w.p('\t\t.internal_flags\t= %s,' % fam.hooks_enum(o.doit_hooks()))
        if 'admin-perm' in o.flags:
            w.p('\t\t.flags\t\t= GENL_ADMIN_PERM,')
        w.p('\t},')
    w.p('};')
    w.p()

    if any('admin-perm' in (g.get('flags') or []) for g in fam.mcgrps):
        w.p('/*')
        w.wrap(' * ', 'Joining an admin-perm group needs CAP_NET_ADMIN: '
               'GENL_MCAST_CAP_NET_ADMIN since Linux 6.7, GENL_UNS_ADMIN_PERM '
               'before (honoured by 6.1.y stable).')
        w.p(' */')
        w.p('#ifdef GENL_MCAST_CAP_NET_ADMIN')
        w.p('#define %s_NL_MCGRP_ADMIN_PERM\tGENL_MCAST_CAP_NET_ADMIN' % up)
        w.p('#else')
        w.p('#define %s_NL_MCGRP_ADMIN_PERM\tGENL_UNS_ADMIN_PERM' % up)
        w.p('#endif')
        w.p()
    w.p('const struct genl_multicast_group %s_nl_mcgrps[%s_NL_N_MCGRPS] = {' % (lf, up))
    for g in fam.mcgrps:
        gname = c_upper(g['name'])
        w.p('\t[%s_NLGRP_%s] = {' % (up, gname))
        w.p('\t\t.name\t= %s_MCGRP_%s,' % (up, gname))
        if 'admin-perm' in (g.get('flags') or []):
            w.p('\t\t.flags\t= %s_NL_MCGRP_ADMIN_PERM,' % up)
        w.p('\t},')
    w.p('};')

    if hooks:
        fpre, fpost = fam.family_hooks()
        w.p()
        w.p('/* The family\'s pre_doit: the op\'s pre hook, if it has one */')
        signature(w, 'int', fpre, HOOK_ARGS, '')
        w.p('{')
        w.p('\tswitch (ops->internal_flags) {')
        for h in hooks:
            w.p('\tcase %s:' % fam.hooks_enum(h))
            w.p('\t\treturn %s(ops, skb, info);' % h[0])
        w.p('\t}')
        w.p('\treturn 0;')
        w.p('}')
        w.p()
        w.p('/* The family\'s post_doit: the op\'s post hook, if it has one */')
        signature(w, 'void', fpost, HOOK_ARGS, '')
        w.p('{')
        w.p('\tswitch (ops->internal_flags) {')
        for h in hooks:
            w.p('\tcase %s:' % fam.hooks_enum(h))
            w.p('\t\t%s(ops, skb, info);' % h[1])
            w.p('\t\tbreak;')
        w.p('\t}')
        w.p('}')
    return w.text()


# ---------------------------------------------------------------------------
# Userspace reply policies (userspace/netlink/meshvpn_nl-gen.[ch])
# ---------------------------------------------------------------------------

USER_KIND = {'u8': 'MV_NLA_U8', 'u16': 'MV_NLA_U16', 'u32': 'MV_NLA_U32',
             'u64': 'MV_NLA_U64', 'uint': 'MV_NLA_UINT', 'nest': 'MV_NLA_NESTED'}


# The spec has no flag for attributes only the kernel takes; their docs say
# so, e.g. device.socket: "... Input only."
INPUT_ONLY_RE = re.compile(r'\bInput only\b')


def input_only(a):
    return bool(INPUT_ONLY_RE.search(a.doc) or INPUT_ONLY_RE.search(a.set.real().doc))


def reply_walk(fam):
    """[(what, full set, attribute names)] for every set a reply or
    notification reaches, following its nests through the (subset) sets
    they point at, less what the spec calls input only."""
    out = []

    def walk(what, aset, names, walked):
        names = [n for n in names if not input_only(aset.attrs[n])]
        out.append((what, aset.real(), names))
        for n in names:
            sub = aset.attrs[n].nested_set()
            if sub is not None and sub.name not in walked:
                walked.add(sub.name)
                walk(what, sub, list(sub.attrs), walked)

    for o in fam.ops:
        if o.is_ntf:
            walk(o.name, o.aset(), o.event['attributes'], set())
            continue
        names = []
        for sub in (o.do, o.dump):
            names += ((sub or {}).get('reply') or {}).get('attributes', [])
        if names:
            walk(o.name + ' reply', o.aset(), list(dict.fromkeys(names)), set())
    return out


def user_sets(fam):
    """[(full set, attribute names, what uses it)] the kernel may send: the
    top level set first, then in spec order."""
    names, users = {}, {}
    for what, aset, attrs in reply_walk(fam):
        names.setdefault(aset.name, set()).update(attrs)
        users.setdefault(aset.name, [])
        if what not in users[aset.name]:
            users[aset.name].append(what)
    sets = [a for a in fam.sets.values() if a.name in names]
    sets.sort(key=lambda a: a.name != fam.name)
    return [(a, [n for n in a.attrs if n in names[a.name]], users[a.name])
            for a in sets]


def user_policy_name(fam, aset):
    what = 'top' if aset.name == fam.name else c_lower(aset.name)
    return 'mv_%s_%s_pol' % (c_lower(fam.name), what)


def user_policy_entry(fam, a):
    """(kind, len) of one struct mv_nla_policy entry, or None for none."""
    t, ck = a.type, a.checks
    if t in ('pad', 'unused'):
        return None
    if t in USER_KIND:
        return USER_KIND[t], '0'
    if t == 'binary' and 'exact-len' in ck:
        return 'MV_NLA_BINARY', fam.limit(ck['exact-len'])[0]
    if t == 'binary' and 'max-len' not in ck:
        return 'MV_NLA_BYTES', fam.limit(ck.get('min-len', 0))[0]
    # A reply attribute of another kind needs one in netlink/nl.h first.
    raise SpecError('%s.%s: no userspace policy for a %s%s' % (
        a.set.name, a.name, t, ' with max-len' if t == 'binary' else ''))


def render_uhdr(fam):
    w = Writer()
    up = c_upper(fam.name)
    guard = 'MESHVPN_%s_NL_GEN_H' % up
    header_banner(w, 'userspace header', 'c89')
    w.p('#ifndef ' + guard)
    w.p('#define ' + guard)
    w.p()
    w.p('#include <linux/%s.h>' % fam.name)
    w.p()
    w.p('#include "netlink/nl.h"')
    w.p()
    w.comment('Reply policies, for mv_nla_parse(): the attributes the kernel '
              'may send in a reply or notification of the spec, with their '
              'lengths. Attributes the kernel only takes (the spec says '
              '"Input only": the socket, key material) have no entry and are '
              'never read, whatever comes.')
    for aset, _, _ in user_sets(fam):
        w.p('extern const struct mv_nla_policy %s[%s + 1];'
            % (user_policy_name(fam, aset), aset.max_name))
    w.p()
    w.p('#endif /* %s */' % guard)
    return w.text()


def render_usrc(fam):
    w = Writer()
    header_banner(w, 'userspace source', 'c99')
    w.p('#include "netlink/%s"' % os.path.basename(UHDR))
    for aset, names, users in user_sets(fam):
        w.p()
        what = '"%s": %s' % (aset.name, ', '.join(users))
        if cols('/* %s */' % what) <= 80:
            w.p('/* %s */' % what)
        else:
            w.comment(what)
        w.p('const struct mv_nla_policy %s[%s + 1] = {'
            % (user_policy_name(fam, aset), aset.max_name))
        for n in names:
            a = aset.attrs[n]
            entry = user_policy_entry(fam, a)
            if entry is None:
                continue
            line = '\t[%s] = { %s, %s },' % ((a.c_name,) + entry)
            if cols(line) > MAX_COLS:
                w.p('\t[%s] =' % a.c_name)
                w.p('\t\t{ %s, %s },' % entry)
            else:
                w.p(line)
        w.p('};')
    return w.text()


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def generate(spec_path):
    with open(spec_path) as f:
        y = yaml.safe_load(f)
    errs = validate(y)
    if errs:
        raise SpecError('\n'.join(errs))
    fam = Family(y)
    # C identifiers must not collide either
    names = {}
    for s in fam.sets.values():
        if not s.subset_of:
            for a in s.attrs.values():
                names.setdefault(a.c_name, []).append('attr %s.%s' % (s.name, a.name))
    for o in fam.ops:
        names.setdefault(o.c_name, []).append('op ' + o.name)
    for d in fam.defs:
        if d['type'] == 'const':
            names.setdefault(c_upper(fam.name) + '_' + c_upper(d['name']), []).append(
                'const ' + d['name'])
        else:
            for n, _, _ in fam.enum_entries(d['name']):
                names.setdefault('%s_%s_%s' % (c_upper(fam.name), c_upper(d['name']),
                                               c_upper(n)), []).append('enum ' + n)
    funcs = {}
    for o in fam.kernel_ops():
        for _, fn in handlers(fam, o):
            funcs.setdefault(fn, set()).add('handler')
    for pre, post in fam.doit_hooks():
        funcs.setdefault(pre, set()).add('pre hook')
        funcs.setdefault(post, set()).add('post hook')
    if fam.doit_hooks():
        for fn in fam.family_hooks():
            funcs.setdefault(fn, set()).add('family hook')
    for fn, kinds in funcs.items():
        if len(kinds) > 1:
            names.setdefault(fn, []).extend(sorted(kinds))
    for h in fam.doit_hooks():
        names.setdefault(fam.hooks_enum(h), []).append('hooks ' + h[0])
    pol = [s.c_policy() for s in request_nests(fam)]
    pol += [op_policy_name(fam, o) for o in fam.kernel_ops()]
    clash = [k for k, v in names.items() if len(v) > 1]
    clash += sorted({p for p in pol if pol.count(p) > 1})
    if clash:
        raise SpecError('C name collision: ' + ', '.join(clash))
    return {
        UAPI: render_uapi(fam),
        KHDR: render_khdr(fam),
        KSRC: render_ksrc(fam),
        UHDR: render_uhdr(fam),
        USRC: render_usrc(fam),
    }


def main():
    root_default = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--root', default=root_default,
                    help='repository root (default: the one holding this script)')
    ap.add_argument('--spec', help='spec file (default: ROOT/%s)' % SPEC)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument('--check', action='store_true',
                      help='do not write; exit 1 and show a diff if a file is stale')
    mode.add_argument('--validate', action='store_true',
                      help='only validate the spec')
    mode.add_argument('--stdout', metavar='FILE', choices=[UAPI, KHDR, KSRC, UHDR, USRC],
                      help='print one generated file instead of writing it')
    args = ap.parse_args()

    spec = args.spec or os.path.join(args.root, SPEC)
    try:
        out = generate(spec)
    except SpecError as e:
        for line in str(e).splitlines():
            print('%s: %s' % (os.path.relpath(spec), line), file=sys.stderr)
        return 2
    except (OSError, yaml.YAMLError) as e:
        print('%s: %s' % (spec, e), file=sys.stderr)
        return 2
    if args.validate:
        return 0
    if args.stdout:
        sys.stdout.write(out[args.stdout])
        return 0

    stale = 0
    for rel, text in out.items():
        path = os.path.join(args.root, rel)
        try:
            with open(path) as f:
                old = f.read()
        except FileNotFoundError:
            old = None
        if old == text:
            continue
        if args.check:
            stale += 1
            sys.stdout.writelines(difflib.unified_diff(
                (old or '').splitlines(True), text.splitlines(True),
                'a/' + rel, 'b/' + rel))
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text)
        print('wrote ' + rel)
    if stale:
        print('%d generated file(s) differ from %s; run %s'
              % (stale, SPEC, REGEN), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
