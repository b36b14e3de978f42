# SPDX-License-Identifier: GPL-2.0
"""Boot a QEMU test host on the test kernel and run one command in it.

The test host's root file system is this machine's own root, shared
read-only over virtio-9p; /tmp, /run, /var/tmp, /root and /lib/modules are
tmpfs in the guest, which hides what is there.  tools/testing/guest/init
mounts three more 9p shares:

  vmhost-job      a per-boot directory: env, fstab, cmd, rc (read-write)
  vmhost-top      the checkout, at its own path (read-write)
  vmhost-kdir     the test kernel's cache directory, at its own path
                  (read-only); its modules are bind-mounted at
                  /lib/modules/$(uname -r)

Output: the command's stdout/stderr come back over a virtio console (hvc0);
the kernel console (ttyS0) goes to its own log, which the caller scans for
splats.  A virtio-serial port named org.vmhost.qmp connects the guest to a
broker thread here that owns the QEMU's QMP socket: the guest writes one
QMP command as a JSON line and reads the reply as one JSON line
(tools/testing/guest/vmhost-qmp), so tests can hot-plug devices, inject
AER errors or machine checks into their own host.
"""

import json
import os
import shlex
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field

QEMU = os.environ.get('VMHOST_QEMU', 'qemu-system-x86_64')
NINEP = 'trans=virtio,version=9p2000.L,msize=512000'


def detect_accel():
    """KVM where the host's KVM can run a stock kernel, TCG elsewhere.

    VMHOST_ACCEL=kvm|tcg overrides.  A PVM /dev/kvm (kvm_pvm, as on the
    build machines) cannot boot a stock kernel, so only kvm_intel/kvm_amd
    count.
    """
    forced = os.environ.get('VMHOST_ACCEL')
    if forced:
        if forced not in ('kvm', 'tcg'):
            raise ValueError(f'VMHOST_ACCEL={forced}: expected kvm or tcg')
        return forced
    if os.access('/dev/kvm', os.R_OK | os.W_OK) and (
            os.path.isdir('/sys/module/kvm_intel') or
            os.path.isdir('/sys/module/kvm_amd')):
        return 'kvm'
    return 'tcg'


@dataclass
class HostSpec:
    """What a suite asks of its test host (selftests/<suite>/settings)."""
    cpus: int = 2
    mem: str = '2G'
    memmap: list = field(default_factory=list)   # e.g. ['4G$4G']
    append: list = field(default_factory=list)   # extra kernel parameters
    devices: list = field(default_factory=list)  # 'nvme-sriov', 'rxe-net'
    timeout: int = 300
    kmemleak: bool = False                       # scan for leaks at the end
    tcg_cpu: str = 'max'                         # -cpu under TCG

    DEVICES = ('nvme-sriov', 'rxe-net')

    def validate(self):
        for d in self.devices:
            if d not in self.DEVICES:
                raise ValueError(f'unknown test-host device {d!r} '
                                 f'(known: {", ".join(self.DEVICES)})')
        if self.cpus < 1 or self.timeout < 1:
            raise ValueError('cpus and timeout must be positive')


@dataclass
class RunResult:
    rc: int            # the command's exit code, or None if it never ended
    output: str
    console: str
    timed_out: bool
    seconds: float
    qemu_rc: int
    qemu_stderr: str
    started: bool      # the guest's init got as far as the command


# Tenant namespaces of the NVMe controller: private (shared=off), attached
# to no controller at boot (detached=on), each on a sparse raw file in the
# job directory that every boot starts empty.
NVME_TENANT_NS = 64
NVME_TENANT_NS_SIZE = 16 << 20


