// SPDX-License-Identifier: GPL-2.0
/*
 * The wire header is a contract with every other node: check its layout
 * byte by byte, independently of the struct definition.
 */
#include <endian.h>
#include <stddef.h>
#include <stdint.h>

#include <meshvpn/wire.h>

#include "test.h"

TEST(header_size_and_offsets)
{
	EXPECT_EQ(sizeof(struct meshvpn_hdr), 24);
	EXPECT_EQ(offsetof(struct meshvpn_hdr, type), 0);
	EXPECT_EQ(offsetof(struct meshvpn_hdr, flags), 1);
	EXPECT_EQ(offsetof(struct meshvpn_hdr, dst), 2);
	EXPECT_EQ(offsetof(struct meshvpn_hdr, src), 8);
	EXPECT_EQ(offsetof(struct meshvpn_hdr, ttl), 14);
	EXPECT_EQ(offsetof(struct meshvpn_hdr, reserved), 15);
	EXPECT_EQ(offsetof(struct meshvpn_hdr, counter), 16);
	EXPECT_EQ(MESHVPN_DATA_OVERHEAD, 40);
}

TEST(header_bytes_are_big_endian)
{
	static const uint8_t want[24] = {
		0x01, 0x01,
		0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
		0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
		0x10, 0x00,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	};
	struct meshvpn_hdr hdr = {
		.type = MESHVPN_MSG_DATA,
		.flags = MESHVPN_FLAG_KEY_PHASE,
		.ttl = MESHVPN_DEFAULT_TTL,
	};

	meshvpn_node_id_put(hdr.dst, 0x123456789abcULL);
	meshvpn_node_id_put(hdr.src, 0x0a0b0c0d0e0fULL);
	hdr.counter = htobe64(0x0102030405060708ULL);
	EXPECT(memcmp(&hdr, want, sizeof(want)) == 0);
	EXPECT(meshvpn_node_id_get(hdr.dst) == 0x123456789abcULL);
	EXPECT(meshvpn_node_id_get(hdr.src) == 0x0a0b0c0d0e0fULL);
}

TEST(node_id_round_trip_at_limits)
{
	static const uint64_t ids[] = { 1, 0xff, 0x100, 0x7fffffffffffULL,
					0xfffffffffffeULL };
	uint8_t buf[MESHVPN_NODE_ID_LEN];
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		meshvpn_node_id_put(buf, ids[i]);
		EXPECT(meshvpn_node_id_get(buf) == ids[i]);
	}
	/* Only 48 bits go on the wire. */
	meshvpn_node_id_put(buf, 0xffff000000000001ULL);
	EXPECT(meshvpn_node_id_get(buf) == 1);
}

TEST(message_types_are_stable)
{
	EXPECT_EQ(MESHVPN_MSG_DATA, 1);
	EXPECT_EQ(MESHVPN_MSG_PROBE, 2);
	EXPECT_EQ(MESHVPN_MSG_PROBE_REPLY, 3);
	EXPECT_EQ(MESHVPN_MSG_SESSION, 4);
	EXPECT_EQ(MESHVPN_DEFAULT_PORT, 655);
	EXPECT(MESHVPN_REPLAY_WINDOW >= 2048);
	EXPECT(MESHVPN_REKEY_AFTER_MESSAGES < MESHVPN_REJECT_AFTER_MESSAGES);
}

TEST_MAIN()
