# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kubernetes side of the network_attachment module: one API connection, NAD and namespace calls, API errors.

Connects with kubernetes.core's auth options; nad_apply.py decides what to call. Server-side dry-run in check mode.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import time
import traceback

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.multihomed.rke2.plugins.module_utils import nad_model
from ansible_collections.multihomed.rke2.plugins.module_utils.checks import (
    MANAGED_LABEL,
    MANAGED_SELECTOR,
    MANAGED_VALUE,
    NAD_API_VERSION,
    NAD_KIND,
)

try:
    from ansible_collections.kubernetes.core.plugins.module_utils.args_common import AUTH_ARG_SPEC
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client

    HAS_K8S_CORE = True
    K8S_CORE_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - reported by the module
    AUTH_ARG_SPEC = {}
    get_api_client = None
    HAS_K8S_CORE = False
    K8S_CORE_IMPORT_ERROR = traceback.format_exc()

try:
    from kubernetes.dynamic.exceptions import DynamicApiError, ResourceNotFoundError

    HAS_KUBERNETES = True
    KUBERNETES_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - reported by the module
    class DynamicApiError(Exception):  # stand-ins so that except clauses stay valid without the client
        pass

    class ResourceNotFoundError(Exception):
        pass

    HAS_KUBERNETES = False
    KUBERNETES_IMPORT_ERROR = traceback.format_exc()

try:
    from urllib3.exceptions import HTTPError as Urllib3HTTPError
except ImportError:  # pragma: no cover
    class Urllib3HTTPError(Exception):
        pass

CRD_MISSING = ("NetworkAttachmentDefinition CRD (k8s.cni.cncf.io/v1) is not installed: is Multus enabled? "
               "(RKE2: cni: [multus, canal] in config.yaml; the rke2-multus chart installs the CRD)")
DRY_RUN = "All"

