#!/bin/sh
# multihomed.rke2.node_network preflight probe (read-only): prints key=value lines.
#   NetworkManager|systemd-networkd|nm-cloud-setup=<active|inactive|failed|...|absent>, netplan|nmcli=<true|false>,
#   nmcli_offline=<true|false> (nmcli can validate keyfiles without the daemon: NetworkManager >= 1.42)
for unit in NetworkManager systemd-networkd nm-cloud-setup; do
    if [ "$(systemctl show -P LoadState "$unit.service" 2>/dev/null)" = loaded ]; then
        echo "$unit=$(systemctl is-active "$unit.service" 2>/dev/null)"
    else
        echo "$unit=absent"
    fi
done
for tool in netplan nmcli; do
    if command -v "$tool" >/dev/null 2>&1; then echo "$tool=true"; else echo "$tool=false"; fi
done
if nmcli --offline --version >/dev/null 2>&1; then echo nmcli_offline=true; else echo nmcli_offline=false; fi
