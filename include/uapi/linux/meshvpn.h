/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/meshvpn.yaml */
/* YNL-GEN uapi header */
/* To regenerate run: scripts/ynl-gen.py */

#ifndef _UAPI_LINUX_MESHVPN_H
#define _UAPI_LINUX_MESHVPN_H

#include <linux/types.h>

#define MESHVPN_FAMILY_NAME	"meshvpn"
#define MESHVPN_FAMILY_VERSION	1

/*
 * Highest valid node id. Node ids are 48 bits (see include/meshvpn/wire.h); 0
 * (none) and 0xffffffffffff (reserved) are never valid.
 */
#define MESHVPN_NODE_ID_MAX	0xfffffffffffeULL

/*
 * Length in bytes of a session key for every supported cipher.
 */
#define MESHVPN_KEY_LEN	32

/*
 * Length of the message header (MESHVPN_HDR_LEN in include/meshvpn/wire.h), the
 * shortest message.
 */
#define MESHVPN_MSG_LEN_MIN	24

/*
 * Length of an IPv4 header, the shortest inner packet.
 */
#define MESHVPN_PACKET_LEN_MIN	20

/*
 * Highest upcall-rate a device accepts (messages per second per source).
 */
#define MESHVPN_UPCALL_RATE_MAX	100000

/*
 * Source addresses a device keeps an upcall budget for at once; a message from
 * a further unknown source is not passed up until one expires (counted in
 * upcall-sources-refused).
 */
#define MESHVPN_UPCALL_SOURCES	4096

/*
 * The endpoint of a known node may have this many times upcall-rate messages
 * per second passed up (the burst as large): a relay passes on the handshakes
 * of the nodes behind it, and a busy node probes and rekeys more than a
 * stranger may ask.
 */
#define MESHVPN_UPCALL_NODE_FACTOR	4

/*
 * All sources that are no known node's endpoint together may have this many
 * times upcall-rate messages per second passed up (the burst as large); beyond
 * it they are dropped (counted in upcall-strangers-refused), so that the socket
 * keeps room for the known nodes' messages.
 */
#define MESHVPN_UPCALL_STRANGERS_FACTOR	10

/*
 * Decryption jobs in flight per node for DATA that did not come from the node's
 * path (its endpoint or its relay's); further ones are dropped (counted in
 * off-path-node-refused).
 */
#define MESHVPN_OFF_PATH_JOBS_PER_NODE	64

/*
 * Decryption jobs in flight per device for DATA that did not come from its
 * sender's path (counted in off-path-refused).
 */
#define MESHVPN_OFF_PATH_JOBS	512

/*
 * Crypto jobs a node may have in flight per direction (counted in
 * rx-jobs-refused and tx-jobs-refused).
 */
#define MESHVPN_JOBS_PER_NODE	1024

/*
 * Crypto jobs a device's ring holds per direction (counted in ring-full-drops).
 */
#define MESHVPN_RING_SIZE	4096

/*
 * Packets a node without a key holds until one comes; the oldest is dropped for
 * a further one (counted in staged-refused).
 */
#define MESHVPN_STAGED_PER_NODE	128

/*
 * Nodes a device holds (node-new beyond it is counted in nodes-refused).
 */
#define MESHVPN_NODES_MAX	1048576

/*
 * Routes a device holds (route-new beyond it is counted in routes-refused).
 */
#define MESHVPN_ROUTES_MAX	1048576

/**
 * enum meshvpn_cipher_alg - AEAD used by a session key.
 * @MESHVPN_CIPHER_ALG_NONE: No encryption nor authentication: IP in UDP, for
 *	networks that are already trusted.
 * @MESHVPN_CIPHER_ALG_CHACHA20_POLY1305: ChaCha20-Poly1305 (RFC 8439), 32-byte
 *	key, 16-byte tag.
 * @MESHVPN_CIPHER_ALG_AES_256_GCM: AES-256 in Galois/Counter Mode, 32-byte key,
 *	16-byte tag.
 */
enum meshvpn_cipher_alg {
	MESHVPN_CIPHER_ALG_NONE,
	MESHVPN_CIPHER_ALG_CHACHA20_POLY1305,
	MESHVPN_CIPHER_ALG_AES_256_GCM,
};

