// SPDX-License-Identifier: GPL-2.0
/*
 * meshvpn key add|swap|del: a node's session keys in meshvpn.ko (key-new,
 * key-swap, key-del); see key.h. Key material is read only once every
 * argument is checked, and wiped from memory after the request.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "args.h"
#include "kernel_cmd.h"
#include "key.h"
#include "lib/array.h"

struct key_args {
	uint64_t node;
	bool has_slot, has_cipher, has_phase;
	uint32_t slot, cipher;
	uint8_t phase;
	const char *tx_file, *rx_file;
};

/* One KEY VALUE pair of key add or key del. */
static int take_key_arg(struct mv_kcmd *c, const char *key, const char *val,
			void *arg)
{
	struct key_args *a = arg;
	char err[MV_ARG_ERRLEN];
	uint64_t v;

	if (!strcmp(key, "slot") && !a->has_slot) {
		if (mv_parse_slot(val, &a->slot, err, sizeof(err)))
			return mv_kcmd_usage_error(c, "%s", err);
		a->has_slot = true;
	} else if (!strcmp(key, "cipher") && !a->has_cipher) {
		if (mv_parse_cipher(val, &a->cipher, err, sizeof(err)))
			return mv_kcmd_usage_error(c, "%s", err);
		a->has_cipher = true;
	} else if (!strcmp(key, "phase") && !a->has_phase) {
		if (mv_parse_uint(val, 1, &v, err, sizeof(err)))
			return mv_kcmd_usage_error(c, "phase: %s", err);
		a->phase = (uint8_t)v;
		a->has_phase = true;
	} else if (!strcmp(key, "tx-key") && !a->tx_file) {
		a->tx_file = val;
	} else if (!strcmp(key, "rx-key") && !a->rx_file) {
		a->rx_file = val;
	} else {
		return mv_kcmd_usage_error(c, "unexpected or repeated \"%s\"", key);
	}
	return 0;
}

static int key_add(struct mv_kcmd *c, uint8_t op, int argc, char **argv)
{
	uint8_t tx[MESHVPN_KEY_LEN], rx[MESHVPN_KEY_LEN];
	struct key_args a = { 0 };
	char err[MV_ARG_ERRLEN];
	struct nlmsghdr *nlh;
	bool keyed;
	int ret;

	if (argc < 2)
		return mv_kcmd_usage_error(c, "missing %s", argc ? "NODE-ID" : "DEV and NODE-ID");
	if (mv_kcmd_parse_id(c, argv[1], &a.node))
		return 2;
	ret = mv_kcmd_pairs(c, argc - 2, argv + 2, take_key_arg, &a);
	if (ret)
		return ret;
	if (!a.has_slot || !a.has_cipher || !a.has_phase)
		return mv_kcmd_usage_error(c, "slot, cipher and phase are required");
	keyed = a.cipher != MESHVPN_CIPHER_ALG_NONE;
	if (keyed && (!a.tx_file || !a.rx_file))
		return mv_kcmd_usage_error(c, "cipher %s needs tx-key and rx-key",
					   mv_cipher_alg_name(a.cipher));
	if (!keyed && (a.tx_file || a.rx_file))
		return mv_kcmd_usage_error(c, "cipher none takes no keys");
	if (keyed && !strcmp(a.tx_file, "-") && !strcmp(a.rx_file, "-"))
		return mv_kcmd_usage_error(c, "only one of tx-key and rx-key can be read from stdin");
	if (mv_kcmd_resolve_dev(c, argv[0]))
		return 1;

	/* Only now, with every argument checked, are keys read at all. */
	ret = 0;
	if (keyed && (mv_read_key_file(a.tx_file, tx, err, sizeof(err)) ||
		      mv_read_key_file(a.rx_file, rx, err, sizeof(err)))) {
		fprintf(stderr, "meshvpn: %s: %s\n", c->what, err);
		ret = 1;
	}
	if (!ret && mv_kcmd_open(c))
		ret = 1;
	if (!ret) {
		nlh = mv_kcmd_request(c, op, 0);
		mv_meshvpn_put_key(nlh, a.node, a.slot, a.cipher, a.phase, tx, rx);
		/* The request buffer holds the keys too: closing wipes it. */
		ret = mv_kcmd_send(c, nlh);
	}
	OPENSSL_cleanse(tx, sizeof(tx));
	OPENSSL_cleanse(rx, sizeof(rx));
	return ret;
}

static int key_swap_del(struct mv_kcmd *c, uint8_t op, int argc, char **argv)
{
	struct key_args a = { 0 };
	struct nlmsghdr *nlh;
	int ret;

	if (argc < 2)
		return mv_kcmd_usage_error(c, "missing %s", argc ? "NODE-ID" : "DEV and NODE-ID");
	if (mv_kcmd_parse_id(c, argv[1], &a.node))
		return 2;
	if (op == MESHVPN_CMD_KEY_SWAP && argc > 2)
		return mv_kcmd_usage_error(c, "unexpected \"%s\"", argv[2]);
	if (op == MESHVPN_CMD_KEY_DEL) {
		ret = mv_kcmd_pairs(c, argc - 2, argv + 2, take_key_arg, &a);
		if (ret)
			return ret;
		if (!a.has_slot || a.has_cipher || a.has_phase || a.tx_file || a.rx_file)
			return mv_kcmd_usage_error(c, "want exactly: slot current|next");
	}
	if (mv_kcmd_resolve_dev(c, argv[0]) || mv_kcmd_open(c))
		return 1;
	nlh = mv_kcmd_request(c, op, 0);
	mv_meshvpn_put_key_slot(nlh, a.node,
				op == MESHVPN_CMD_KEY_DEL ? (int)a.slot : -1);
	return mv_kcmd_send(c, nlh);
}

int mv_cmd_key(const struct mv_opts *opts, int argc, char **argv)
{
	static const struct mv_kcmd_sub subs[] = {
		{ "add", NULL, "key add", key_add, MESHVPN_CMD_KEY_NEW },
		{ "swap", NULL, "key swap", key_swap_del, MESHVPN_CMD_KEY_SWAP },
		{ "del", "delete", "key del", key_swap_del, MESHVPN_CMD_KEY_DEL },
	};
	struct mv_kcmd c = { .name = "key", .what = "key", .json = opts->json };

	return mv_kcmd_dispatch(&c, subs, ARRAY_SIZE(subs), argc, argv);
}
