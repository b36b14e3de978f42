# SPDX-License-Identifier: GPL-2.0
"""Run selftests/<suite>/ directories and sum up their results.

A suite is a directory with
  run       executable; prints TAP 13 or KTAP; runs in a fresh test host
  config    kernel options it needs (merged into the test kernel)
  settings  kselftest-style key=value lines:
              timeout=SECONDS     whole suite, boot included (default 300)
              soak_timeout=SECONDS  the same under make soak
              vm_cpus=N  vm_mem=SIZE  vm_memmap=SIZE$START ...
              vm_append=KERNEL PARAMETERS   vm_devices=nvme-sriov rxe-net
              kmemleak=1          scan for leaks after the run
              vm_tcg_cpu=MODEL    -cpu under TCG (default max), e.g.
                                  max,vendor=GenuineIntel for Intel's
                                  machine-check severities
              where=host          run on this machine instead (a suite that
                                  drives test hosts itself)
              console_allow=REGEX a known upstream splat this suite triggers:
                                  matched against each splat line and the
                                  lines after it; say why in a comment
  Makefile  optional; `make -C selftests/<suite> KDIR=<test kernel>` runs on
            this machine before the test host boots.
"""

import os
import re
import selectors
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field

from . import console, tap
from .testhost import HostSpec, TestHost


@dataclass
class SuiteResult:
    name: str
    passed: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seconds: float = 0.0
    logdir: str = ''
    tail: list = field(default_factory=list)  # last output lines, on a timeout

    def ok(self):
        return not self.failed


def read_settings(path):
    settings = {}
    if not os.path.exists(path):
        return settings
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            if '=' not in line:
                raise ValueError(f'{path}:{n}: expected key=value')
            k, v = line.split('=', 1)
            settings[k.strip()] = v.strip()
    return settings


def host_spec(settings, path):
    known = {'timeout', 'soak_timeout', 'vm_cpus', 'vm_mem', 'vm_memmap', 'vm_append',
             'vm_tcg_cpu',
             'vm_devices', 'kmemleak', 'where', 'console_allow'}
    unknown = set(settings) - known
    if unknown:
        raise ValueError(f'{path}: unknown settings {", ".join(sorted(unknown))}')
    spec = HostSpec()
    spec.timeout = int(settings.get('timeout', spec.timeout))
    spec.cpus = int(settings.get('vm_cpus', spec.cpus))
    spec.mem = settings.get('vm_mem', spec.mem)
    spec.memmap = settings.get('vm_memmap', '').split()
    spec.append = shlex.split(settings.get('vm_append', ''))
    spec.devices = settings.get('vm_devices', '').split()
    spec.kmemleak = settings.get('kmemleak', '0') == '1'
    spec.tcg_cpu = settings.get('vm_tcg_cpu', spec.tcg_cpu)
    spec.validate()
    return spec


def discover(suites_dir, wanted):
    have = sorted(d for d in os.listdir(suites_dir)
                  if os.access(os.path.join(suites_dir, d, 'run'), os.X_OK))
    if not wanted:
        return have
    missing = [w for w in wanted if w not in have]
    if missing:
        raise ValueError(f'no such suite: {", ".join(missing)} '
                         f'(have: {", ".join(have)})')
    return wanted


