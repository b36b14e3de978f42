// SPDX-License-Identifier: GPL-2.0
// The target's side of the qbd wire protocol (uapi/vmhost/qbd.h) as pure
// functions: what to answer a connection request, an OPEN, an I/O request.
// Nothing here touches RDMA or the backend.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include <vmhost/qbd.h>

#include "config.h"

namespace qbd
{

using Nonce = std::array<uint8_t, QBD_NONCE_LEN>;
using Mac = std::array<uint8_t, QBD_MAC_LEN>;

// HMAC-SHA256 of msg keyed with key.
Mac hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> msg);
// The OPEN mac: HMAC-SHA256(secret, nonce || host[64] || volume[64]).
Mac open_mac(const std::string &secret, const Nonce &nonce,
	     const char (&host)[QBD_NAME_MAX],
	     const char (&volume)[QBD_NAME_MAX]);
// Constant-time comparison.
bool mac_equal(const uint8_t *a, const uint8_t *b);

// A connection request, in host byte order.
struct CmReq {
	uint16_t version, qid, depth;
	uint32_t inline_size;
	uint64_t session;
};

// QBD_S_OK and *out filled, or the status to reject with: INVALID for
// short or foreign private data, VERSION for a version below 1.
uint16_t parse_cm_req(const void *data, size_t len, CmReq *out);
// The private data of a rejection.
qbd_cm_rej make_rej(uint16_t status);

// A field of a NUL-padded name: the name, or "" when it is empty, not
// padded with NULs after its end, or has no NUL and fills all 64 bytes
// (accepted: 64-byte names).
std::string wire_name(const char (&field)[QBD_NAME_MAX], bool *ok);

// OPEN: OK, NO_VOLUME, ACCESS or INVALID. vol may be null (no volume).
uint16_t authorize(const qbd_open &op, const Nonce &nonce,
		   const VolumeConfig *vol);

// What an open volume looks like to a request's validation.
struct IoLimits {
	uint64_t capacity;
	uint32_t block_size;
	uint32_t max_io;
	uint32_t max_discard; // 0: no DISCARD nor WRITE_ZEROES
	uint32_t inline_size;
	bool read_only;
	bool discard; // the backend can discard
};

// A request's header in host byte order.
struct IoReq {
	uint8_t opcode, flags;
	uint32_t tag;
	uint64_t offset;
	uint32_t length, rkey;
	uint64_t addr;
};

IoReq decode_req(const qbd_req &r);
// The status an I/O request gets before it reaches the backend: OK, or
// INVALID, RANGE, READ_ONLY, UNSUPPORTED. byte_len is what the SEND
// carried (the header and any inline data).
uint16_t validate_io(const IoReq &r, uint32_t byte_len, const IoLimits &l);

// The response header.
qbd_rsp make_rsp(uint32_t tag, uint16_t status, uint8_t opcode,
		 uint32_t length);

// Negotiation of an OPEN: queues and depth granted (0 wanted: INVALID).
struct Grant {
	uint16_t queues, depth;
};
uint16_t grant(const qbd_open &op, const Config &c, Grant *g);

const char *status_name(uint16_t status);
const char *opcode_name(uint8_t opcode);

} // namespace qbd
