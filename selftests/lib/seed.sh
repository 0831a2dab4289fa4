# shellcheck shell=bash
#
# selftests/lib/seed.sh - the seed article's network (Documentation/
# user-guide.md, "The example network"), shared by `make demo` and the
# netns tests:
#
#   einstein  198.51.100.1   hub with a public address       10.10.0.1
#   newton    198.51.100.2   second hub, may start late      10.10.0.2
#   hawking   192.168.1.2    behind nat1 (198.51.100.11)     10.10.0.3
#             ConnectTo einstein and newton
#   penrose   192.168.2.2    behind nat2 (198.51.100.12)     10.10.0.4
#             ConnectTo einstein only
#
# hawking and penrose have no host file of each other: einstein vouches.
# Needs netns.sh and meshvpnd.sh, topo_init and mvd_init done.

seed_build() {
	topo_switch wan
	topo_node einstein wan 198.51.100.1/24
	topo_node newton wan 198.51.100.2/24
	topo_switch lan1
	topo_nat nat1 wan 198.51.100.11/24 lan1 192.168.1.1/24
	topo_node hawking lan1 192.168.1.2/24 --gw 192.168.1.1
	topo_switch lan2
	topo_nat nat2 wan 198.51.100.12/24 lan2 192.168.2.1/24
	topo_node penrose lan2 192.168.2.2/24 --gw 192.168.2.1

	mvd_node einstein 10.10.0.1 "$@"
	mvd_host einstein "Address = 198.51.100.1"
	mvd_node newton 10.10.0.2 "$@"
	mvd_host newton "Address = 198.51.100.2"
	mvd_node hawking 10.10.0.3 "ConnectTo = einstein" "ConnectTo = newton" "$@"
	mvd_node penrose 10.10.0.4 "ConnectTo = einstein" "$@"
	mvd_share einstein hawking penrose newton
	mvd_share newton hawking einstein
	mvd_share hawking einstein newton
	mvd_share penrose einstein
}

# The article's longer chain: "if central nodes einstein and curie are
# already talking, and sakharov joins curie, then traffic from our hawking
# will reach sakharov via einstein and curie":
#
#   einstein  198.51.100.1   hub with a public address       10.10.0.1
#   curie     198.51.100.5   second hub, ConnectTo einstein  10.10.0.5
#   hawking   192.168.1.2    behind nat1 (198.51.100.11)     10.10.0.3
#             ConnectTo einstein only
#   sakharov  192.168.3.2    behind nat3 (198.51.100.13)     10.10.0.6
#             ConnectTo curie only
#
# Each node has the host files of its neighbours only: hawking and
# sakharov know nothing of each other, nor of the other's hub.
chain_build() {
	topo_switch wan
	topo_node einstein wan 198.51.100.1/24
	topo_node curie wan 198.51.100.5/24
	topo_switch lan1
	topo_nat nat1 wan 198.51.100.11/24 lan1 192.168.1.1/24
	topo_node hawking lan1 192.168.1.2/24 --gw 192.168.1.1
	topo_switch lan3
	topo_nat nat3 wan 198.51.100.13/24 lan3 192.168.3.1/24
	topo_node sakharov lan3 192.168.3.2/24 --gw 192.168.3.1

	mvd_node einstein 10.10.0.1 "$@"
	mvd_host einstein "Address = 198.51.100.1"
	mvd_node curie 10.10.0.5 "ConnectTo = einstein" "$@"
	mvd_host curie "Address = 198.51.100.5"
	mvd_node hawking 10.10.0.3 "ConnectTo = einstein" "$@"
	mvd_node sakharov 10.10.0.6 "ConnectTo = curie" "$@"
	mvd_share einstein curie hawking
	mvd_share curie einstein sakharov
	mvd_share hawking einstein
	mvd_share sakharov curie
}
