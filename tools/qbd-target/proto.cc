// SPDX-License-Identifier: GPL-2.0
#include "proto.h"

#include <endian.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace qbd
{

Mac hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> msg)
{
	Mac out{};
	unsigned int len = out.size();
	static const uint8_t empty = 0;

	if (!HMAC(EVP_sha256(), key.empty() ? &empty : key.data(), key.size(),
		  msg.data(), msg.size(), out.data(), &len) ||
	    len != out.size())
		throw std::runtime_error("HMAC-SHA256 failed (OpenSSL)");
	return out;
}

Mac open_mac(const std::string &secret, const Nonce &nonce,
	     const char (&host)[QBD_NAME_MAX],
	     const char (&volume)[QBD_NAME_MAX])
{
	std::array<uint8_t, QBD_NONCE_LEN + 2 * QBD_NAME_MAX> msg;

	std::memcpy(msg.data(), nonce.data(), QBD_NONCE_LEN);
	std::memcpy(msg.data() + QBD_NONCE_LEN, host, QBD_NAME_MAX);
	std::memcpy(msg.data() + QBD_NONCE_LEN + QBD_NAME_MAX, volume,
		    QBD_NAME_MAX);
	return hmac_sha256({ reinterpret_cast<const uint8_t *>(secret.data()),
			     secret.size() },
			   msg);
}

bool mac_equal(const uint8_t *a, const uint8_t *b)
{
	return CRYPTO_memcmp(a, b, QBD_MAC_LEN) == 0;
}

uint16_t parse_cm_req(const void *data, size_t len, CmReq *out)
{
	qbd_cm_req r;

	if (!data || len < sizeof(r))
		return QBD_S_INVALID;
	std::memcpy(&r, data, sizeof(r));
	if (le32toh(r.magic) != QBD_MAGIC)
		return QBD_S_INVALID;
	out->version = le16toh(r.version);
	out->qid = le16toh(r.qid);
	out->depth = le16toh(r.depth);
	out->inline_size = le32toh(r.inline_size);
	out->session = le64toh(r.session);
	if (out->version < 1)
		return QBD_S_VERSION;
	if (out->depth == 0)
		return QBD_S_INVALID;
	if (out->qid != 0 && out->session == 0)
		return QBD_S_NO_SESSION;
	return QBD_S_OK;
}

qbd_cm_rej make_rej(uint16_t status)
{
	qbd_cm_rej rej{};

	rej.magic = htole32(QBD_MAGIC);
	rej.version = htole16(QBD_VERSION);
	rej.status = htole16(status);
	return rej;
}

std::string wire_name(const char (&field)[QBD_NAME_MAX], bool *ok)
{
	size_t n = strnlen(field, QBD_NAME_MAX);

	*ok = n > 0 && std::all_of(field + n, field + QBD_NAME_MAX,
				   [](char c) { return c == 0; });
	return *ok ? std::string(field, n) : std::string();
}

uint16_t authorize(const qbd_open &op, const Nonce &nonce,
		   const VolumeConfig *vol)
{
	bool host_ok, vol_ok;
	std::string host = wire_name(op.host, &host_ok);

	wire_name(op.volume, &vol_ok);
	if (!host_ok || !vol_ok)
		return QBD_S_INVALID;
	if (!vol)
		return QBD_S_NO_VOLUME;
	const Allow *entry = nullptr;
	for (auto &a : vol->allow)
		if (a.host == host)
			entry = &a;
	if (!entry)
		return QBD_S_ACCESS;
	// An entry without a secret admits the host on its name alone:
	// identity-only access, for fabrics where every host is trusted.
	if (entry->secret.empty())
		return QBD_S_OK;
	Mac want = open_mac(entry->secret, nonce, op.host, op.volume);
	return mac_equal(want.data(), op.mac) ? QBD_S_OK : QBD_S_ACCESS;
}

IoReq decode_req(const qbd_req &r)
{
	return { r.opcode,	    r.flags,	       le32toh(r.tag),
		 le64toh(r.offset), le32toh(r.length), le32toh(r.rkey),
		 le64toh(r.addr) };
}

