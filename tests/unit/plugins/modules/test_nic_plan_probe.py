# -*- coding: utf-8 -*-
# nic_plan's unit probe: one `systemctl show -p LoadState,ActiveState <units>` call, parsed per unit. The output
# shape (a block of Key=Value lines per unit, in the order asked, blank line between; LoadState=not-found for a unit
# that does not exist) is systemd's, as printed by systemd 252 (Debian 12) in the lab's hosts.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.multihomed.rke2.plugins.modules.nic_plan import unit_states

UNITS = ("NetworkManager", "systemd-networkd", "nm-cloud-setup")
SHOWN = """LoadState=loaded
ActiveState=inactive

LoadState=loaded
ActiveState=active

LoadState=not-found
ActiveState=inactive
"""


def test_unit_states_in_the_order_asked():
    assert unit_states(UNITS, SHOWN) == {"NetworkManager": "inactive", "systemd-networkd": "active",
                                         "nm-cloud-setup": "absent"}


def test_unit_states_when_systemctl_printed_nothing():
    # systemd not running (or systemctl failing): every unit counts as absent, as before the single call.
    assert unit_states(UNITS, "") == dict.fromkeys(UNITS, "absent")


def test_unit_states_failed_unit():
    shown = "LoadState=loaded\nActiveState=failed\n\nLoadState=masked\nActiveState=inactive\n"
    assert unit_states(UNITS[:2], shown) == {"NetworkManager": "failed", "systemd-networkd": "absent"}
