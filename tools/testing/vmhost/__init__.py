# SPDX-License-Identifier: GPL-2.0
"""vmhost test-host machinery: QEMU test hosts, suite runner, result parsing."""
