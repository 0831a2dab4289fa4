# shellcheck shell=bash
#
# selftests/lib/nat.sh - the NAT lab: sites behind the kinds of NAT routers
# people actually have, joined by an "internet" of plain routers.
#
# A site is an access segment with its own ISP router; the ISP routers meet
# on a backbone switch and route every site's public /28 to each other.
# Between any two sites' NAT routers there are therefore two plain router
# hops (the two ISP routers), as on real paths (which have many more): a
# packet sent with a small TTL opens its own NAT and dies in between.
#
#   site K:   leaf --lan-- ROUTER --acc-- ISP ==backbone== ISP(J) --acc-- ...
#             192.168.K.0/24   203.0.113.16K/28   198.51.100.200+K/24
#
# The router's outside address, the site's public address, is
# 203.0.113.(16K + 2) (NAT_PUBLIC[SITE]).  IPv4 only.
#
# Presets (RFC 4787 terms; "EIM" endpoint-independent mapping, "EDM"
# address-and-port-dependent mapping, "EIF"/"EDF" the same for filtering):
#
#   public     no NAT: the leaf itself has the public address (a server, a
#              VPS, a host on a university network).
#   home       EIM (port-preserving masquerade), EDF (only replies get in),
#              unsolicited packets to the router itself dropped: OpenWrt,
#              most consumer routers with a firewall (topo_nat's default).
#   plain      `oifname "eth0" masquerade` and nothing else: EIM, EDF by
#              conntrack alone, and no input filter, so an unsolicited
#              packet to the router's public address is answered (port
#              unreachable) and leaves a conntrack entry that can take the
#              port the masquerade needs next: a Linux box or cloud VM
#              set up as a router by hand, many embedded routers.
#   fullcone   EIM and EIF: whoever sends to a mapped port reaches the
#              inside host that opened it (an nftables map from port to
#              inside address, filled by outgoing UDP): consoles' "open
#              NAT", many ISP CPEs, routers with "full cone" NAT enabled.
#   symmetric  EDM (`masquerade random,fully-random`: a new random port for
#              every destination) and EDF: enterprise firewalls, some
#              mobile hotspots.
#   cgnat      a `home` router behind a carrier-grade NAT (100.64.K.0/24)
#              that is EDM and EDF: mobile networks and cheap ISPs.
#
# Two leaves behind one router (the same LAN; no router hairpins): give
# nat_host the same site twice.  `upnp` (a router running miniupnpd) is not
# part of the lab yet.
#
# Usage:
#   source netns.sh; source nat.sh
#   topo_init
#   nat_init
#   nat_site s1 public
#   nat_site s2 plain
#   nat_host einstein s1
#   nat_host hawking s2        # 192.168.K.2, gateway the router
#   nat_host curie s2 3        # same LAN: 192.168.K.3
#
# Node names a site uses: SITE (its router, or nothing for public),
# SITE-isp, SITE-cgn (cgnat's carrier NAT); switches SITE-acc, SITE-lan,
# SITE-cg.

if declare -F nat_init >/dev/null; then
	return 0
fi

declare -gA NAT_K=()        # site -> its number K
declare -gA NAT_PRESET=()   # site -> preset
declare -gA NAT_PUBLIC=()   # site -> its public IPv4 address
declare -ga NAT_SITES=()
declare -gA NAT_ADDR=()      # node -> its address (nat_host)
readonly NAT_PRESETS="public home plain fullcone symmetric cgnat"

# nat_init: the backbone.
nat_init() {
	topo_switch backbone
}

# nat__router NAME OUTSW OUTADDR GW INSW INADDR <RULESET: a router between
# OUTSW (its default route through GW) and INSW, forwarding, with the
# nftables RULESET read from stdin.
nat__router() {
	local ns rules
	rules=$(cat)
	topo_node "$1" "$2" "$3" --gw "$4"
	topo_node "$1" "$5" "$6"
	topo_forward "$1"
	topo__node_ns "$1" ns
	topo__run ip netns exec "$ns" nft -f - <<<"$rules"
}

# nat__plain_router NAME OUTSW OUTADDR GW INSW INADDR: a router with the
# `plain` preset's ruleset: masquerade, nothing else.
nat__plain_router() {
	nat__router "$@" <<-EOF
		table ip nat_lab {
			chain postrouting {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "eth0" masquerade
			}
		}
	EOF
}

