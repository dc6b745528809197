# -*- coding: utf-8 -*-
# NadClient's API calls with a fake dynamic resource: API statuses -> the result or the error the module reports.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.multihomed.rke2.plugins.module_utils import nad_client

NAD = {"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition",
       "metadata": {"name": "storage", "namespace": "multus"}, "spec": {"config": "{}"}}


def api_exc(status, message, kind=None):
    """A DynamicApiError (the kubernetes client's, or the module's stand-in without it) as the API sends it."""
    exc = nad_client.DynamicApiError.__new__(nad_client.DynamicApiError)
    exc.status, exc.reason, exc.headers, exc.original_traceback = status, message, None, None
    exc.body = json.dumps({"message": message, "details": {"kind": kind} if kind else {}})
    return exc


class FakeResource(object):
    """Answers every call with `answer`: an exception to raise, or the object to return."""

    def __init__(self, answer):
        self.answer = answer
        self.calls = []

    def _call(self, verb, **kwargs):
        self.calls.append((verb, kwargs))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def create(self, **kwargs):
        return self._call("create", **kwargs)

    def get(self, **kwargs):
        return self._call("get", **kwargs)


def client(answer):
    c = nad_client.NadClient.__new__(nad_client.NadClient)  # no API connection: only the resource is faked
    c.host = "https://api.test:6443"
    c.nads = FakeResource(answer)
    return c


# (case, method and arguments, what the API answers, expected result, or expected exception class and text)
CASES = [
    ("create", ("create", NAD, False), NAD, NAD, None),
    ("create-dry-run", ("create", NAD, True), NAD, NAD, None),
    ("create-conflict", ("create", NAD, False),
     api_exc(409, 'network-attachment-definitions.k8s.cni.cncf.io "storage" already exists'), None,
     (nad_client.AlreadyExists, "while creating NetworkAttachmentDefinition multus/storage: 409")),
    ("create-forbidden", ("create", NAD, False), api_exc(403, "forbidden"), None,
     (nad_client.NadError, "refused creating NetworkAttachmentDefinition multus/storage (403 Forbidden)")),
    ("create-namespace-gone", ("create", NAD, False), api_exc(404, 'namespaces "multus" not found', "namespaces"),
     None, (nad_client.NadError, "the namespace does not exist while creating")),
    ("get", ("get_nad", "multus", "storage"), NAD, NAD, None),
    ("get-not-found", ("get_nad", "multus", "storage"), api_exc(404, "not found"), None, None),
    ("get-unauthorized", ("get_nad", "multus", "storage"), api_exc(401, "Unauthorized"), None,
     (nad_client.NadError, "401 Unauthorized")),
    ("list-crd-gone", ("list_nads", "multus"), api_exc(404, "the server could not find the requested resource"),
     None, (nad_client.NadError, nad_client.CRD_MISSING)),
]


@pytest.mark.parametrize("call,answer,expected,error", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_client_calls(call, answer, expected, error):
    c = client(answer)
    method, args = getattr(c, call[0]), call[1:]
    if error:
        with pytest.raises(error[0]) as exc:
            method(*args)
        assert exc.type is error[0]  # exactly this class, not a subclass
        assert error[1] in exc.value.msg
        return
    assert method(*args) == expected
    if call[0] == "create":
        assert c.nads.calls == [("create", {"body": NAD, "namespace": "multus", "dry_run": "All" if args[1] else None})]


def test_conflict_keeps_the_status_for_the_result():
    with pytest.raises(nad_client.AlreadyExists) as exc:
        client(api_exc(409, "already exists")).create(NAD, dry_run=False)
    assert exc.value.details == {"status": 409}


class _Clock(object):
    """A fake clock advanced by the fake sleep: the wait loop's schedule without waiting."""

    def __init__(self):
        self.now = 0.0
        self.slept = []

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def _waiting_client(served_at):
    """A NadClient without an API connection whose resource lookup succeeds from clock time served_at on."""
    clock = _Clock()
    client = nad_client.NadClient.__new__(nad_client.NadClient)

    def resource(api_version, kind, missing):
        if served_at is None or clock.now < served_at:
            raise nad_client.NadError(missing)
        return "nads"
    client._resource = resource
    return client, clock


WAITS = [
    ("served at once: no wait", 0, 60, 5, "nads", []),
    ("served after 12 s: three looks 5 s apart", 12, 60, 5, "nads", [5, 5, 5]),
    ("no wait asked: fails at once", None, 0, 5, nad_client.CRD_MISSING, []),
    ("never served: fails after the timeout, saying so", None, 12, 5, nad_client.CRD_MISSING + " (waited 12 s)", [5, 5]),
]


@pytest.mark.parametrize("case, served_at, timeout, delay, expected, slept", WAITS, ids=[w[0] for w in WAITS])
def test_wait_for_the_crd(case, served_at, timeout, delay, expected, slept):
    client, clock = _waiting_client(served_at)
    try:
        got = client._wait_for_resource("k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition", nad_client.CRD_MISSING,
                                        timeout, delay, clock.sleep, lambda: clock.now)
    except nad_client.NadError as exc:
        got = exc.msg
    assert (got, clock.slept) == (expected, slept)
