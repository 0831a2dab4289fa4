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

# pair_build: the smallest mesh, on one switch: alice (198.51.100.1,
# 10.10.0.1) with an Address, bob (198.51.100.2, 10.10.0.2) ConnectTo
# alice, each with the other's host file.
pair_build() {
	topo_switch wan
	topo_node alice wan 198.51.100.1/24
	topo_node bob wan 198.51.100.2/24
	mvd_node alice 10.10.0.1
	mvd_host alice "Address = 198.51.100.1"
	mvd_node bob 10.10.0.2 "ConnectTo = alice"
	mvd_share alice bob
	mvd_share bob alice
}

# seed_trio EINSTEIN_ADDR: the daemons' part of the seed network without
# newton, whatever carries it (seed_build's switch, or the NAT lab's
# sites): einstein with that Address, hawking and penrose ConnectTo it.
seed_trio() {
	mvd_node einstein 10.10.0.1
	mvd_host einstein "Address = $1"
	mvd_node hawking 10.10.0.3 "ConnectTo = einstein"
	mvd_node penrose 10.10.0.4 "ConnectTo = einstein"
	mvd_share einstein hawking penrose
	mvd_share hawking einstein
	mvd_share penrose einstein
}

# seed_start: einstein first, as in the article, then its leaves.
seed_start() {
	mvd_start einstein
	mvd_wait_ready einstein
	mvd_start penrose
	mvd_start hawking
	mvd_wait_ready penrose
	mvd_wait_ready hawking
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

# The article's first picture on its own: einstein as the one hub, every
# other node a spoke with "ConnectTo = einstein", host files exchanged
# between the hub and each spoke only (the spokes learn each other's keys
# through einstein).  Most tests that are about one feature rather than
# about the article's network start from this.  The nodes keep their
# article numbers, the last byte of their addresses:
#
#   einstein  1   newton  2   hawking  3   penrose  4   curie  5   sakharov  6
#
#   einstein  198.51.100.1 on the wan                          10.10.0.1
#   a spoke   198.51.100.N on the wan, or with --nat the K-th   10.10.0.N
#             spoke is 192.168.K.2 behind natK (198.51.100.1K)
#
# star_build [OPTION]... SPOKE...
#   --nat             each spoke behind a NAT of its own, as the article's
#                     laptops; without it, spokes are on the wan
#   --conf NODE LINE  a line for NODE's meshvpn.conf (einstein or a spoke;
#                     repeat for more lines, kept in order)
#   --host NODE LINE  a line for NODE's own hosts/NODE, written before the
#                     file is shared (einstein gets its Address first)
#   --topo-only       the namespaces only: the test writes configurations
#                     of its own (tinc's, say) into $MVD_DIR/NODE
#   --no-topo         the test has built the namespaces itself (netem
#                     links, say): configurations only, and einstein gets
#                     no Address but those given with --host
# Leaves einstein and the spokes, in that order, in STAR_NODES for
# star_start.
star_build() {
	local topo=1 nodes=1 nat=0 node k=0 n
	local -A num=([einstein]=1 [newton]=2 [hawking]=3 [penrose]=4
		[curie]=5 [sakharov]=6)
	local -A conf=() host=()
	local -a lines
	while (($#)); do
		case $1 in
		--nat) nat=1 ;;
		--topo-only) nodes=0 ;;
		--no-topo) topo=0 ;;
		--conf | --host)
			(($# >= 3)) || topo__die "$1 needs a node and a line"
			if [[ $1 == --conf ]]; then
				conf[$2]+=$3$'\n'
			else
				host[$2]+=$3$'\n'
			fi
			shift 2
			;;
		-*) topo__die "unknown option '$1'" ;;
		*) break ;;
		esac
		shift
	done
	(($#)) || topo__die "usage: star_build [OPTION]... SPOKE..."
	STAR_NODES=(einstein "$@")
	for node in "${STAR_NODES[@]}"; do
		[[ -n ${num[$node]:-} ]] ||
			topo__die "'$node' is not a node of the article (${!num[*]})"
	done
	for node in "${!conf[@]}" "${!host[@]}"; do
		[[ " ${STAR_NODES[*]} " == *" $node "* ]] ||
			topo__die "--conf/--host for '$node', which is not in the star"
	done

	if ((topo)); then
		topo_switch wan
		topo_node einstein wan 198.51.100.1/24
		for node; do
			n=${num[$node]}
			if ((nat)); then
				k=$((k + 1))
				topo_switch "lan$k"
				topo_nat "nat$k" wan "198.51.100.1$k/24" "lan$k" "192.168.$k.1/24"
				topo_node "$node" "lan$k" "192.168.$k.2/24" --gw "192.168.$k.1"
			else
				topo_node "$node" wan "198.51.100.$n/24"
			fi
		done
	fi
	((nodes)) || return 0

	for node in "${STAR_NODES[@]}"; do
		mapfile -t lines < <(printf '%s' "${conf[$node]:-}")
		if [[ $node == einstein ]]; then
			mvd_node einstein 10.10.0.1 "${lines[@]}"
		else
			mvd_node "$node" "10.10.0.${num[$node]}" "ConnectTo = einstein" "${lines[@]}"
		fi
		mapfile -t lines < <(printf '%s' "${host[$node]:-}")
		if ((topo)) && [[ $node == einstein ]]; then
			lines=("Address = 198.51.100.1" "${lines[@]}")
		fi
		# Not without lines: mvd_host would write an empty one.
		((${#lines[@]} == 0)) || mvd_host "$node" "${lines[@]}"
	done
	mvd_share einstein "$@"
	for node; do
		mvd_share "$node" einstein
	done
}

# star_start: start every daemon of the star, then wait for each to be
# ready; all at once, as no node of a star needs another up first.
star_start() {
	local node
	for node in "${STAR_NODES[@]}"; do
		mvd_start "$node"
	done
	for node in "${STAR_NODES[@]}"; do
		mvd_wait_ready "$node"
	done
}