/**
 * enum meshvpn_key_slot - The two key slots every node has.
 * @MESHVPN_KEY_SLOT_CURRENT: The key used to encrypt, and to decrypt its key
 *	phase.
 * @MESHVPN_KEY_SLOT_NEXT: A key installed ahead of a rekey: it decrypts its key
 *	phase at once and becomes current with key-swap.
 */
enum meshvpn_key_slot {
	MESHVPN_KEY_SLOT_CURRENT,
	MESHVPN_KEY_SLOT_NEXT,
};

/**
 * enum meshvpn_rekey_reason - Why the kernel asks for a new session key.
 * @MESHVPN_REKEY_REASON_MESSAGES: The current key has encrypted
 *	REKEY_AFTER_MESSAGES messages.
 * @MESHVPN_REKEY_REASON_TIME: The current key is older than
 *	REKEY_AFTER_SECONDS.
 */
enum meshvpn_rekey_reason {
	MESHVPN_REKEY_REASON_MESSAGES,
	MESHVPN_REKEY_REASON_TIME,
};

/*
 * Attribute set "device": The meshvpn device itself and the local node.
 *
 * @MESHVPN_A_DEVICE_LOCAL_NODE_ID: (u64, 1..MESHVPN_NODE_ID_MAX) Node id of
 *	this node: the source id of every message sent and the destination id of
 *	every message consumed locally.
 * @MESHVPN_A_DEVICE_SOCKET: (u32) File descriptor of a UDP socket created and
 *	bound by userspace. The kernel takes a reference and sends and receives
 *	all tunnel traffic on it; messages it does not consume (probes,
 *	handshakes) still reach the socket's owner. Input only.
 * @MESHVPN_A_DEVICE_PORT: (be16) Local UDP port the socket is bound to. Output
 *	only.
 * @MESHVPN_A_DEVICE_NODE_COUNT: (u32) Number of remote nodes configured on the
 *	device. Output only.
 * @MESHVPN_A_DEVICE_ROUTE_COUNT: (u32) Number of routes configured on the
 *	device. Output only.
 * @MESHVPN_A_DEVICE_PAD: (pad) Padding for 64-bit attributes, ignore.
 * @MESHVPN_A_DEVICE_UPCALL_RATE: (u32, 1..MESHVPN_UPCALL_RATE_MAX) Messages per
 *	second, with a burst of as many, that the device passes up to the
 *	socket's owner (everything but DATA for this node: probes, handshakes,
 *	junk) per source. A source that is the endpoint of a known node has a
 *	budget of its own on that node, upcall-node-factor times as large, so
 *	that a flood from other (forged) addresses cannot starve it; any other
 *	source is limited per IPv4 address or IPv6 /64 (at most upcall-sources
 *	of them at once), and all of those together to upcall-strangers-factor
 *	times the rate. Over its own budget, a message is dropped and counted in
 *	upcall-refused. Default 50.
 * @MESHVPN_A_DEVICE_UPCALL_REFUSED: (uint) Messages not passed up because their
 *	source was over upcall-rate. Output only.
 * @MESHVPN_A_DEVICE_UPCALL_SOURCES_REFUSED: (uint) Messages not passed up
 *	because the table of upcall-sources was full. Output only.
 * @MESHVPN_A_DEVICE_UPCALL_STRANGERS_REFUSED: (uint) Messages from sources that
 *	are no known node's endpoint not passed up because all of those together
 *	were over upcall-strangers-factor times upcall-rate. Output only.
 * @MESHVPN_A_DEVICE_OFF_PATH_NODE_REFUSED: (uint) DATA dropped at
 *	off-path-jobs-per-node. Output only.
 * @MESHVPN_A_DEVICE_OFF_PATH_REFUSED: (uint) DATA dropped at off-path-jobs.
 *	Output only.
 * @MESHVPN_A_DEVICE_RX_JOBS_REFUSED: (uint) DATA dropped because its node had
 *	jobs-per-node decryptions in flight. Output only.
 * @MESHVPN_A_DEVICE_TX_JOBS_REFUSED: (uint) Packets dropped because their node
 *	had jobs-per-node encryptions in flight. Output only.
 * @MESHVPN_A_DEVICE_RING_FULL_DROPS: (uint) Packets dropped because a crypto
 *	ring held ring-size jobs. Output only.
 * @MESHVPN_A_DEVICE_STAGED_REFUSED: (uint) Packets dropped from a node's queue
 *	of staged-per-node while it waited for a key. Output only.
 * @MESHVPN_A_DEVICE_NODES_REFUSED: (uint) node-new requests refused at
 *	nodes-max. Output only.
 * @MESHVPN_A_DEVICE_ROUTES_REFUSED: (uint) route-new requests refused at
 *	routes-max. Output only.
 */