def _device_args(devices, job):
    args = []
    if 'nvme-sriov' in devices:
        # The offload card: root port rp0 -> switch sw0 -> switch sw1 ->
        # NVMe with SR-IOV, and a third switch sw2 below sw1: 63 free
        # hot-plug ports hp0..hp62 at all three levels (hp0 on sw0, hp1 on
        # sw1 first), slot numbers 1..63; the links inside the card are
        # slots 100..102. The PF is alone on its bus: its VFs take the
        # device numbers after it. 64 VFs sharing 256 queue (VQ) and 128
        # interrupt (VI) resources, up to 8 VQ and 4 VI each (so a pool
        # can run out); the PF keeps 2 I/O queues and 1 vector of its own.
        def hp(i, bus):
            return ['-device', f'xio3130-downstream,id=hp{i},bus={bus},'
                               f'chassis=2,slot={i + 1}']
        args += [
            '-global', 'ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off',
            '-device', 'pcie-root-port,id=rp0,bus=pcie.0,chassis=1,slot=0',
            '-device', 'x3130-upstream,id=sw0up,bus=rp0',
            '-device', 'xio3130-downstream,id=sw0dn0,bus=sw0up,chassis=3,slot=100',
            *hp(0, 'sw0up'),
            '-device', 'x3130-upstream,id=sw1up,bus=sw0dn0',
            '-device', 'xio3130-downstream,id=sw1dn0,bus=sw1up,chassis=3,slot=101',
            '-device', 'xio3130-downstream,id=sw1dn1,bus=sw1up,chassis=3,slot=102',
            *hp(1, 'sw1up'),
            '-device', 'x3130-upstream,id=sw2up,bus=sw1dn1',
        ]
        for i in range(2, 63):  # 32 ports per switch at most
            args += hp(i, 'sw0up' if i < 32 else 'sw1up' if i < 61 else 'sw2up')
        args += [
            '-device', 'nvme-subsys,id=nvs0,nqn=nqn.2026-11.org.vmhost:nvs0',
            '-device', 'nvme,id=nvme0,bus=sw1dn0,serial=vmhost-nvme0,subsys=nvs0,'
                       'sriov_max_vfs=64,sriov_vq_flexible=256,sriov_vi_flexible=128,'
                       'max_ioqpairs=258,msix_qsize=129,'
                       'sriov_max_vq_per_vf=8,sriov_max_vi_per_vf=4',
        ]
        os.makedirs(job, exist_ok=True)
        for i in range(1, NVME_TENANT_NS + 1):
            img = os.path.join(job, f'nvme-ns{i}.img')
            with open(img, 'wb') as f:
                f.truncate(NVME_TENANT_NS_SIZE)
            args += ['-drive', f'file={img},if=none,id=nsd{i},format=raw,'
                               'cache=unsafe',
                     '-device', f'nvme-ns,drive=nsd{i},bus=nvme0,nsid={i},'
                                'shared=off,detached=on']
    if 'rxe-net' in devices:
        # A NIC on an isolated QEMU hub: nothing outside the VM is reachable.
        # The hub's second port has no peer and drops what it gets: a hub
        # whose only port is the NIC's accepts nothing, and the NIC's
        # transmit queue would stall for good on its first packet.
        args += ['-netdev', 'hubport,id=n0,hubid=0',
                 '-netdev', 'hubport,id=n1,hubid=0',
                 '-device', 'virtio-net-pci,netdev=n0,mac=52:54:00:76:6d:01']
    return args


class QmpBroker(threading.Thread):
    """Relay one-line QMP commands from the guest to QEMU's QMP socket."""

    def __init__(self, qmp_path, guest_path, events_log):
        super().__init__(daemon=True)
        self.qmp_path = qmp_path
        self.guest_path = guest_path
        self.events_log = events_log
        self.stopping = False

    @staticmethod
    def _connect(path, deadline):
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                return s
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _reply(self, qf, ev):
        while True:
            line = qf.readline()
            if not line:
                raise EOFError('QMP socket closed')
            msg = json.loads(line)
            if 'event' in msg:
                ev.write(line)
                ev.flush()
                continue
            return line

    def run(self):
        try:
            deadline = time.monotonic() + 30
            qmp = self._connect(self.qmp_path, deadline)
            guest = self._connect(self.guest_path, deadline)
            qf = qmp.makefile('rw', encoding='utf-8', newline='\n')
            gf = guest.makefile('rw', encoding='utf-8', newline='\n')
            with open(self.events_log, 'a', encoding='utf-8') as ev:
                qf.readline()  # greeting
                qf.write('{"execute": "qmp_capabilities"}\n')
                qf.flush()
                self._reply(qf, ev)
                for line in gf:
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        json.loads(line)
                    except ValueError as e:
                        reply = json.dumps({'error': {
                            'class': 'GenericError',
                            'desc': f'vmhost broker: not JSON: {e}'}}) + '\n'
                    else:
                        qf.write(line + '\n')
                        qf.flush()
                        reply = self._reply(qf, ev)
                    gf.write(reply)
                    gf.flush()
        except (OSError, EOFError, ValueError):
            pass  # QEMU went away; the runner reports how it ended


