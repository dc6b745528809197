# -*- coding: utf-8 -*-
# Longhorn Settings: what the module longhorn_setting does for (wanted, live), and its run with a fake API client.
# The real API is exercised by tests/integration/test_multus_longhorn_roles.py (role longhorn_network).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import longhorn_setting as ls
from ansible_collections.multihomed.rke2.plugins.module_utils.nad_client import NadError

NAD = "multus-network-attachments/macvlan-longhorn-dhcp"
PLANS = [
    ("missing -> create", {"storage-network": NAD}, {}, [("storage-network", "create", None, NAD)]),
    ("empty -> update", {"storage-network": NAD}, {"storage-network": ""}, [("storage-network", "update", "", NAD)]),
    ("same -> unchanged", {"storage-network": NAD}, {"storage-network": NAD}, [("storage-network", "unchanged", NAD, NAD)]),
    ("bool as Longhorn's string", {"storage-network-for-rwx-volume-enabled": True},
     {"storage-network-for-rwx-volume-enabled": "true"},
     [("storage-network-for-rwx-volume-enabled", "unchanged", "true", "true")]),
    ("others left alone", {"storage-network": NAD}, {"storage-network": NAD, "other": "x"},
     [("storage-network", "unchanged", NAD, NAD)]),
]


@pytest.mark.parametrize("case, wanted, live, expected", PLANS, ids=[p[0] for p in PLANS])
def test_plan(case, wanted, live, expected):
    assert ls.plan(wanted, live) == expected


class FakeClient(object):
    def __init__(self, installed=True, nads=(NAD,), live=None):
        self.installed, self.nads, self.live, self.writes = installed, set(nads), dict(live or {}), []

    def __call__(self, params):
        return self

    def settings_resource(self):
        return "settings" if self.installed else None

    def nad_exists(self, ref):
        return ref in self.nads

    def list_settings(self, resource, namespace):
        return dict(self.live)

    def create(self, resource, namespace, name, value, dry_run):
        self.writes.append(("create", name, value, dry_run))

    def update(self, resource, namespace, name, value, dry_run):
        self.writes.append(("update", name, value, dry_run))


PARAMS = {"namespace": "longhorn-system", "settings": {"storage-network": NAD}, "nad": NAD}


def test_not_installed_changes_nothing():
    fake = FakeClient(installed=False, nads=())
    result = ls.run(PARAMS, False, fake)
    assert (result["installed"], result["changed"], fake.writes) == (False, False, [])


def test_missing_nad_fails_before_any_write():
    fake = FakeClient(nads=(), live={"storage-network": ""})
    with pytest.raises(NadError) as err:
        ls.run(PARAMS, False, fake)
    assert err.value.msg.startswith("NetworkAttachmentDefinition %s does not exist: apply it first" % NAD)
    assert fake.writes == []


@pytest.mark.parametrize("check", [False, True])
def test_update_and_idempotence(check):
    fake = FakeClient(live={"storage-network": "", "other": "1"})
    result = ls.run(PARAMS, check, fake)
    assert result["changed"] and fake.writes == [("update", "storage-network", NAD, check)]
    assert result["live_settings"] == ["other", "storage-network"]
    assert result["diff"] == [{"before_header": "Setting longhorn-system/storage-network",
                               "after_header": "Setting longhorn-system/storage-network",
                               "before": "value: \n", "after": "value: %s\n" % NAD}]
    again = ls.run(PARAMS, check, FakeClient(live={"storage-network": NAD}))
    assert not again["changed"] and again["settings"]["storage-network"]["action"] == "unchanged"


# RWX volumes in the same call (option rwx_network): the Setting is chosen from the version, else from the Settings
# the cluster has (longhorn-manager creates one per setting it knows: datastore/longhorn.go
# createNonExistingSettingCRsWithDefaultSetting; 1.11 has endpoint-network-for-rwx-volume, 1.7 to 1.10
# storage-network-for-rwx-volume-enabled), before any write.
RWX = dict(PARAMS, rwx_network=NAD, version="")


@pytest.mark.parametrize("version, live, wanted_writes", [
    ("1.11.0", {"storage-network": NAD, "endpoint-network-for-rwx-volume": ""},
     [("update", "endpoint-network-for-rwx-volume", NAD, False)]),
    ("v1.9.2", {"storage-network": "", "storage-network-for-rwx-volume-enabled": "false"},
     [("update", "storage-network", NAD, False), ("update", "storage-network-for-rwx-volume-enabled", "true", False)]),
    ("", {"storage-network": NAD, "storage-network-for-rwx-volume-enabled": "false"},
     [("update", "storage-network-for-rwx-volume-enabled", "true", False)]),
])
def test_rwx_setting_chosen_and_set_in_the_same_call(version, live, wanted_writes):
    fake = FakeClient(live=live)
    result = ls.run(dict(RWX, version=version), False, fake)
    assert fake.writes == wanted_writes
    assert result["changed_settings"] == [w[1] for w in wanted_writes]
    assert result["rwx"]["errors"] == []


def test_rwx_unknown_version_and_no_rwx_setting_fails_before_any_write():
    fake = FakeClient(live={"storage-network": ""})
    with pytest.raises(NadError) as err:
        ls.run(RWX, False, fake)
    assert "has neither Setting endpoint-network-for-rwx-volume" in err.value.msg
    assert fake.writes == []


def test_required_fails_when_longhorn_is_not_installed():
    with pytest.raises(NadError) as err:
        ls.run(dict(PARAMS, required=True), False, FakeClient(installed=False))
    assert err.value.msg.startswith("Longhorn is not installed: the API does not serve longhorn.io/v1beta2 Setting")
