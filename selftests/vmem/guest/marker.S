/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny multiboot guest for selftests/vmem's real-client test: QEMU boots
 * it with RAM from a vmemfs file. It writes a word into every MiB of its
 * RAM above 2 MiB (keeping clear of the top 16 MiB, where firmware puts its
 * tables), reads them all back, prints a marker on COM1 and leaves QEMU
 * through isa-debug-exit (iobase 0xf4): exit status 33 when RAM checked
 * out, 35 when it did not.
 */
	.set	MB_MAGIC, 0x1badb002
	.set	MB_FLAGS, 0x00000003		/* page-aligned, memory info */
	.set	COM1, 0x3f8
	.set	DEBUG_EXIT, 0xf4
	.set	MIB, 0x100000

	.section .multiboot, "a"
	.align	4
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl	_start
_start:
	cli
	mov	$stack_top, %esp
	mov	8(%ebx), %ecx			/* mem_upper: KiB above 1 MiB */
	shl	$10, %ecx
	add	$(MIB - 16 * MIB), %ecx		/* end of RAM minus 16 MiB */
	mov	$(2 * MIB), %edi
1:	cmp	%ecx, %edi
	jae	2f
	mov	%edi, (%edi)
	add	$MIB, %edi
	jmp	1b
2:	mov	$(2 * MIB), %edi
3:	cmp	%ecx, %edi
	jae	good
	cmp	%edi, (%edi)
	jne	bad
	add	$MIB, %edi
	jmp	3b
good:	mov	$msg_good, %esi
	mov	$0x10, %bl
	jmp	print
bad:	mov	$msg_bad, %esi
	mov	$0x11, %bl
print:	mov	$COM1, %dx
4:	lodsb
	test	%al, %al
	jz	5f
	outb	%al, %dx
	jmp	4b
5:	mov	%bl, %al
	mov	$DEBUG_EXIT, %dx
	outb	%al, %dx
6:	hlt
	jmp	6b

	.section .rodata
msg_good:
	.asciz	"VMEM-GUEST-OK: RAM from vmemfs checked\n"
msg_bad:
	.asciz	"VMEM-GUEST-BAD: RAM from vmemfs did not read back\n"

	.bss
	.align	16
	.skip	4096
stack_top:
