#!/usr/bin/env bash
# Installs the Debian packages the tests and the lab need on a fresh
# bookworm machine; a no-op where they are present. Called by .ci/run and
# usable by hand (as root).
set -euo pipefail

need=()
command -v vtysh >/dev/null || need+=(frr frr-pythontools)
command -v ifup >/dev/null || need+=(ifupdown2)
# mako, as Cumulus ships it: the test that the ifupdown2 check evaluates no
# template code needs the engine that would evaluate it.
/usr/bin/python3 -c 'import mako' 2>/dev/null || need+=(python3-mako)
command -v yanglint >/dev/null || need+=(libyang2-tools)
command -v unshare >/dev/null || need+=(util-linux)
command -v ping >/dev/null || need+=(iputils-ping)
command -v ip >/dev/null || need+=(iproute2)
# Layer 2, DHCP relay and PXE in the lab (notes/lab-l2.md): Open vSwitch's
# userspace datapath, isc-dhcp-relay's dhcrelay, dnsmasq, dhclient.
command -v ovs-vswitchd >/dev/null || need+=(openvswitch-switch)
command -v dhcrelay >/dev/null || need+=(isc-dhcp-relay)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v dhclient >/dev/null || need+=(isc-dhcp-client)
command -v nft >/dev/null || need+=(nftables)
# Calico's node agent in the lab is BIRD 1.6's lineage (Debian bird).
command -v bird >/dev/null || need+=(bird)
command -v ethtool >/dev/null || need+=(ethtool)
# The tests of underlay serve drive Debian's Chromium headless (chromedp).
command -v chromium >/dev/null || need+=(chromium)
if ((${#need[@]})); then
	# The frr and openvswitch-switch packages start daemons in the host
	# namespace on install unless policy-rc.d forbids it; we only want
	# their programs.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
	fi
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