uint16_t validate_io(const IoReq &r, uint32_t byte_len, const IoLimits &l)
{
	const uint32_t hdr = sizeof(qbd_req);
	bool data_op = r.opcode != QBD_OP_FLUSH;

	switch (r.opcode) {
	case QBD_OP_READ:
	case QBD_OP_WRITE:
	case QBD_OP_FLUSH:
	case QBD_OP_DISCARD:
	case QBD_OP_WRITE_ZEROES:
		break;
	default: // unknown, or an admin opcode on an I/O queue
		return QBD_S_INVALID;
	}
	if (r.flags & ~QBD_REQ_FUA)
		return QBD_S_INVALID;
	if (r.opcode == QBD_OP_WRITE && r.rkey == 0) {
		// Inline data: exactly the length announced, and no more
		// than this connection's inline size.
		if (r.length > l.inline_size || byte_len < hdr ||
		    byte_len - hdr != r.length)
			return QBD_S_INVALID;
	} else if (byte_len != hdr) {
		return QBD_S_INVALID;
	}
	if (r.opcode == QBD_OP_READ && r.rkey == 0)
		return QBD_S_INVALID;
	if (r.opcode != QBD_OP_READ && r.opcode != QBD_OP_WRITE && r.rkey)
		return QBD_S_INVALID; // nothing to transfer
	uint32_t align = std::max<uint32_t>(QBD_SECTOR_SIZE, l.block_size);
	if (r.offset % align || r.length % align)
		return QBD_S_INVALID;
	if (data_op ? r.length == 0 : r.length != 0)
		return QBD_S_INVALID;
	if ((r.opcode == QBD_OP_READ || r.opcode == QBD_OP_WRITE) &&
	    r.length > l.max_io)
		return QBD_S_INVALID;
	if (r.opcode == QBD_OP_DISCARD || r.opcode == QBD_OP_WRITE_ZEROES) {
		if (l.max_discard == 0)
			return QBD_S_UNSUPPORTED;
		if (r.length > l.max_discard)
			return QBD_S_INVALID;
		if (r.opcode == QBD_OP_DISCARD && !l.discard)
			return QBD_S_UNSUPPORTED;
	}
	if (l.read_only && r.opcode != QBD_OP_READ && r.opcode != QBD_OP_FLUSH)
		return QBD_S_READ_ONLY;
	if (r.offset > l.capacity || r.length > l.capacity - r.offset)
		return QBD_S_RANGE;
	return QBD_S_OK;
}

qbd_rsp make_rsp(uint32_t tag, uint16_t status, uint8_t opcode, uint32_t length)
{
	qbd_rsp rsp{};

	rsp.tag = htole32(tag);
	rsp.status = htole16(status);
	rsp.opcode = opcode;
	rsp.length = htole32(length);
	return rsp;
}

uint16_t grant(const qbd_open &op, const Config &c, Grant *g)
{
	uint16_t q = le16toh(op.queues), d = le16toh(op.depth);

	if (q == 0 || d == 0)
		return QBD_S_INVALID;
	g->queues = std::min<uint32_t>({ q, c.queues, QBD_MAX_QUEUES });
	g->depth = std::min<uint32_t>({ d, c.depth, QBD_MAX_DEPTH });
	return QBD_S_OK;
}

const char *status_name(uint16_t status)
{
	static const char *const names[] = {
		"ok",	      "invalid",   "version",	  "no-volume",
		"access",     "read-only", "range",	  "io",
		"no-session", "busy",	   "unsupported",
	};
	return status <= QBD_S_MAX ? names[status] : "?";
}

const char *opcode_name(uint8_t opcode)
{
	switch (opcode) {
	case QBD_OP_READ:
		return "read";
	case QBD_OP_WRITE:
		return "write";
	case QBD_OP_FLUSH:
		return "flush";
	case QBD_OP_DISCARD:
		return "discard";
	case QBD_OP_WRITE_ZEROES:
		return "write-zeroes";
	case QBD_OP_OPEN:
		return "open";
	case QBD_OP_CLOSE:
		return "close";
	case QBD_OP_KEEPALIVE:
		return "keepalive";
	default:
		return "?";
	}
}

} // namespace qbd
