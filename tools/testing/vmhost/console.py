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


def scan(text):
    """Return a list of (kind, line) for every splat line in text."""
    found = []
    for raw in text.splitlines():
        line = _STAMP.sub('', raw.strip('\r'))
        for kind, pat in PATTERNS:
            if pat.search(line):
                found.append((kind, line))
                break
    return found