ARGUMENT_SPEC = dict(
    definitions=dict(type="list", elements="dict", default=[]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    prune=dict(type="bool", default=False),
    prune_namespaces=dict(type="list", elements="str", default=[]),
    create_namespaces=dict(type="bool", default=False),
    crd_wait_timeout=dict(type="int", default=0),
    crd_wait_delay=dict(type="int", default=5),
)


def api_argument_spec(options):
    """An API module's argspec: kubernetes.core's auth options plus the module's own."""
    spec = copy.deepcopy(AUTH_ARG_SPEC)
    spec.update(copy.deepcopy(options))
    return spec


def argument_spec():
    """The network_attachment module's argspec."""
    return api_argument_spec(ARGUMENT_SPEC)


def require_libraries(module):
    """Fail the module, naming what is missing, when kubernetes.core or the kubernetes client cannot be imported."""
    if not HAS_K8S_CORE:
        module.fail_json(msg="the kubernetes.core collection is required (it ships with the ansible package)",
                         exception=K8S_CORE_IMPORT_ERROR)
    if not HAS_KUBERNETES:
        module.fail_json(msg=missing_required_lib("kubernetes"), exception=KUBERNETES_IMPORT_ERROR)


def run_api_module(module, run, diff_key="diff"):
    """How the collection's API modules end: the libraries checked, ``run()`` called, a NadError failed with its message
    and details, the result's diffs (under ``diff_key``) returned only in diff mode."""
    require_libraries(module)
    try:
        result = run()
    except NadError as exc:
        module.fail_json(msg=exc.msg, **exc.details)
    diff = result.pop(diff_key)
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


class NadError(Exception):
    """A failure with a message meant for the user (and optional details for the result)."""

    def __init__(self, msg, **details):
        super().__init__(msg)
        self.msg = msg
        self.details = details


class AlreadyExists(NadError):
    """A create answered 409 Conflict: another writer created the object after we listed the namespace."""


def _api_message(exc):
    body = getattr(exc, "body", None)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        return json.loads(body).get("message") or to_native(exc)
    except (TypeError, ValueError, AttributeError):
        return getattr(exc, "reason", None) or to_native(exc)


def _api_details_kind(exc):
    body = getattr(exc, "body", None)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        return (json.loads(body).get("details") or {}).get("kind")
    except (TypeError, ValueError, AttributeError):
        return None


def api_error(exc, doing):
    """NadError from an API exception, with the plain-language cause for the common statuses."""
    status = getattr(exc, "status", None)
    message = _api_message(exc)
    if status == 401:
        return NadError("authentication to the Kubernetes API failed (401 Unauthorized) while %s: check kubeconfig, "
                        "context, api_key or client certificates (%s)" % (doing, message), status=status)
    if status == 404 and _api_details_kind(exc) == "namespaces":
        return NadError("the namespace does not exist while %s (%s): create it first or set create_namespaces: true"
                        % (doing, message), status=status)
    if status == 403:
        return NadError("the Kubernetes API refused %s (403 Forbidden): the credentials lack RBAC permission (%s)"
                        % (doing, message), status=status)
    return NadError("Kubernetes API error while %s: %s %s" % (doing, status, message), status=status)


class ApiClient(object):
    """One kubernetes.core dynamic client from the module's auth options: resource lookup and calls, their failures
    as NadError with the plain-language cause (api_error). The collection's API modules build on it."""

    def __init__(self, params):
        try:
            self.k8s = get_api_client(module=None, **params)
        except Urllib3HTTPError as exc:
            raise NadError("cannot reach the Kubernetes API: %s" % to_native(exc))
        except DynamicApiError as exc:
            raise api_error(exc, "discovering the API")
        except Exception as exc:  # kubeconfig errors come in many types
            raise NadError("could not create a Kubernetes API client: %s" % to_native(exc))
        self.host = getattr(self.k8s.configuration, "host", "?")

    def _resource(self, api_version, kind, missing):
        try:
            return self.k8s.resource(kind, api_version)
        except ResourceNotFoundError:
            raise NadError(missing)
        except DynamicApiError as exc:
            raise api_error(exc, "discovering %s %s" % (api_version, kind))
        except Urllib3HTTPError as exc:
            raise NadError("cannot reach the Kubernetes API at %s: %s" % (self.host, to_native(exc)))

    def call(self, doing, func, *args, **kwargs):
        try:
            result = func(*args, **kwargs)
        except DynamicApiError as exc:
            raise api_error(exc, doing)
        except Urllib3HTTPError as exc:
            raise NadError("cannot reach the Kubernetes API at %s while %s: %s" % (self.host, doing, to_native(exc)))
        return result.to_dict() if hasattr(result, "to_dict") else result

    def get_or_none(self, doing, resource, name, namespace):
        """The live object, or None when it does not exist (404)."""
        try:
            return self.call(doing, resource.get, name=name, namespace=namespace)
        except NadError as exc:
            if exc.details.get("status") == 404:
                return None
            raise


class NadClient(ApiClient):
    """The few API calls the network_attachment module needs."""

    # (crd_wait_timeout, crd_wait_delay, sleep, clock) and when the wait ends; no wait unless the module asks.
    _wait = (0, 5, time.sleep, time.monotonic)
    _deadline = 0.0

    def __init__(self, params, sleep=time.sleep, clock=time.monotonic):
        super(NadClient, self).__init__(params)
        self._wait = (params.get("crd_wait_timeout") or 0, max(1, params.get("crd_wait_delay") or 5), sleep, clock)
        self._deadline = clock() + self._wait[0]
        self.nads = self._wait_for_resource(NAD_API_VERSION, NAD_KIND, CRD_MISSING, *self._wait)
        self.namespaces = self._resource("v1", "Namespace", "the core v1 Namespace API is not served")

    def _wait_for_resource(self, api_version, kind, missing, timeout, delay, sleep, clock):
        """The resource, once the API serves it: its CRD is Established (discovery lists a CRD's resource only then).
        Multus creates the NAD CRD a little after RKE2's first start, so a converge may come before it."""
        deadline = clock() + timeout
        while True:
            try:
                return self._resource(api_version, kind, missing)
            except NadError as exc:
                if exc.msg != missing:
                    raise
                if clock() + delay > deadline:
                    raise NadError("%s (waited %s s)" % (missing, timeout)) if timeout > 0 else exc
            sleep(delay)  # the next lookup misses the discovery cache and asks the server again

    def namespace_exists(self, name):
        try:
            self.namespaces.get(name=name)
        except DynamicApiError as exc:
            if getattr(exc, "status", None) == 404:
                return False
            if getattr(exc, "status", None) == 403:
                return None  # may not read namespaces: let the NAD calls tell
            raise api_error(exc, "reading namespace %s" % name)
        except Urllib3HTTPError as exc:
            raise NadError("cannot reach the Kubernetes API at %s: %s" % (self.host, to_native(exc)))
        return True

    def create_namespace(self, name, dry_run):
        body = {"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": name, "labels": {MANAGED_LABEL: MANAGED_VALUE}}}
        return self.call("creating namespace %s" % name, self.namespaces.create, body=body,
                         dry_run=DRY_RUN if dry_run else None)

    def list_nads(self, namespace, managed_only=False):
        kwargs = {"namespace": namespace}
        if managed_only:
            kwargs["label_selector"] = MANAGED_SELECTOR
        try:
            result = self.call("listing NetworkAttachmentDefinitions in %s" % namespace, self.nads.get, **kwargs)
        except NadError as exc:
            # Listing a served custom resource in any namespace answers 200: a 404 means the CRD is gone
            # (the discovery cache still had it). Asked to wait for it: forget the cache, wait what is left, list again.
            if exc.details.get("status") != 404:
                raise
            timeout, delay, sleep, clock = self._wait
            left = int(self._deadline - clock())
            if timeout <= 0 or left < delay:
                raise NadError(CRD_MISSING + (" (waited %s s)" % timeout if timeout > 0 else ""))
            self.k8s.resources.invalidate_cache()
            try:
                self.nads = self._wait_for_resource(NAD_API_VERSION, NAD_KIND, CRD_MISSING, left, delay, sleep, clock)
            except NadError as again:
                raise NadError(CRD_MISSING + " (waited %s s)" % timeout) if again.msg.startswith(CRD_MISSING) else again
            return self.list_nads(namespace, managed_only)
        return result.get("items") or []

    def get_nad(self, namespace, name):
        """The live NAD, or None when it does not exist."""
        return self.get_or_none(f"reading NetworkAttachmentDefinition {namespace}/{name}", self.nads, name, namespace)

    def create(self, desired, dry_run):
        """The created object (the server's dry-run answer in check mode); AlreadyExists on 409 Conflict."""
        try:
            return self.call(f"creating NetworkAttachmentDefinition {nad_model.key_of(desired)}", self.nads.create,
                             body=desired, namespace=desired["metadata"]["namespace"],
                             dry_run=DRY_RUN if dry_run else None)
        except NadError as exc:
            if exc.details.get("status") == 409:
                raise AlreadyExists(exc.msg, **exc.details) from None
            raise

    def patch(self, desired, dry_run):
        meta = desired["metadata"]
        return self.call("updating NetworkAttachmentDefinition %s" % nad_model.key_of(desired), self.nads.patch,
                         body=nad_model.merge_patch(desired), name=meta["name"], namespace=meta["namespace"],
                         content_type="application/merge-patch+json", dry_run=DRY_RUN if dry_run else None)

    def delete(self, live, dry_run):
        meta = live["metadata"]
        return self.call("deleting NetworkAttachmentDefinition %s" % nad_model.key_of(live), self.nads.delete,
                         name=meta["name"], namespace=meta["namespace"], dry_run=DRY_RUN if dry_run else None)
