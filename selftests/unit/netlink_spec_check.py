#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Helper of test_netlink_spec.sh: checks of the netlink spec that do not use
scripts/ynl-gen.py's own model, so that a bug in the generator cannot hide a
disagreement between the spec and the generated files.

  structure SPEC                 structural rules, one ok/not ok line each
  expect-c SPEC OUT.c            C program (selftests/unit/test.h) comparing
                                 the uapi header with numbers computed here
  kstub SPEC KHDR OUT.c          throwaway kernel module: stub handlers and
                                 hooks for every prototype in netlink-gen.h
                                 that netlink-gen.c (beside KHDR) does not
                                 define, a family using the generated tables
                                 and hooks, static checks
  mutations GEN SPEC TMPDIR      broken copies of the spec must be rejected
  upolicy SPEC OUT.c             C program (selftests/unit/test.h) comparing
                                 the userspace reply policies with kinds and
                                 lengths computed here
"""

import copy
import os
import re
import subprocess
import sys

import yaml


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def up(s):
    return s.upper().replace('-', '_')


def low(s):
    return s.lower().replace('-', '_')


def attr_sets(spec):
    return {s['name']: s for s in spec['attribute-sets']}


def numbered(items):
    """[(name, value)] following the "value" keys, counting from 1."""
    out, val = [], 1
    for it in items:
        val = it.get('value', val)
        out.append((it['name'], val))
        val += 1
    return out


def attr_prefix(spec, set_name):
    fam = up(spec['name'])
    return fam + '_A_' if set_name == spec['name'] else fam + '_A_' + up(set_name) + '_'


# ---------------------------------------------------------------------------

def structure(spec):
    results = []

    def case(name, problems):
        results.append((name, problems))

    sets = attr_sets(spec)
    full = [s for s in spec['attribute-sets'] if 'subset-of' not in s]
    subs = [s for s in spec['attribute-sets'] if 'subset-of' in s]
    ops = spec['operations']['list']

    p = []
    if spec.get('protocol') != 'genetlink':
        p.append('protocol is not genetlink')
    if spec.get('name') != 'meshvpn':
        p.append('family is not meshvpn')
    case('family_is_genetlink_meshvpn', p)

    p = []
    for s in full:
        for a in s['attributes']:
            if not a.get('type'):
                p.append('%s.%s has no type' % (s['name'], a['name']))
            if not str(a.get('doc', '')).strip():
                p.append('%s.%s has no doc' % (s['name'], a['name']))
    case('every_attribute_has_type_and_doc', p)

    p = ['%s has no doc' % o['name'] for o in ops if not str(o.get('doc', '')).strip()]
    p += ['definition %s has no doc' % d['name'] for d in spec.get('definitions', [])
          if not str(d.get('doc', '')).strip()]
    case('every_operation_and_definition_has_doc', p)

    p = []
    for what, names in [('attribute set', [s['name'] for s in spec['attribute-sets']]),
                        ('operation', [o['name'] for o in ops]),
                        ('definition', [d['name'] for d in spec.get('definitions', [])]),
                        ('mcast group', [g['name'] for g in spec['mcast-groups']['list']])]:
        dup = sorted({n for n in names if names.count(n) > 1})
        p += ['duplicate %s %s' % (what, n) for n in dup]
    for s in spec['attribute-sets']:
        names = [a['name'] for a in s['attributes']]
        p += ['duplicate attribute %s.%s' % (s['name'], n)
              for n in sorted({n for n in names if names.count(n) > 1})]
    for s in full:
        vals = [v for _, v in numbered(s['attributes'])]
        if len(set(vals)) != len(vals):
            p.append('duplicate attribute value in %s' % s['name'])
    case('names_and_values_unique', p)

    p = []
    for s in subs:
        parent = sets.get(s['subset-of'])
        if parent is None:
            p.append('%s: unknown parent %s' % (s['name'], s['subset-of']))
            continue
        pnames = {a['name'] for a in parent['attributes']}
        for a in s['attributes']:
            if a['name'] not in pnames:
                p.append('%s.%s not in %s' % (s['name'], a['name'], parent['name']))
    for s in full:
        for a in s['attributes']:
            if a.get('type') == 'nest' and a.get('nested-attributes') not in sets:
                p.append('%s.%s nests unknown set' % (s['name'], a['name']))
    case('subsets_and_nests_resolve', p)

    p = []
    for o in ops:
        aset = sets.get(o.get('attribute-set'))
        if aset is None:
            p.append('%s: unknown attribute-set' % o['name'])
            continue
        names = {a['name'] for a in aset['attributes']}
        lists = []
        for mode in ('do', 'dump'):
            for part in ('request', 'reply'):
                lists.append((o.get(mode) or {}).get(part, {}).get('attributes', []))
        lists.append((o.get('event') or {}).get('attributes', []))
        for lst in lists:
            for a in lst:
                if a not in names:
                    p.append('%s: %s not in %s' % (o['name'], a, aset['name']))
    case('operation_attributes_exist_in_their_set', p)

    p = []
    for o in ops:
        if 'event' in o:
            if o.get('mcgrp') not in [g['name'] for g in spec['mcast-groups']['list']]:
                p.append('%s: unknown mcgrp' % o['name'])
            continue
        if 'admin-perm' not in o.get('flags', []):
            p.append('%s is not admin-perm' % o['name'])
        for mode in ('do', 'dump'):
            if mode in o and 'ifindex' not in o[mode]['request']['attributes']:
                p.append('%s %s does not take ifindex' % (o['name'], mode))
    case('operations_admin_perm_and_take_ifindex', p)

    # Every do handler finds its device in a pre hook, which one post hook
    # undoes (kmod/netlink.c).
    p = []
    posts = {}
    for o in ops:
        d = o.get('do')
        if d is None:
            continue
        if 'pre' not in d or 'post' not in d:
            p.append('%s do lacks a pre/post hook pair' % o['name'])
        elif posts.setdefault(d['pre'], d['post']) != d['post']:
            p.append('%s do: pre hook %s with post hooks %s and %s'
                     % (o['name'], d['pre'], posts[d['pre']], d['post']))
    case('do_operations_run_between_paired_hooks', p)

    # The contract the brief fixes: input-only/output-only sides.
    p = []
    inputs = {}
    for s in subs:
        if s['name'].endswith('-input'):
            inputs.setdefault(s['subset-of'], set()).update(a['name'] for a in s['attributes'])
    for set_name, outs in [('node', {'rx-bytes', 'rx-packets', 'tx-bytes', 'tx-packets',
                                     'rx-decrypt-errors', 'rx-replay-drops', 'rx-rpf-drops',
                                     'tx-no-key-drops', 'relay-packets', 'relay-bytes',
                                     'last-rx'}),
                           ('device', {'port', 'node-count', 'route-count'}),
                           ('keyconf', {'rekey-reason'})]:
        for a in sorted(outs & inputs.get(set_name, set())):
            p.append('output-only %s.%s accepted as input' % (set_name, a))
    for o in ops:
        for mode in ('do', 'dump'):
            for a in (o.get(mode) or {}).get('reply', {}).get('attributes', []):
                nest = [x for x in sets[o['attribute-set']]['attributes'] if x['name'] == a]
                ref = nest[0].get('nested-attributes') if nest else None
                if ref and 'encrypt-dir' in {x['name'] for x in sets[ref]['attributes']}:
                    p.append('%s replies may carry key material' % o['name'])
    case('output_only_attributes_and_no_key_material_in_replies', p)
    return results


# ---------------------------------------------------------------------------

def enum_values(d):
    out, val = [], d.get('value-start', 0)
    for e in d['entries']:
        e = {'name': e} if isinstance(e, str) else e
        val = e.get('value', val)
        out.append((e['name'], val))
        val += 1
    return out


def expect_c(spec):
    fam = up(spec['name'])
    L = ['/* Generated by netlink_spec_check.py from the YAML spec. */',
         '#include <linux/types.h>',
         '#include <linux/meshvpn.h>',
         '#include "test.h"',
         '']
    L.append('TEST(family)')
    L.append('{')
    L.append('\tEXPECT_STREQ(%s_FAMILY_NAME, "%s");' % (fam, spec['name']))
    L.append('\tEXPECT_EQ(%s_FAMILY_VERSION, %d);' % (fam, spec.get('version', 1)))
    for g in spec['mcast-groups']['list']:
        L.append('\tEXPECT_STREQ(%s_MCGRP_%s, "%s");' % (fam, up(g['name']), g['name']))
    L.append('}')
    L.append('')
    L.append('TEST(definitions)')
    L.append('{')
    for d in spec.get('definitions', []):
        if d['type'] == 'const':
            L.append('\tEXPECT(%s_%s == %dULL);' % (fam, up(d['name']), d['value']))
        else:
            for n, v in enum_values(d):
                L.append('\tEXPECT_EQ(%s_%s_%s, %d);' % (fam, up(d['name']), up(n), v))
            L.append('\tEXPECT(sizeof(enum %s_%s) > 0);' % (low(spec['name']), low(d['name'])))
    L.append('}')
    L.append('')
    for s in spec['attribute-sets']:
        if 'subset-of' in s:
            continue
        prefix = attr_prefix(spec, s['name'])
        L.append('TEST(attrs_%s)' % low(s['name']))
        L.append('{')
        nums = numbered(s['attributes'])
        for n, v in nums:
            L.append('\tEXPECT_EQ(%s%s, %d);' % (prefix, up(n), v))
        L.append('\tEXPECT_EQ(%sMAX, %d);' % (prefix, max(v for _, v in nums)))
        L.append('}')
        L.append('')
    L.append('TEST(commands)')
    L.append('{')
    nums = numbered(spec['operations']['list'])
    for n, v in nums:
        L.append('\tEXPECT_EQ(%s_CMD_%s, %d);' % (fam, up(n), v))
    L.append('\tEXPECT_EQ(%s_CMD_MAX, %d);' % (fam, max(v for _, v in nums)))
    L.append('}')
    L.append('')
    L.append('TEST_MAIN()')
    return '\n'.join(L) + '\n'


# ---------------------------------------------------------------------------

def kstub(spec, khdr):
    fam, lf = up(spec['name']), low(spec['name'])
    with open(khdr) as f:
        hdr = f.read()
    with open(os.path.join(os.path.dirname(khdr), 'netlink-gen.c')) as f:
        src = f.read()
    protos = [(ret, name, ' '.join(args.split()))
              for ret, name, args in re.findall(r'^(int|void) (\w+)\(([^)]*)\);$', hdr, re.M)
              if not re.search(r'^%s %s\(' % (ret, name), src, re.M)]
    kops = [o for o in spec['operations']['list'] if 'event' not in o]
    do_hooks = [(o['do']['pre'], o['do']['post']) for o in kops
                if 'pre' in (o.get('do') or {})]
    L = ['// SPDX-License-Identifier: GPL-2.0',
         '/* Throwaway module generated by netlink_spec_check.py. */',
         '#include <linux/module.h>',
         '#include <linux/build_bug.h>',
         '#include "netlink-gen.h"',
         '']
    for ret, name, args in protos:
        L.append('%s %s(%s)' % (ret, name, args))
        L.append('{')
        if ret == 'int':
            L.append('\treturn -EOPNOTSUPP;')
        L.append('}')
        L.append('')
    L.append('int test_put_uint(struct sk_buff *skb);')
    L.append('int test_put_uint(struct sk_buff *skb)')
    L.append('{')
    L.append('\treturn %s_nla_put_uint(skb, %s_A_NODE_RX_BYTES, 1);' % (lf, fam))
    L.append('}')
    L.append('')
    L.append('static struct genl_family test_family __ro_after_init = {')
    L.append('\t.name = %s_FAMILY_NAME,' % fam)
    L.append('\t.version = %s_FAMILY_VERSION,' % fam)
    L.append('\t.netnsok = true,')
    L.append('\t.parallel_ops = true,')
    L.append('\t.module = THIS_MODULE,')
    L.append('\t.ops = %s_nl_ops,' % lf)
    L.append('\t.n_ops = ARRAY_SIZE(%s_nl_ops),' % lf)
    L.append('\t.mcgrps = %s_nl_mcgrps,' % lf)
    L.append('\t.n_mcgrps = ARRAY_SIZE(%s_nl_mcgrps),' % lf)
    L.append('\t.maxattr = %s_A_MAX,' % fam)
    if do_hooks:
        # the generated family hooks must have the kernel's hook type
        L.append('\t.pre_doit = %s_nl_pre_doit,' % lf)
        L.append('\t.post_doit = %s_nl_post_doit,' % lf)
    L.append('};')
    L.append('')
    L.append('static int __init test_init(void)')
    L.append('{')
    L.append('\tBUILD_BUG_ON(ARRAY_SIZE(%s_nl_ops) != %d);' % (lf, len(kops)))
    L.append('\tBUILD_BUG_ON(ARRAY_SIZE(%s_nl_mcgrps) != %d);'
             % (lf, len(spec['mcast-groups']['list'])))
    L.append('\treturn genl_register_family(&test_family);')
    L.append('}')
    L.append('')
    L.append('static void __exit test_exit(void)')
    L.append('{')
    L.append('\tgenl_unregister_family(&test_family);')
    L.append('}')
    L.append('')
    L.append('module_init(test_init);')
    L.append('module_exit(test_exit);')
    L.append('MODULE_LICENSE("GPL");')
    L.append('MODULE_DESCRIPTION("meshvpn generated netlink code build test");')
    want = set()
    for o in kops:
        if 'do' in o:
            want.add('%s_nl_%s_doit' % (lf, low(o['name'])))
        if 'dump' in o:
            want.add('%s_nl_%s_dumpit' % (lf, low(o['name'])))
    for pre, post in do_hooks:
        want.update((low(pre), low(post)))
    missing = sorted(want - {p[1] for p in protos})
    if do_hooks:
        for fn in ('%s_nl_pre_doit' % lf, '%s_nl_post_doit' % lf):
            if not re.search(r'^(int|void) %s\(' % fn, src, re.M):
                missing.append(fn)
    return '\n'.join(L) + '\n', missing


# ---------------------------------------------------------------------------

USER_KINDS = {'u8': 'MV_NLA_U8', 'u16': 'MV_NLA_U16', 'u32': 'MV_NLA_U32',
              'u64': 'MV_NLA_U64', 'uint': 'MV_NLA_UINT', 'nest': 'MV_NLA_NESTED'}


def sent_by_kernel(spec):
    """{full set name: {attribute name: attribute}}: what replies and
    notifications carry, through the nests of the sets they name, without
    the attributes whose doc (or set's doc) says "Input only"."""
    sets = attr_sets(spec)
    out = {}

    def full(sname):
        return sets[sets[sname].get('subset-of', sname)]

    def walk(sname, names, walked):
        real = full(sname)
        for n in names:
            a = next(x for x in real['attributes'] if x['name'] == n)
            if 'Input only' in a['doc'] or 'Input only' in real['doc']:
                continue
            out.setdefault(real['name'], {})[n] = a
            local = next(x for x in sets[sname]['attributes'] if x['name'] == n)
            nest = local.get('nested-attributes', a.get('nested-attributes'))
            if nest and nest not in walked:
                walked.add(nest)
                walk(nest, [x['name'] for x in sets[nest]['attributes']], walked)

    for o in spec['operations']['list']:
        parts = [o['event']] if 'event' in o else \
            [(o.get(m) or {}).get('reply') or {} for m in ('do', 'dump')]
        for part in parts:
            walk(o['attribute-set'], part.get('attributes', []), set())
    return out


def upolicy_c(spec):
    consts = {d['name']: d['value'] for d in spec.get('definitions', [])
              if d['type'] == 'const'}
    L = ['/* Generated by netlink_spec_check.py from the YAML spec. */',
         '#include "netlink/meshvpn_nl-gen.h"',
         '#include "test.h"',
         '']
    for sname, attrs in sorted(sent_by_kernel(spec).items()):
        prefix = attr_prefix(spec, sname)
        pol = 'mv_%s_%s_pol' % (low(spec['name']),
                                'top' if sname == spec['name'] else low(sname))
        L.append('TEST(reply_policy_%s)' % low(sname))
        L.append('{')
        for a in attr_sets(spec)[sname]['attributes']:
            kind, length = 'MV_NLA_IGNORE', 0
            checks = a.get('checks') or {}
            if a['name'] in attrs and a['type'] in USER_KINDS:
                kind = USER_KINDS[a['type']]
            elif a['name'] in attrs and a['type'] == 'binary':
                exact = checks.get('exact-len')
                kind = 'MV_NLA_BINARY' if exact is not None else 'MV_NLA_BYTES'
                length = exact if exact is not None else checks.get('min-len', 0)
                length = consts.get(length, length)
            entry = '%s[%s%s]' % (pol, prefix, up(a['name']))
            L.append('\tEXPECT_EQ(%s.kind, %s);' % (entry, kind))
            L.append('\tEXPECT_EQ(%s.len, %d);' % (entry, length))
        L.append('}')
        L.append('')
    L.append('TEST_MAIN()')
    return '\n'.join(L) + '\n'


# ---------------------------------------------------------------------------

def mutations(spec):
    """(case name, mutate(spec), expected message fragment)"""
    def attr(sp, sname, aname):
        s = next(x for x in sp['attribute-sets'] if x['name'] == sname)
        return next(a for a in s['attributes'] if a['name'] == aname)

    def op(sp, name):
        return next(o for o in sp['operations']['list'] if o['name'] == name)

    def m_nodoc(sp):
        del attr(sp, 'node', 'keepalive')['doc']

    def m_notype(sp):
        del attr(sp, 'route', 'prefix-len')['type']

    def m_op_nodoc(sp):
        del op(sp, 'key-swap')['doc']

    def m_dup_attr(sp):
        s = next(x for x in sp['attribute-sets'] if x['name'] == 'node')
        s['attributes'].append(copy.deepcopy(s['attributes'][0]))

    def m_dup_op(sp):
        sp['operations']['list'].append(copy.deepcopy(op(sp, 'dev-get')))

    def m_unknown_req(sp):
        op(sp, 'dev-get')['do']['request']['attributes'].append('no-such-attr')

    def m_unknown_subset_attr(sp):
        s = next(x for x in sp['attribute-sets'] if x['name'] == 'node-new-input')
        s['attributes'].append({'name': 'no-such-attr'})

    def m_no_ifindex(sp):
        op(sp, 'route-get')['dump']['request']['attributes'] = []

    def m_not_admin(sp):
        op(sp, 'node-del')['flags'] = []

    def m_do_pre_alone(sp):
        del op(sp, 'node-del')['do']['post']

    def m_do_pre_two_posts(sp):
        op(sp, 'node-del')['do']['post'] = 'meshvpn-nl-put-dev'

    def m_bad_enum(sp):
        attr(sp, 'keyconf', 'slot')['enum'] = 'no-such-enum'

    def m_bad_check(sp):
        attr(sp, 'node', 'id')['checks']['max'] = 'no-such-const'

    def m_bad_mcgrp(sp):
        op(sp, 'rekey-due-ntf')['mcgrp'] = 'nope'

    def m_bad_name(sp):
        op(sp, 'key-del')['name'] = 'Key_Del'

    return [
        ('rejects_attribute_without_doc', m_nodoc, 'missing doc'),
        ('rejects_attribute_without_type', m_notype, 'missing type'),
        ('rejects_operation_without_doc', m_op_nodoc, 'missing doc'),
        ('rejects_duplicate_attribute', m_dup_attr, 'duplicate name'),
        ('rejects_duplicate_operation', m_dup_op, 'duplicate name'),
        ('rejects_unknown_request_attribute', m_unknown_req, "'no-such-attr' not in"),
        ('rejects_unknown_subset_attribute', m_unknown_subset_attr, 'not in node'),
        ('rejects_request_without_ifindex', m_no_ifindex, 'must carry ifindex'),
        ('rejects_op_without_admin_perm', m_not_admin, 'must be admin-perm'),
        ('rejects_do_pre_without_post', m_do_pre_alone, 'pre/post'),
        ('rejects_do_pre_with_two_posts', m_do_pre_two_posts, 'paired with post hook'),
        ('rejects_unknown_enum', m_bad_enum, 'unknown enum'),
        ('rejects_unknown_check_const', m_bad_check, 'not an int, const or limit'),
        ('rejects_unknown_mcgrp', m_bad_mcgrp, 'unknown mcgrp'),
        ('rejects_bad_name', m_bad_name, 'bad name'),
    ]


def run_mutations(gen, spec_path, tmpdir):
    """Each broken spec must fail the generator's validate(); the first one
    is also run through the command line, which must exit non-zero."""
    import importlib.util
    mspec = importlib.util.spec_from_file_location('ynl_gen', gen)
    ynl_gen = importlib.util.module_from_spec(mspec)
    mspec.loader.exec_module(ynl_gen)

    spec = load(spec_path)
    failed = 0
    cases = mutations(spec)
    for name, mutate, want in cases:
        sp = copy.deepcopy(spec)
        mutate(sp)
        errs = ynl_gen.validate(sp)
        if any(want in e for e in errs):
            print('ok %s' % name)
        else:
            failed += 1
            print('not ok %s' % name)
            print('    wanted an error containing %r, got:' % want)
            for line in errs or ['(nothing)']:
                print('    ' + line)

    name, mutate, want = cases[0]
    sp = copy.deepcopy(spec)
    mutate(sp)
    path = os.path.join(tmpdir, 'broken.yaml')
    with open(path, 'w') as f:
        yaml.safe_dump(sp, f, sort_keys=False)
    r = subprocess.run([sys.executable, gen, '--spec', path, '--check'],
                       capture_output=True, text=True)
    if r.returncode == 2 and want in r.stderr:
        print('ok cli_rejects_broken_spec')
    else:
        failed += 1
        print('not ok cli_rejects_broken_spec')
        print('    exit %d, stderr: %s' % (r.returncode, r.stderr.strip()))
    return failed


def main():
    cmd = sys.argv[1]
    if cmd == 'structure':
        failed = 0
        for name, problems in structure(load(sys.argv[2])):
            print('%s %s' % ('not ok' if problems else 'ok', name))
            for p in problems:
                print('    ' + p)
            failed += bool(problems)
        return 1 if failed else 0
    if cmd == 'expect-c':
        with open(sys.argv[3], 'w') as f:
            f.write(expect_c(load(sys.argv[2])))
        return 0
    if cmd == 'kstub':
        text, missing = kstub(load(sys.argv[2]), sys.argv[3])
        with open(sys.argv[4], 'w') as f:
            f.write(text)
        for m in missing:
            print('netlink-gen.[ch] lack %s' % m, file=sys.stderr)
        return 1 if missing else 0
    if cmd == 'upolicy':
        with open(sys.argv[3], 'w') as f:
            f.write(upolicy_c(load(sys.argv[2])))
        return 0
    if cmd == 'mutations':
        return 1 if run_mutations(sys.argv[2], sys.argv[3], sys.argv[4]) else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