enum {
	MESHVPN_A_DEVICE_LOCAL_NODE_ID = 1,
	MESHVPN_A_DEVICE_SOCKET,
	MESHVPN_A_DEVICE_PORT,
	MESHVPN_A_DEVICE_NODE_COUNT,
	MESHVPN_A_DEVICE_ROUTE_COUNT,
	MESHVPN_A_DEVICE_PAD,
	MESHVPN_A_DEVICE_UPCALL_RATE,
	MESHVPN_A_DEVICE_UPCALL_REFUSED,
	MESHVPN_A_DEVICE_UPCALL_SOURCES_REFUSED,
	MESHVPN_A_DEVICE_UPCALL_STRANGERS_REFUSED,
	MESHVPN_A_DEVICE_OFF_PATH_NODE_REFUSED,
	MESHVPN_A_DEVICE_OFF_PATH_REFUSED,
	MESHVPN_A_DEVICE_RX_JOBS_REFUSED,
	MESHVPN_A_DEVICE_TX_JOBS_REFUSED,
	MESHVPN_A_DEVICE_RING_FULL_DROPS,
	MESHVPN_A_DEVICE_STAGED_REFUSED,
	MESHVPN_A_DEVICE_NODES_REFUSED,
	MESHVPN_A_DEVICE_ROUTES_REFUSED,

	__MESHVPN_A_DEVICE_MAX,
	MESHVPN_A_DEVICE_MAX = (__MESHVPN_A_DEVICE_MAX - 1)
};

/*
 * Attribute set "node": A remote node of the mesh.
 *
 * @MESHVPN_A_NODE_ID: (u64, 1..MESHVPN_NODE_ID_MAX) Node id, unique in the
 *	device; identifies the node in every operation.
 * @MESHVPN_A_NODE_REMOTE_IPV4: (be32) IPv4 address of the node's UDP endpoint.
 * @MESHVPN_A_NODE_REMOTE_IPV6: (binary, exact-len 16) IPv6 address of the
 *	node's UDP endpoint.
 * @MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID: (u32) Scope id (interface index) of a
 *	link-local remote-ipv6 (RFC 2553).
 * @MESHVPN_A_NODE_REMOTE_PORT: (be16, >= 1) UDP port of the node's endpoint.
 * @MESHVPN_A_NODE_NEXT_HOP: (u64, 1..MESHVPN_NODE_ID_MAX) Node id packets for
 *	this node are sent to: the node's own id means direct to its endpoint,
 *	another id means relayed through that node (end-to-end encrypted, the
 *	relay cannot read them), and the device's local-node-id means through
 *	the daemon: the kernel encrypts the messages and hands them to the
 *	daemon with msg-ntf, which carries them over its meta connections (TCP
 *	fallback, TCPOnly nodes). Relayed messages for the node take the same
 *	way.
 * @MESHVPN_A_NODE_KEEPALIVE: (u32, <= 3600) Seconds of transmit silence after
 *	which an empty keepalive message is sent to the node; 0 disables
 *	keepalives.
 * @MESHVPN_A_NODE_RX_BYTES: (uint) Inner bytes received from the node and
 *	delivered. Output only.
 * @MESHVPN_A_NODE_RX_PACKETS: (uint) Inner packets received from the node and
 *	delivered. Output only.
 * @MESHVPN_A_NODE_TX_BYTES: (uint) Inner bytes encrypted and sent to the node.
 *	Output only.
 * @MESHVPN_A_NODE_TX_PACKETS: (uint) Inner packets encrypted and sent to the
 *	node. Output only.
 * @MESHVPN_A_NODE_RX_DECRYPT_ERRORS: (uint) Messages claiming to come from the
 *	node that failed authentication or had no key for their key phase.
 *	Output only.
 * @MESHVPN_A_NODE_RX_REPLAY_DROPS: (uint) Authenticated messages dropped as
 *	replayed or older than the replay window. Output only.
 * @MESHVPN_A_NODE_RX_RPF_DROPS: (uint) Decrypted packets dropped because their
 *	inner source address is not routed to the node (reverse path filter).
 *	Output only.
 * @MESHVPN_A_NODE_TX_NO_KEY_DROPS: (uint) Packets to the node dropped because
 *	it has no usable key. Output only.
 * @MESHVPN_A_NODE_RELAY_PACKETS: (uint) Messages for this node that this device
 *	relayed, still encrypted, towards it (counted on the destination).
 *	Output only.
 * @MESHVPN_A_NODE_RELAY_BYTES: (uint) Bytes of the messages counted by
 *	relay-packets. Output only.
 * @MESHVPN_A_NODE_LAST_RX: (u64) Time of the last authenticated message from
 *	the node, in seconds since boot (CLOCK_BOOTTIME); 0 if none yet. Output
 *	only.
 * @MESHVPN_A_NODE_PAD: (pad) Padding for 64-bit attributes, ignore.
 * @MESHVPN_A_NODE_DAEMON_PACKETS: (uint) Messages for this node, its own or
 *	relayed, handed to the daemon with msg-ntf because its next hop is the
 *	daemon. Output only.
 * @MESHVPN_A_NODE_DAEMON_DROPS: (uint) Messages for this node that should have
 *	gone to the daemon but could not (no daemon listening, or its socket
 *	full). Output only.
 * @MESHVPN_A_NODE_BROADCAST_VIA: (u64, 1..MESHVPN_NODE_ID_MAX) Id of the node
 *	this node's broadcasts and multicasts arrive from: the neighbour on the
 *	mesh's spanning tree towards this node (the node's own id when it is
 *	that neighbour itself, the default). A broadcast or multicast whose
 *	inner source address routes to this node is delivered only when it comes
 *	from that neighbour, so that a member cannot send one in another
 *	member's name (reverse path check along the tree,
 *	Documentation/protocol.md section 6).
 */
