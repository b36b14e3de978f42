# SPDX-License-Identifier: GPL-2.0
"""Find kernel splats in a test host's console log.

Any match fails the suite, whatever its tests reported.
"""

import re

# Kernel log lines start with "[    1.234567] " (printk time is on).
_STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')

PATTERNS = [
    ('oops', re.compile(r'^Oops: |general protection fault|'
                        r'^BUG: unable to handle|^kernel BUG at ')),
    ('BUG', re.compile(r'^BUG: ')),
    ('lockdep', re.compile(r'^WARNING: possible .*(locking|lock)|'
                           r'^WARNING: inconsistent lock state|'
                           r'^WARNING: suspicious RCU usage')),
    ('WARN', re.compile(r'^WARNING: |^------------\[ cut here \]------------')),
    ('hung task', re.compile(r'^INFO: task .* blocked for more than \d+ seconds')),
    ('lockup', re.compile(r'soft lockup - CPU#|hard LOCKUP|'
                          r'rcu: INFO: .* detected stalls?')),
    ('panic', re.compile(r'^Kernel panic - not syncing')),
    ('sanitizer', re.compile(r'^(KASAN|UBSAN|KFENCE|KCSAN): ')),
    ('kmemleak', re.compile(r'^unreferenced object 0x|'
                            r'kmemleak: \d+ new suspected memory leaks')),
]


# Lines after a splat line that identify it (lockdep names the locks and
# the function within the next few lines; WARN its location on the next).
CONTEXT_LINES = 12


def scan(text, allow=None):
    """Find splats in a console log.

    Returns (found, allowed): lists of (kind, line).  A splat line whose
    context (it and the CONTEXT_LINES after it) matches the regular
    expression `allow` is a known upstream problem that a suite has
    declared (settings: console_allow=); it is reported, not failed.
    """
    lines = [_STAMP.sub('', raw.strip('\r')) for raw in text.splitlines()]
    allow_re = re.compile(allow) if allow else None
    found, allowed = [], []
    for i, line in enumerate(lines):
        for kind, pat in PATTERNS:
            if pat.search(line):
                context = '\n'.join(lines[i:i + CONTEXT_LINES + 1])
                if allow_re and allow_re.search(context):
                    allowed.append((kind, line))
                else:
                    found.append((kind, line))
                break
    return found, allowed