class Runner:
    def __init__(self, top, kdir, suites_dir, outdir, modules, verbose=False,
                 soak=False):
        self.top = top
        self.soak = soak
        self.modules = modules
        self.kdir = kdir
        self.suites_dir = suites_dir
        self.outdir = outdir
        self.verbose = verbose

    def env(self):
        return {
            'VMHOST_TOP': self.top,
            'VMHOST_KDIR': self.kdir,
            'KDIR': os.path.join(self.kdir, 'src'),
            'VMHOST_MODULES': self.modules,
            # make soak: suites run their long loops and soaks in full
            # (selftests/<suite>/run reads it; see Documentation/testing.rst)
            'VMHOST_SOAK': '1' if self.soak else '0',
        }

    def run_suite(self, name):
        sdir = os.path.join(self.suites_dir, name)
        res = SuiteResult(name=name, logdir=os.path.join(self.outdir, name))
        os.makedirs(res.logdir, exist_ok=True)
        start = time.monotonic()
        try:
            settings = read_settings(os.path.join(sdir, 'settings'))
            spec = host_spec(settings, os.path.join(sdir, 'settings'))
            if self.soak and 'soak_timeout' in settings:
                spec.timeout = int(settings['soak_timeout'])
        except ValueError as e:
            res.failed.append(f'{name}: bad settings: {e}')
            return res
        if os.path.exists(os.path.join(sdir, 'Makefile')):
            with open(os.path.join(res.logdir, 'build.log'), 'w') as log:
                b = subprocess.run(['make', '-C', sdir, f'KDIR={self.kdir}/src'],
                                   stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, **self.env()})
            if b.returncode:
                res.failed.append(f'{name}: build failed (build.log)')
                return res
        echo = sys.stdout if self.verbose else None
        if settings.get('where') == 'host':
            output, rc, timed_out, console_log = self._run_on_host(sdir, spec, res, echo)
        else:
            output, rc, timed_out, console_log = self._run_in_vm(sdir, spec, res, echo)
        try:
            splats, allowed = console.scan(console_log, settings.get('console_allow'))
        except re.error as e:
            res.failed.append(f'{name}: bad console_allow: {e}')
            splats, allowed = console.scan(console_log)
        res.seconds = time.monotonic() - start

        results = tap.parse(output)
        res.passed += results.passed
        res.skipped += results.skipped
        res.failed += results.failed
        for p in results.problems:
            res.failed.append(f'{name}: TAP: {p}')
        if timed_out:
            res.failed.append(f'{name}: timed out after {spec.timeout} s '
                              '(test host killed)')
            # Where it was: a CI log may be all there is to read.
            res.tail = output.splitlines()[-15:]
        elif rc is None:
            res.failed.append(f'{name}: the test host ended before the suite '
                              'finished (panic or power-off?)')
        elif rc == 4 and not results.total():
            res.skipped.append(f'{name}: skipped as a whole (exit 4)')
        elif rc != 0 and not results.failed:
            res.failed.append(f'{name}: exit code {rc}')
        elif rc == 0 and not results.total():
            res.failed.append(f'{name}: printed no test results')
        for kind, line in splats:
            res.failed.append(f'{name}: kernel console: {kind}: {line}')
        for kind, line in allowed:
            res.notes.append(f'known upstream splat (console_allow): {kind}: {line}')
        return res

    def _run_in_vm(self, sdir, spec, res, echo):
        host = TestHost(self.kdir, self.top, spec, res.logdir)
        cmd = f'cd {shlex.quote(sdir)} && ./run'
        r = host.run(cmd, echo=echo, env=self.env())
        if not r.started and r.rc is None:
            # The test host died or hung before its init reached the suite
            # (seen under TCG: a lost timer wake-up during boot). That says
            # nothing about the suite: boot it once more, and say so.
            res.notes.append(f'test host never reached the suite (boot '
                             f'{"hung" if r.timed_out else "ended"}); '
                             f'booted again. First console: '
                             f'{self._keep(res.logdir, "console.log")}')
            r = host.run(cmd, echo=echo, env=self.env())
        if r.qemu_rc not in (0, None) and not r.timed_out:
            res.failed.append(f'{res.name}: QEMU exited with {r.qemu_rc}: '
                              f'{r.qemu_stderr.strip()[-300:]}')
        return r.output, r.rc, r.timed_out, r.console

    @staticmethod
    def _keep(logdir, name):
        kept = os.path.join(logdir, 'first-boot-' + name)
        try:
            os.replace(os.path.join(logdir, name), kept)
        except FileNotFoundError:
            return '(none)'
        return kept

    def _run_on_host(self, sdir, spec, res, echo):
        log = os.path.join(res.logdir, 'output.log')
        env = {**os.environ, **self.env(), 'VMHOST_LOGDIR': res.logdir}
        with open(log, 'w+', encoding='utf-8') as out:
            p = subprocess.Popen(['./run'], cwd=sdir, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, env=env,
                                 start_new_session=True, text=True)
            timed_out = False
            deadline = time.monotonic() + spec.timeout
            sel = selectors.DefaultSelector()
            sel.register(p.stdout, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    timed_out = True
                    os.killpg(p.pid, 9)
                    break
                if sel.select(timeout=min(left, 1.0)):
                    line = p.stdout.readline()
                    if not line:
                        break
                    out.write(line)
                    if echo:
                        echo.write(line)
                        echo.flush()
            p.wait()
            out.seek(0)
            output = out.read()
        return output, (None if timed_out else p.returncode), timed_out, ''

    def run(self, names):
        results = []
        for name in names:
            print(f'== {name}: starting', flush=True)
            r = self.run_suite(name)
            results.append(r)
            state = 'ok' if r.ok() else 'FAILED'
            print(f'== {name}: {state}: {len(r.passed)} passed, '
                  f'{len(r.failed)} failed, {len(r.skipped)} skipped '
                  f'in {r.seconds:.0f} s', flush=True)
            for f in r.failed:
                print(f'   not ok: {f}', flush=True)
            for n in r.notes:
                print(f'   note: {n}', flush=True)
            if not r.ok():
                print(f'   logs: {r.logdir}', flush=True)
            if r.tail:
                print('   the last lines before the timeout:', flush=True)
                for line in r.tail:
                    print(f'   | {line}', flush=True)
        return results


def summary(results):
    p = sum(len(r.passed) for r in results)
    f = sum(len(r.failed) for r in results)
    s = sum(len(r.skipped) for r in results)
    lines = ['', 'Summary:']
    for r in results:
        lines.append(f'  {"ok    " if r.ok() else "FAILED"} {r.name:<16} '
                     f'{len(r.passed)} passed, {len(r.failed)} failed, '
                     f'{len(r.skipped)} skipped ({r.seconds:.0f} s)')
    failing = [r for r in results if not r.ok()]
    if failing:
        lines.append('Logs of failing suites:')
        lines += [f'  {r.logdir}' for r in failing]
    lines.append(f'{p} passed, {f} failed' + (f', {s} skipped' if s else ''))
    return '\n'.join(lines), f