enum {
	MESHVPN_A_NODE_ID = 1,
	MESHVPN_A_NODE_REMOTE_IPV4,
	MESHVPN_A_NODE_REMOTE_IPV6,
	MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID,
	MESHVPN_A_NODE_REMOTE_PORT,
	MESHVPN_A_NODE_NEXT_HOP,
	MESHVPN_A_NODE_KEEPALIVE,
	MESHVPN_A_NODE_RX_BYTES,
	MESHVPN_A_NODE_RX_PACKETS,
	MESHVPN_A_NODE_TX_BYTES,
	MESHVPN_A_NODE_TX_PACKETS,
	MESHVPN_A_NODE_RX_DECRYPT_ERRORS,
	MESHVPN_A_NODE_RX_REPLAY_DROPS,
	MESHVPN_A_NODE_RX_RPF_DROPS,
	MESHVPN_A_NODE_TX_NO_KEY_DROPS,
	MESHVPN_A_NODE_RELAY_PACKETS,
	MESHVPN_A_NODE_RELAY_BYTES,
	MESHVPN_A_NODE_LAST_RX,
	MESHVPN_A_NODE_PAD,
	MESHVPN_A_NODE_DAEMON_PACKETS,
	MESHVPN_A_NODE_DAEMON_DROPS,
	MESHVPN_A_NODE_BROADCAST_VIA,

	__MESHVPN_A_NODE_MAX,
	MESHVPN_A_NODE_MAX = (__MESHVPN_A_NODE_MAX - 1)
};

