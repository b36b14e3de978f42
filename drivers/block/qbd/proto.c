// SPDX-License-Identifier: GPL-2.0
/*
 * qbd: the pure protocol logic. Nothing here touches a device; every
 * function checks what a target sent before the driver acts on it, and
 * qbd_kunit.c tests them.
 */
#include <crypto/hash.h>
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/string.h>
#include "qbd.h"

/* The errno a connect fails with when the target answers @status. */
int qbd_status_to_errno(u16 status)
{
	switch (status) {
	case QBD_S_OK:
		return 0;
	case QBD_S_VERSION:
		return -EPROTONOSUPPORT;
	case QBD_S_NO_VOLUME:
		return -ENOENT;
	case QBD_S_ACCESS:
		return -EACCES;
	case QBD_S_READ_ONLY:
		return -EROFS;
	case QBD_S_NO_SESSION:
		return -ENOTCONN;
	case QBD_S_BUSY:
		return -EBUSY;
	case QBD_S_UNSUPPORTED:
		return -EOPNOTSUPP;
	case QBD_S_RANGE:
		return -ERANGE;
	case QBD_S_INVALID:
		return -EINVAL;
	default:
		return -EIO;
	}
}
EXPORT_SYMBOL_IF_KUNIT(qbd_status_to_errno);

/* How a request answered with @status completes. */
blk_status_t qbd_status_to_blk(u16 status)
{
	switch (status) {
	case QBD_S_OK:
		return BLK_STS_OK;
	case QBD_S_RANGE:
		return BLK_STS_TARGET;
	case QBD_S_UNSUPPORTED:
		return BLK_STS_NOTSUPP;
	default:
		return BLK_STS_IOERR;
	}
}
EXPORT_SYMBOL_IF_KUNIT(qbd_status_to_blk);

/*
 * Checks the private data of the target's REP against what we asked for
 * in @req, and copies it to @rep. Returns 0, or -EPROTO with @why set.
 */
int qbd_check_rep(const struct qbd_cm_req *req, const void *data, u8 len,
		  struct qbd_cm_rep *rep, const char **why)
{
	u16 version;

	if (!data || len < sizeof(*rep)) {
		*why = "short connection reply";
		return -EPROTO;
	}
	memcpy(rep, data, sizeof(*rep));
	if (le32_to_cpu(rep->magic) != QBD_MAGIC) {
		*why = "connection reply is not qbd's";
		return -EPROTO;
	}
	version = le16_to_cpu(rep->version);
	if (version < 1 || version > le16_to_cpu(req->version)) {
		*why = "target answered with a protocol version we did not offer";
		return -EPROTONOSUPPORT;
	}
	if (rep->qid != req->qid) {
		*why = "connection reply names another queue";
		return -EPROTO;
	}
	if (!le16_to_cpu(rep->depth) ||
	    le16_to_cpu(rep->depth) > le16_to_cpu(req->depth)) {
		*why = "target granted a queue depth we did not ask for";
		return -EPROTO;
	}
	if (le32_to_cpu(rep->inline_size) > le32_to_cpu(req->inline_size)) {
		*why = "target granted more inline data than we asked for";
		return -EPROTO;
	}
	if (req->qid && (le32_to_cpu(rep->max_io) < SZ_4K ||
			 !IS_ALIGNED(le32_to_cpu(rep->max_io), SZ_4K))) {
		*why = "target's largest request is not a multiple of 4 KiB";
		return -EPROTO;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(qbd_check_rep);

/* Checks a qbd_info the target sent with OPEN or KEEPALIVE. */
int qbd_check_info(const struct qbd_info *info, const char **why)
{
	u32 bs = le32_to_cpu(info->block_size);
	u32 max_io = le32_to_cpu(info->max_io);

	if (!info->session) {
		*why = "target opened no session";
		return -EPROTO;
	}
	if (bs != 512 && bs != 4096) {
		*why = "target's block size is neither 512 nor 4096";
		return -EPROTO;
	}
	if (!IS_ALIGNED(le64_to_cpu(info->capacity), bs)) {
		*why = "target's capacity is not a whole number of blocks";
		return -EPROTO;
	}
	if (max_io < SZ_4K || !IS_ALIGNED(max_io, SZ_4K)) {
		*why = "target's largest request is not a multiple of 4 KiB";
		return -EPROTO;
	}
	if (!IS_ALIGNED(le32_to_cpu(info->max_discard), bs)) {
		*why = "target's largest discard is not a whole number of blocks";
		return -EPROTO;
	}
	if (!le16_to_cpu(info->queues) ||
	    le16_to_cpu(info->queues) > QBD_MAX_QUEUES ||
	    !le16_to_cpu(info->depth) ||
	    le16_to_cpu(info->depth) > QBD_MAX_DEPTH) {
		*why = "target granted no queues, or more than the protocol allows";
		return -EPROTO;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(qbd_check_info);

/* The errno of a rejection, from the target's reject private data. */
int qbd_rej_errno(const void *data, u8 len, const char **why)
{
	const struct qbd_cm_rej *rej = data;

	if (!data || len < sizeof(*rej) ||
	    le32_to_cpu(rej->magic) != QBD_MAGIC) {
		*why = "connection refused (no qbd target at that address?)";
		return -ECONNREFUSED;
	}
	switch (le16_to_cpu(rej->status)) {
	case QBD_S_VERSION:
		*why = "target does not speak our protocol version";
		break;
	case QBD_S_NO_SESSION:
		*why = "target knows no such session";
		break;
	case QBD_S_BUSY:
		*why = "target is out of queues";
		break;
	case QBD_S_INVALID:
		*why = "target refused our connection request as malformed";
		break;
	default:
		*why = "target refused the connection";
		return -ECONNREFUSED;
	}
	return qbd_status_to_errno(le16_to_cpu(rej->status));
}
EXPORT_SYMBOL_IF_KUNIT(qbd_rej_errno);

/* The latency bucket of a completion that took @ns nanoseconds. */
int qbd_lat_bucket(u64 ns)
{
	u64 us = div_u64(ns, NSEC_PER_USEC);

	if (!us)
		return 0;
	return min_t(int, ilog2(us), QBD_LAT_BUCKETS - 1);
}
EXPORT_SYMBOL_IF_KUNIT(qbd_lat_bucket);

/* The wire tag: a generation above the blk-mq tag. */
u32 qbd_tag(u16 gen, u16 tag)
{
	return (u32)gen << 16 | tag;
}
EXPORT_SYMBOL_IF_KUNIT(qbd_tag);

/*
 * Checks a response that matched an in-flight request of opcode @op
 * moving @expected_len bytes (0 but for READ and WRITE). false (with
 * @why) is a protocol error.
 */
bool qbd_check_rsp(const struct qbd_rsp *rsp, u8 op, u32 expected_len,
		   const char **why)
{
	u16 status = le16_to_cpu(rsp->status);

	if (rsp->opcode != op) {
		*why = "response for another opcode";
		return false;
	}
	if (status > QBD_S_MAX) {
		*why = "response with an unknown status";
		return false;
	}
	if (status == QBD_S_OK && le32_to_cpu(rsp->length) != expected_len) {
		*why = "response length differs from the request's";
		return false;
	}
	if (status != QBD_S_OK && rsp->length) {
		*why = "failed response claims a transfer";
		return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(qbd_check_rsp);

/*
 * The MAC of an OPEN: HMAC-SHA256 keyed with the secret over the nonce,
 * then host[] and volume[] as sent. All zero without a secret.
 */
int qbd_open_mac(const struct qbd_params *p, const u8 *nonce,
		 const struct qbd_open *open, u8 *mac)
{
	struct crypto_shash *tfm;
	int ret;

	memset(mac, 0, QBD_MAC_LEN);
	if (!p->secret_len)
		return 0;
	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_shash_setkey(tfm, p->secret, p->secret_len);
	if (!ret) {
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		ret = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, nonce, QBD_NONCE_LEN) ?:
		      crypto_shash_update(desc, open->host, QBD_NAME_MAX) ?:
		      crypto_shash_update(desc, open->volume, QBD_NAME_MAX) ?:
		      crypto_shash_final(desc, mac);
		shash_desc_zero(desc);
	}
	crypto_free_shash(tfm);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(qbd_open_mac);
