#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# meshvpnd driving meshvpn.ko: the netns tests of the daemon run again
# with DataPlane = kernel, so that every data packet is encrypted,
# decrypted and relayed in the kernel (the daemons see probes and
# handshakes, and the packets the kernel hands them for the TCP fallback,
# TCPOnly nodes and broadcasts). The same scripts as on the host.
# vm-timeout: 1200
set -uo pipefail

# The guest loads no module by itself: the NAT routers of the topologies
# need these.
modprobe -a nf_conntrack nf_nat nft_chain_nat nft_nat nft_ct nft_masq \
	nft_reject_inet nft_fib_inet 2>/dev/null || true

export MVD_DATAPLANE=kernel
"$TOP/selftests/netns/run" -t 400 test_mesh_seed test_mesh_paths test_mesh_chain \
	test_mesh_reload test_mesh_scripts test_mesh_badinput test_mesh_signals \
	test_mesh_tinc_dir test_mesh_dataplane test_mesh_pacific test_mesh_mixed \
	test_mesh_restart test_mesh_restart_inplace test_mesh_ciphers \
	test_mesh_linklocal test_init_mesh