# nat__fullcone_router ...: same arguments.  Outgoing UDP records its
# source port -> inside address in a map; a new packet from outside to
# that port is sent to that address, whoever sent it.  The masquerade is
# port-preserving, so the outside port is the inside one unless two inside
# hosts use the same port (then the second one is not reachable from
# outside, as on real full-cone routers that run out of ports).
nat__fullcone_router() {
	nat__router "$@" <<-EOF
		table ip nat_lab {
			map fullcone {
				type inet_service : ipv4_addr
				flags dynamic,timeout
				timeout 120s
			}
			chain forward {
				type filter hook forward priority filter; policy accept;
				iifname "eth1" meta l4proto udp update @fullcone { udp sport : ip saddr }
			}
			chain prerouting {
				type nat hook prerouting priority dstnat; policy accept;
				iifname "eth0" meta l4proto udp dnat ip to udp dport map @fullcone
			}
			chain postrouting {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "eth0" masquerade
			}
		}
	EOF
}

# nat_site SITE PRESET: a new site with its ISP router and, but for
# `public`, its NAT router(s) and LAN.  Routes between every pair of ISP
# routers are added as sites come.
nat_site() {
	(($# == 2)) || topo__die "usage: nat_site SITE PRESET"
	local site=$1 preset=$2 k acc other isp_ns
	[[ " $NAT_PRESETS " == *" $preset "* ]] ||
		topo__die "unknown NAT preset '$preset' ($NAT_PRESETS)"
	[[ -z ${NAT_K[$site]:-} ]] || topo__die "site '$site' exists"
	k=$((${#NAT_SITES[@]} + 1))
	((k <= 14)) || topo__die "at most 14 sites"
	acc=$((16 * k))
	NAT_K[$site]=$k
	NAT_PRESET[$site]=$preset
	NAT_PUBLIC[$site]=203.0.113.$((acc + 2))
	NAT_SITES+=("$site")

	topo_switch "$site-acc"
	topo_node "$site-isp" backbone "198.51.100.$((200 + k))/24"
	topo_node "$site-isp" "$site-acc" "203.0.113.$((acc + 1))/28"
	topo_forward "$site-isp"
	topo__node_ns "$site-isp" isp_ns
	for other in "${NAT_SITES[@]}"; do
		[[ $other != "$site" ]] || continue
		local ons on=${NAT_K[$other]}
		topo__node_ns "$other-isp" ons
		topo__run ip -n "$isp_ns" route add "203.0.113.$((16 * on))/28" \
			via "198.51.100.$((200 + on))"
		topo__run ip -n "$ons" route add "203.0.113.$acc/28" \
			via "198.51.100.$((200 + k))"
	done

	local out="203.0.113.$((acc + 2))/28" gw="203.0.113.$((acc + 1))"
	local lan="192.168.$k.1/24"
	case $preset in
	public) return 0 ;;
	home) topo_switch "$site-lan"
		topo_nat "$site" "$site-acc" "$out" "$site-lan" "$lan" --gw "$gw" ;;
	symmetric) topo_switch "$site-lan"
		topo_nat "$site" "$site-acc" "$out" "$site-lan" "$lan" --gw "$gw" \
			--symmetric ;;
	plain) topo_switch "$site-lan"
		nat__plain_router "$site" "$site-acc" "$out" "$gw" "$site-lan" "$lan" ;;
	fullcone) topo_switch "$site-lan"
		nat__fullcone_router "$site" "$site-acc" "$out" "$gw" "$site-lan" "$lan" ;;
	cgnat)
		topo_switch "$site-cg"
		topo_nat "$site-cgn" "$site-acc" "$out" "$site-cg" "100.64.$k.1/24" \
			--gw "$gw" --symmetric
		topo_switch "$site-lan"
		topo_nat "$site" "$site-cg" "100.64.$k.2/24" "$site-lan" "$lan" \
			--gw "100.64.$k.1" ;;
	esac
}

# nat_host NODE SITE [N]: NODE in SITE: on a public site its public
# address (N > 1 is an error there); else 192.168.K.N (N defaults to 2)
# on the site's LAN.  The address goes to NAT_ADDR[NODE].
# shellcheck disable=SC2034 # NAT_ADDR is for the tests
nat_host() {
	(($# == 2 || $# == 3)) || topo__die "usage: nat_host NODE SITE [N]"
	local node=$1 site=$2 n=${3:-2} k=${NAT_K[${2}]:-}
	[[ -n $k ]] || topo__die "no such site '$site'"
	if [[ ${NAT_PRESET[$site]} == public ]]; then
		((n == 2)) || topo__die "a public site has one host"
		NAT_ADDR[$node]=${NAT_PUBLIC[$site]}
		topo_node "$node" "$site-acc" "${NAT_PUBLIC[$site]}/28" \
			--gw "203.0.113.$((16 * k + 1))"
	else
		NAT_ADDR[$node]=192.168.$k.$n
		topo_node "$node" "$site-lan" "192.168.$k.$n/24" --gw "192.168.$k.1"
	fi
}