/*
 * Attribute set "keyconf": A session key of a node, in one of its two slots.
 *
 * @MESHVPN_A_KEYCONF_NODE_ID: (u64, 1..MESHVPN_NODE_ID_MAX) Id of the node the
 *	key belongs to.
 * @MESHVPN_A_KEYCONF_SLOT: (u32, enum meshvpn_key_slot) Key slot the operation
 *	applies to.
 * @MESHVPN_A_KEYCONF_CIPHER_ALG: (u32, enum meshvpn_cipher_alg) AEAD the key is
 *	used with.
 * @MESHVPN_A_KEYCONF_PHASE: (u8, <= 1) Value of the key-phase bit
 *	(MESHVPN_FLAG_KEY_PHASE) in the messages this key encrypts and decrypts.
 * @MESHVPN_A_KEYCONF_ENCRYPT_DIR: (nest, MESHVPN_A_KEYDIR_*) Key material for
 *	messages sent to the node.
 * @MESHVPN_A_KEYCONF_DECRYPT_DIR: (nest, MESHVPN_A_KEYDIR_*) Key material for
 *	messages received from the node.
 * @MESHVPN_A_KEYCONF_REKEY_REASON: (u32, enum meshvpn_rekey_reason) Why a rekey
 *	is due. Notifications only.
 * @MESHVPN_A_KEYCONF_PAD: (pad) Padding for 64-bit attributes, ignore.
 */
enum {
	MESHVPN_A_KEYCONF_NODE_ID = 1,
	MESHVPN_A_KEYCONF_SLOT,
	MESHVPN_A_KEYCONF_CIPHER_ALG,
	MESHVPN_A_KEYCONF_PHASE,
	MESHVPN_A_KEYCONF_ENCRYPT_DIR,
	MESHVPN_A_KEYCONF_DECRYPT_DIR,
	MESHVPN_A_KEYCONF_REKEY_REASON,
	MESHVPN_A_KEYCONF_PAD,

	__MESHVPN_A_KEYCONF_MAX,
	MESHVPN_A_KEYCONF_MAX = (__MESHVPN_A_KEYCONF_MAX - 1)
};

/*
 * Attribute set "keydir": Key material of one direction. Input only: key
 * material is never returned by the kernel.
 *
 * @MESHVPN_A_KEYDIR_CIPHER_KEY: (binary, exact-len MESHVPN_KEY_LEN) The AEAD
 *	key; absent for cipher-alg none.
 */
enum {
	MESHVPN_A_KEYDIR_CIPHER_KEY = 1,

	__MESHVPN_A_KEYDIR_MAX,
	MESHVPN_A_KEYDIR_MAX = (__MESHVPN_A_KEYDIR_MAX - 1)
};

/*
 * Attribute set "route": A route from an inner prefix to the node owning it
 * (longest prefix match). Exactly one of ipv4 and ipv6 is present.
 *
 * @MESHVPN_A_ROUTE_NODE_ID: (u64, 1..MESHVPN_NODE_ID_MAX) Id of the node the
 *	prefix is routed to.
 * @MESHVPN_A_ROUTE_IPV4: (be32) IPv4 prefix address; bits past prefix-len are
 *	cleared.
 * @MESHVPN_A_ROUTE_IPV6: (binary, exact-len 16) IPv6 prefix address; bits past
 *	prefix-len are cleared.
 * @MESHVPN_A_ROUTE_PREFIX_LEN: (u8, <= 128) Prefix length, at most 32 for ipv4
 *	and 128 for ipv6.
 * @MESHVPN_A_ROUTE_PAD: (pad) Padding for 64-bit attributes, ignore.
 */
enum {
	MESHVPN_A_ROUTE_NODE_ID = 1,
	MESHVPN_A_ROUTE_IPV4,
	MESHVPN_A_ROUTE_IPV6,
	MESHVPN_A_ROUTE_PREFIX_LEN,
	MESHVPN_A_ROUTE_PAD,

	__MESHVPN_A_ROUTE_MAX,
	MESHVPN_A_ROUTE_MAX = (__MESHVPN_A_ROUTE_MAX - 1)
};

/*
 * Attribute set "meshvpn": Top level attributes of every message.
 *
 * @MESHVPN_A_IFINDEX: (u32) Index of the meshvpn device to operate on. Required
 *	by every operation.
 * @MESHVPN_A_DEV: (nest, MESHVPN_A_DEVICE_*) Device attributes.
 * @MESHVPN_A_NODE: (nest, MESHVPN_A_NODE_*) One remote node.
 * @MESHVPN_A_KEYCONF: (nest, MESHVPN_A_KEYCONF_*) One session key of a node.
 * @MESHVPN_A_ROUTE: (nest, MESHVPN_A_ROUTE_*) One route.
 * @MESHVPN_A_MSG: (binary, min-len MESHVPN_MSG_LEN_MIN) One whole message as it
 *	goes on the wire after the UDP header (Documentation/protocol.md,
 *	section 3): header, then ciphertext.
 * @MESHVPN_A_PACKET: (binary, min-len MESHVPN_PACKET_LEN_MIN) One inner IPv4 or
 *	IPv6 packet, in the clear: a broadcast or multicast packet on its way
 *	along the mesh's spanning tree.
 */
