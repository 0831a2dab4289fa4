/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * meshvpn UDP wire format, shared unchanged by meshvpn.ko, the BPF programs
 * and meshvpnd. Documentation/protocol.md is the normative description; this
 * header is its machine-readable half. Everything on the wire is big-endian.
 */
#ifndef _MESHVPN_WIRE_H
#define _MESHVPN_WIRE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define MESHVPN_DEFAULT_PORT		655
#define MESHVPN_NODE_ID_LEN		6

/*
 * Node ids are 48 bits taken from SHA-256 of the node name; the daemon
 * refuses a name whose id collides with a known node, and these two values.
 */
#define MESHVPN_NODE_ID_NONE		0x000000000000ULL
#define MESHVPN_NODE_ID_RESERVED	0xffffffffffffULL

enum meshvpn_msg_type {
	/* AEAD-protected inner IP packet; an empty one is a keepalive. */
	MESHVPN_MSG_DATA = 1,
	/* Reachability and path MTU probe, also used to punch NAT holes. */
	MESHVPN_MSG_PROBE = 2,
	/* Answer to a probe, carrying the address the probe came from. */
	MESHVPN_MSG_PROBE_REPLY = 3,
	/* Session handshake sent over UDP instead of the meta graph. */
	MESHVPN_MSG_SESSION = 4,
};

/* Which of the receiver's two key slots decrypts a DATA message. */
#define MESHVPN_FLAG_KEY_PHASE		0x01
#define MESHVPN_FLAGS_KNOWN		MESHVPN_FLAG_KEY_PHASE

/* Hop limit a sender puts in a fresh message; relays decrement it. */
#define MESHVPN_DEFAULT_TTL		16

/**
 * struct meshvpn_hdr - cleartext header in front of every UDP message
 * @type: enum meshvpn_msg_type
 * @flags: MESHVPN_FLAG_*; unknown bits must be zero
 * @dst: destination node id (48 bits, big-endian)
 * @src: source node id (48 bits, big-endian)
 * @ttl: hop limit, decremented by each relay; the only field that is not
 *	authenticated, because relays hold no keys (it counts as zero in the
 *	associated data)
 * @reserved: zero
 * @counter: per-key, per-direction message counter; the AEAD nonce
 *
 * For DATA the whole header, with @ttl taken as zero, is the AEAD associated
 * data, and the ciphertext plus a 16-byte tag follows it. The fields fall on
 * their natural offsets, so the layout needs no packing; in a packet the
 * header is not necessarily 8-byte aligned, so read @counter unaligned.
 */
struct meshvpn_hdr {
	__u8	type;
	__u8	flags;
	__u8	dst[MESHVPN_NODE_ID_LEN];
	__u8	src[MESHVPN_NODE_ID_LEN];
	__u8	ttl;
	__u8	reserved;
	__be64	counter;
};

#define MESHVPN_HDR_LEN			24
#define MESHVPN_HDR_TTL_OFFSET		14
#define MESHVPN_AEAD_TAG_LEN		16
#define MESHVPN_AEAD_NONCE_LEN		12

/* Bytes a tunnel adds in front of and behind an inner packet (plus UDP/IP). */
#define MESHVPN_DATA_OVERHEAD		(MESHVPN_HDR_LEN + MESHVPN_AEAD_TAG_LEN)

/*
 * Replay protection keeps a window of this many counters behind the highest
 * one seen (RFC 6479 bitmap). Rekeying is due after REKEY_AFTER_MESSAGES or
 * REKEY_AFTER_SECONDS; a key is never used for more than REJECT_AFTER_*.
 */
#define MESHVPN_REPLAY_WINDOW		2048
#define MESHVPN_REKEY_AFTER_MESSAGES	(1ULL << 60)
#define MESHVPN_REJECT_AFTER_MESSAGES	(~0ULL - MESHVPN_REPLAY_WINDOW - 1)
#define MESHVPN_REKEY_AFTER_SECONDS	120
#define MESHVPN_REJECT_AFTER_SECONDS	180

_Static_assert(sizeof(struct meshvpn_hdr) == MESHVPN_HDR_LEN,
	       "meshvpn_hdr must be 24 bytes");
_Static_assert(__builtin_offsetof(struct meshvpn_hdr, dst) == 2,
	       "dst at byte 2");
_Static_assert(__builtin_offsetof(struct meshvpn_hdr, src) == 8,
	       "src at byte 8");
_Static_assert(__builtin_offsetof(struct meshvpn_hdr, ttl) ==
	       MESHVPN_HDR_TTL_OFFSET, "ttl at byte 14");
_Static_assert(__builtin_offsetof(struct meshvpn_hdr, counter) == 16,
	       "counter at byte 16");

static inline __u64 meshvpn_node_id_get(const __u8 id[MESHVPN_NODE_ID_LEN])
{
	__u64 v = 0;
	int i;

	for (i = 0; i < MESHVPN_NODE_ID_LEN; i++)
		v = (v << 8) | id[i];
	return v;
}

static inline void meshvpn_node_id_put(__u8 id[MESHVPN_NODE_ID_LEN], __u64 v)
{
	int i;

	for (i = MESHVPN_NODE_ID_LEN - 1; i >= 0; i--) {
		id[i] = (__u8)v;
		v >>= 8;
	}
}

#endif /* _MESHVPN_WIRE_H */
