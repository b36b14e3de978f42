# SPDX-License-Identifier: GPL-2.0
"""Count results in TAP 13 / KTAP output.

kselftest_harness.h prints flat TAP 13; KUnit prints nested KTAP where a
parent's result line follows its indented subtests.  Only leaves count: a
result line is a parent when deeper-indented results came since the previous
result at its own level.  A plan ("1..N") that does not match the number of
results printed at its level is reported as a failure of its own: a test
binary that died half way must not look green.
"""

import re
from dataclasses import dataclass, field

RESULT = re.compile(r'^(?P<indent>\s*)(?P<not>not )?ok(?: (?P<num>\d+))?'
                    r'(?: -)?(?: (?P<desc>[^#]*?))?\s*(?:#\s*(?P<dir>.*))?$')
PLAN = re.compile(r'^(?P<indent>\s*)1\.\.(?P<n>\d+)')
VERSION = re.compile(r'^(?P<indent>\s*)K?TAP version \d+')


@dataclass
class Results:
    passed: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def total(self):
        return len(self.passed) + len(self.failed) + len(self.skipped)


def _indent(s):
    return len(s.expandtabs(8))


class _Level:
    def __init__(self, failed_so_far):
        self.plan = None
        self.count = 0
        self.fail_mark = failed_so_far


def parse(text):
    res = Results()
    levels = {}

    def close(lvl):
        st = levels.pop(lvl)
        if st.plan is not None and st.plan != st.count:
            res.problems.append(f'planned {st.plan} tests, {st.count} reported')

    def level(lvl):
        if lvl not in levels:
            levels[lvl] = _Level(len(res.failed))
        return levels[lvl]

    for raw in text.splitlines():
        line = raw.rstrip()
        m = VERSION.match(line)
        if m:
            lvl = _indent(m['indent'])
            for other in sorted((k for k in levels if k >= lvl), reverse=True):
                close(other)
            level(lvl)
            continue
        m = PLAN.match(line)
        if m:
            level(_indent(m['indent'])).plan = int(m['n'])
            continue
        m = RESULT.match(line)
        if not m:
            continue
        lvl = _indent(m['indent'])
        deeper = sorted((k for k in levels if k > lvl), reverse=True)
        is_parent = any(levels[k].count for k in deeper)
        for k in deeper:
            close(k)
        st = level(lvl)
        st.count += 1
        name = (m['desc'] or f"test {m['num']}").strip()
        directive = (m['dir'] or '').strip().upper()
        if is_parent:
            # A parent's verdict is carried by its leaves, but a parent that
            # fails with no failing leaf (a crash between cases) still fails.
            if m['not'] and len(res.failed) == st.fail_mark:
                res.failed.append(name + ' (no failing subtest reported)')
        elif directive.startswith('SKIP'):
            res.skipped.append(name)
        elif m['not'] and not directive.startswith(('TODO', 'XFAIL')):
            res.failed.append(name)
        else:
            res.passed.append(name)
        st.fail_mark = len(res.failed)
    for lvl in sorted(levels, reverse=True):
        close(lvl)
    return res