enum {
	MESHVPN_A_IFINDEX = 1,
	MESHVPN_A_DEV,
	MESHVPN_A_NODE,
	MESHVPN_A_KEYCONF,
	MESHVPN_A_ROUTE,
	MESHVPN_A_MSG,
	MESHVPN_A_PACKET,

	__MESHVPN_A_MAX,
	MESHVPN_A_MAX = (__MESHVPN_A_MAX - 1)
};

/*
 * Commands. All do/dump commands need CAP_NET_ADMIN and carry
 * MESHVPN_A_IFINDEX. Notifications are sent to the "events", "packets"
 * multicast groups.
 *
 * @MESHVPN_CMD_DEV_GET: Get the device: local node id, bound port, node and
 *	route counts, upcall-rate and what each of the device's limits refused.
 *	do request: ifindex
 *	do reply: ifindex, dev
 * @MESHVPN_CMD_DEV_SET: Configure the device: the local node id, the UDP socket
 *	(passed by file descriptor) and the upcall-rate. Attributes left out are
 *	unchanged.
 *	do request: ifindex, dev(local-node-id, socket, upcall-rate)
 * @MESHVPN_CMD_NODE_NEW: Add a remote node. The id is required and must not
 *	exist yet; a node without endpoint can only be reached through a next
 *	hop.
 *	do request: ifindex, node(id, remote-ipv4, remote-ipv6,
 *		remote-ipv6-scope-id, remote-port, next-hop, keepalive,
 *		broadcast-via)
 * @MESHVPN_CMD_NODE_SET: Change an existing node (endpoint, next hop,
 *	keepalive). Attributes left out are unchanged.
 *	do request: ifindex, node(id, remote-ipv4, remote-ipv6,
 *		remote-ipv6-scope-id, remote-port, next-hop, keepalive,
 *		broadcast-via)
 * @MESHVPN_CMD_NODE_GET: Get one node (do, by id) or all nodes (dump, one node
 *	per message) with endpoint, next hop and counters. A dump that raced
 *	with a change is flagged NLM_F_DUMP_INTR.
 *	do request: ifindex, node
 *	do reply: ifindex, node
 *	dump request: ifindex
 *	dump reply: ifindex, node
 * @MESHVPN_CMD_NODE_DEL: Delete a node together with its keys, its queued
 *	packets and the routes pointing at it. Refused (EBUSY) while another
 *	node uses it as its next hop: re-point those nodes first.
 *	do request: ifindex, node(id)
 * @MESHVPN_CMD_KEY_NEW: Install a session key of a node into a slot, replacing
 *	the key in it. Both directions are required (without cipher-key for
 *	cipher-alg none).
 *	do request: ifindex, keyconf(node-id, slot, cipher-alg, phase,
 *		encrypt-dir, decrypt-dir)
 * @MESHVPN_CMD_KEY_GET: Get the non-secret data of a node's key slot (cipher,
 *	phase). Key material is never returned.
 *	do request: ifindex, keyconf(node-id, slot, cipher-alg, phase)
 *	do reply: ifindex, keyconf(node-id, slot, cipher-alg, phase)
 * @MESHVPN_CMD_KEY_SWAP: Make a node's next key the current one. The old
 *	current key moves to the next slot, so messages still in flight under it
 *	decrypt; the daemon deletes or replaces it later.
 *	do request: ifindex, keyconf(node-id)
 * @MESHVPN_CMD_KEY_DEL: Destroy the key in one slot of a node.
 *	do request: ifindex, keyconf(node-id, slot)
 * @MESHVPN_CMD_ROUTE_NEW: Route an inner IPv4 or IPv6 prefix to a node,
 *	replacing an existing route for the same prefix.
 *	do request: ifindex, route(node-id, ipv4, ipv6, prefix-len)
 * @MESHVPN_CMD_ROUTE_DEL: Delete the route for a prefix. If node-id is given,
 *	the route is only deleted when it points at that node.
 *	do request: ifindex, route(node-id, ipv4, ipv6, prefix-len)
 * @MESHVPN_CMD_ROUTE_GET: Dump all routes, one per message. A dump that raced
 *	with a change is flagged NLM_F_DUMP_INTR.
 *	dump request: ifindex
 *	dump reply: ifindex, route
 * @MESHVPN_CMD_KEY_NEEDED_NTF: Traffic for a node is waiting for a session key
 *	(the node has no current key). Rate limited per node.
 *	notification: ifindex, keyconf(node-id)
 * @MESHVPN_CMD_ENDPOINT_MOVED_NTF: An authenticated message from a node arrived
 *	from an address or port other than its configured endpoint, which the
 *	kernel has adopted. Never sent for unauthenticated packets. Rate limited
 *	per node.
 *	notification: ifindex, node(id, remote-ipv4, remote-ipv6,
 *		remote-ipv6-scope-id, remote-port)
 * @MESHVPN_CMD_REKEY_DUE_NTF: A node's key is due for replacement (by message
 *	count or age); it keeps working until the hard limits. Sent once per key
 *	and reason.
 *	notification: ifindex, keyconf(node-id, slot, rekey-reason)
 * @MESHVPN_CMD_MSG_NTF: A message whose next hop is the daemon (see next-hop):
 *	encrypted by the kernel for a node, or relayed for another node, for the
 *	daemon to carry over a meta connection. Messages the daemon does not
 *	take in time are dropped and counted in the node's daemon-drops.
 *	notification: ifindex, msg
 * @MESHVPN_CMD_MSG_INJECT: A message the daemon received over a meta
 *	connection, for the kernel to take as if it had arrived on the UDP
 *	socket from a known node: DATA for this node is decrypted, checked and
 *	delivered. It never moves an endpoint, and messages for other nodes are
 *	refused (the daemon relays those itself).
 *	do request: ifindex, msg
 * @MESHVPN_CMD_PACKET_NTF: A broadcast or multicast packet (IPv4 224.0.0.0/4 or
 *	255.255.255.255, IPv6 ff00::/8) for the daemon to send along the
 *	spanning tree with packet-send: sent by this host (no route matched its
 *	destination; no node attribute), or received from the node given, after
 *	it was delivered here.
 *	notification: ifindex, node(id), packet
 * @MESHVPN_CMD_PACKET_SEND: Encrypt an inner packet for a node and send it
 *	there, like a packet routed to the node: through its next hop, or staged
 *	until it has a key. The packet must be a plausible IPv4 or IPv6 packet
 *	no longer than the link's MTU.
 *	do request: ifindex, node(id), packet
 */