def prioritize_main_loop(pid, accel):
    """Let QEMU's main loop thread run before the TCG vCPU threads.

    Under TCG the main loop runs QEMU's timers and raises the guest's timer
    interrupts.  On a build machine with no more cores than the test host
    has vCPUs, busy vCPU threads would keep it waiting for whole host time
    slices, and every guest timer would fire milliseconds late: with both
    vCPUs busy, 5 % of 1 ms wake-ups in the VOS benchmark were over 1 ms
    late, 0.7 % with this.  SCHED_RESET_ON_FORK keeps the threads QEMU
    starts later (its I/O workers) out of it.  Without CAP_SYS_NICE this
    does nothing: the test host is only noisier.
    """
    if accel != 'tcg':
        return
    try:
        os.sched_setscheduler(pid, os.SCHED_FIFO | os.SCHED_RESET_ON_FORK,
                              os.sched_param(1))
    except (OSError, AttributeError):
        pass


class TestHost:
    """One QEMU test host.  Use run() once; every suite gets a fresh one."""

    def __init__(self, kdir, top, spec, workdir, accel=None):
        self.kdir = kdir
        self.top = top
        self.spec = spec
        self.workdir = workdir
        self.accel = accel or detect_accel()
        self.release = open(os.path.join(kdir, 'src/include/config/kernel.release'),
                            encoding='utf-8').read().strip()
        spec.validate()

    def qemu_args(self, interactive):
        spec, job = self.spec, self.workdir
        bz = os.path.join(self.kdir, 'src/arch/x86/boot/bzImage')
        cmdline = [
            'console=ttyS0', 'root=/dev/root', 'rootfstype=9p',
            f'rootflags={NINEP},cache=loose', 'ro',
            f'init={self.top}/tools/testing/guest/init',
            'panic=-1', 'printk.time=1', 'quiet' if interactive else 'loglevel=6',
            'sysctl.kernel.hung_task_timeout_secs=60',
        ]
        cmdline += [f'memmap={m}' for m in spec.memmap]
        cmdline += spec.append
        if self.accel == 'kvm':
            accel = ['-accel', 'kvm', '-cpu', 'host']
        else:
            accel = ['-accel', 'tcg,thread=multi', '-cpu', spec.tcg_cpu]
        args = [QEMU, '-machine', 'q35', *accel,
                '-smp', str(spec.cpus), '-m', spec.mem,
                '-nodefaults', '-no-user-config', '-display', 'none',
                '-no-reboot', '-kernel', bz, '-append', ' '.join(cmdline)]
        shares = [('/', '/dev/root', True), (job, 'vmhost-job', False),
                  (self.top, 'vmhost-top', False), (self.kdir, 'vmhost-kdir', True)]
        for i, (path, tag, ro) in enumerate(shares):
            args += ['-fsdev', f'local,id=fs{i},path={path},security_model=none'
                               + (',readonly=on' if ro else ''),
                     '-device', f'virtio-9p-pci,fsdev=fs{i},mount_tag={tag}']
        if interactive:
            args += ['-serial', 'mon:stdio']
        else:
            args += ['-serial', f'file:{job}/console.log']
        args += ['-device', 'virtio-serial-pci,id=vser0',
                 '-chardev', f'file,id=out,path={job}/output.log',
                 '-device', 'virtconsole,chardev=out',
                 '-chardev', f'socket,id=qmpg,path={job}/qmp-guest.sock,server=on,wait=off',
                 '-device', 'virtserialport,chardev=qmpg,name=org.vmhost.qmp',
                 '-qmp', f'unix:{job}/qmp.sock,server=on,wait=off']
        args += _device_args(spec.devices, job)
        return args

    def _write_job(self, command, interactive, env):
        os.makedirs(self.workdir, exist_ok=True)
        for name in ('rc', 'output.log', 'console.log', 'qmp-events.log',
                     'fstab', 'started'):
            try:
                os.unlink(os.path.join(self.workdir, name))
            except FileNotFoundError:
                pass
        open(os.path.join(self.workdir, 'output.log'), 'w').close()
        values = {
            'VMHOST_TOP': self.top,
            'VMHOST_KREL': self.release,
            'VMHOST_KDIR': self.kdir,
            'VMHOST_MODE': 'shell' if interactive else 'command',
            'VMHOST_ACCEL': self.accel,
            'VMHOST_KMEMLEAK': '1' if self.spec.kmemleak else '0',
            **(env or {}),
        }
        with open(os.path.join(self.workdir, 'env'), 'w', encoding='utf-8') as f:
            for k, v in values.items():
                f.write(f'{k}={shlex.quote(str(v))}\n')
        def esc(path):  # fstab escaping of blanks
            return path.replace('\\', '\\134').replace(' ', '\\040') \
                       .replace('\t', '\\011')
        mods = f'{self.kdir}/modules/lib/modules/{self.release}'
        with open(os.path.join(self.workdir, 'fstab'), 'w', encoding='utf-8') as f:
            f.write(f'vmhost-top {esc(self.top)} 9p {NINEP},X-mount.mkdir 0 0\n')
            # The test kernel's tree does not change while a test host
            # runs: its dentries and pages may be cached (cache=loose), which
            # is what a module build's thousands of header lookups need.
            f.write(f'vmhost-kdir {esc(self.kdir)} 9p {NINEP},ro,cache=loose,'
                    'X-mount.mkdir 0 0\n')
            f.write(f'{esc(mods)} /lib/modules/{self.release} none '
                    'bind,X-mount.mkdir 0 0\n')
        with open(os.path.join(self.workdir, 'cmd'), 'w', encoding='utf-8') as f:
            f.write('#!/bin/bash\n' + (command or 'true') + '\n')
        os.chmod(os.path.join(self.workdir, 'cmd'), 0o755)

    def run(self, command, echo=None, env=None, interactive=False):
        """Boot, run `command` (bash) in the test host, power off.

        echo: a file object that receives the command's output as it comes.
        """
        self._write_job(command, interactive, env)
        job = self.workdir
        broker = QmpBroker(f'{job}/qmp.sock', f'{job}/qmp-guest.sock',
                           f'{job}/qmp-events.log')
        start = time.monotonic()
        if interactive:
            proc = subprocess.Popen(self.qemu_args(True))
            prioritize_main_loop(proc.pid, self.accel)
            broker.start()
            proc.wait()
            return None
        err = open(f'{job}/qemu.stderr', 'w+', encoding='utf-8')
        proc = subprocess.Popen(self.qemu_args(False), stdin=subprocess.DEVNULL,
                                stdout=err, stderr=subprocess.STDOUT)
        prioritize_main_loop(proc.pid, self.accel)
        broker.start()
        timed_out = False
        out_path = f'{job}/output.log'
        with open(out_path, 'rb') as out:
            while True:
                done = proc.poll() is not None
                chunk = out.read()
                if chunk and echo:
                    echo.write(chunk.decode('utf-8', 'replace'))
                    echo.flush()
                if done:
                    break
                if time.monotonic() - start > self.spec.timeout:
                    timed_out = True
                    proc.kill()
                    proc.wait()
                    break
                time.sleep(0.1)
        err.seek(0)
        qemu_stderr = err.read()
        err.close()
        rc = None
        try:
            with open(f'{job}/rc', encoding='utf-8') as f:
                rc = int(f.read().strip())
        except (FileNotFoundError, ValueError):
            pass

        def slurp(name):
            try:
                with open(os.path.join(job, name), encoding='utf-8',
                          errors='replace') as f:
                    return f.read()
            except FileNotFoundError:
                return ''
        return RunResult(rc=rc, output=slurp('output.log'),
                         console=slurp('console.log'), timed_out=timed_out,
                         seconds=time.monotonic() - start,
                         qemu_rc=proc.returncode, qemu_stderr=qemu_stderr,
                         started=os.path.exists(f'{job}/started'))