enum {
	MESHVPN_CMD_DEV_GET = 1,
	MESHVPN_CMD_DEV_SET,
	MESHVPN_CMD_NODE_NEW,
	MESHVPN_CMD_NODE_SET,
	MESHVPN_CMD_NODE_GET,
	MESHVPN_CMD_NODE_DEL,
	MESHVPN_CMD_KEY_NEW,
	MESHVPN_CMD_KEY_GET,
	MESHVPN_CMD_KEY_SWAP,
	MESHVPN_CMD_KEY_DEL,
	MESHVPN_CMD_ROUTE_NEW,
	MESHVPN_CMD_ROUTE_DEL,
	MESHVPN_CMD_ROUTE_GET,
	MESHVPN_CMD_KEY_NEEDED_NTF,
	MESHVPN_CMD_ENDPOINT_MOVED_NTF,
	MESHVPN_CMD_REKEY_DUE_NTF,
	MESHVPN_CMD_MSG_NTF,
	MESHVPN_CMD_MSG_INJECT,
	MESHVPN_CMD_PACKET_NTF,
	MESHVPN_CMD_PACKET_SEND,

	__MESHVPN_CMD_MAX,
	MESHVPN_CMD_MAX = (__MESHVPN_CMD_MAX - 1)
};

#define MESHVPN_MCGRP_EVENTS	"events"
#define MESHVPN_MCGRP_PACKETS	"packets"

#endif /* _UAPI_LINUX_MESHVPN_H */
