# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Longhorn Settings (longhorn.io/v1beta2 Setting) in one API session: the module longhorn_setting's decisions and calls.

A Longhorn Setting is a namespaced custom resource whose top-level ``value`` is a string (longhorn-manager
k8s/pkg/apis/longhorn/v1beta2/setting.go); longhorn-manager creates one per setting it knows at start. The module
reads them all with one list call, then creates the missing and merge-patches the different ones (server-side
dry-run in check mode). Whether Longhorn is installed is whether the API serves the Setting resource (its CRD
settings.longhorn.io is Established).

With ``rwx_network`` the module also puts RWX volumes on that network: which Setting does it (module_utils/longhorn_rwx)
is decided from ``version``, else from the Settings the cluster has, in the same session and before any write.

``plan`` is pure (table-tested); ``LonghornClient`` talks to the API through nad_client's ApiClient.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.multihomed.rke2.plugins.module_utils import longhorn_rwx, nad_client
from ansible_collections.multihomed.rke2.plugins.module_utils.nad_client import NadError

SETTING_API_VERSION = "longhorn.io/v1beta2"
SETTING_KIND = "Setting"
NOT_INSTALLED = "not installed"


def _text(value):
    """Settings hold strings: true and 'true' are the same wanted value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def plan(wanted, live):
    """[(name, action, before, after)] for every wanted setting, in the order given; action is create, update or
    unchanged. ``live`` maps a setting's name to its current value."""
    out = []
    for name, value in wanted.items():
        after = _text(value)
        if name not in live:
            out.append((name, "create", None, after))
        elif _text(live[name]) != after:
            out.append((name, "update", _text(live[name]), after))
        else:
            out.append((name, "unchanged", after, after))
    return out


def setting_object(namespace, name, value):
    return {"apiVersion": SETTING_API_VERSION, "kind": SETTING_KIND,
            "metadata": {"name": name, "namespace": namespace}, "value": _text(value)}


def not_installed_message(namespace):
    return (f"Longhorn is not installed: the API does not serve {SETTING_API_VERSION} {SETTING_KIND} (CRD "
            f"settings.longhorn.io), so its Settings in {namespace} cannot be set")


def nad_missing_message(ref):
    return (f"NetworkAttachmentDefinition {ref} does not exist: apply it first (role multihomed.rke2.multus_networks); "
            "Longhorn's instance managers do not start with an invalid storage network.")


class LonghornClient(nad_client.ApiClient):
    """The API calls of the module, on one kubernetes.core dynamic client."""

    def settings_resource(self):
        """The Setting resource, or None when the API does not serve it (Longhorn not installed)."""
        try:
            return self._resource(SETTING_API_VERSION, SETTING_KIND, NOT_INSTALLED)
        except NadError as exc:
            if exc.msg == NOT_INSTALLED:
                return None
            raise

    def nad_exists(self, ref):
        namespace, _sep, name = ref.partition("/")
        try:
            nads = self._resource(nad_client.NAD_API_VERSION, nad_client.NAD_KIND, nad_client.CRD_MISSING)
        except NadError as exc:
            if exc.msg == nad_client.CRD_MISSING:
                return False
            raise
        return self.get_or_none(f"reading NetworkAttachmentDefinition {ref}", nads, name, namespace) is not None

    def list_settings(self, resource, namespace):
        """Setting name -> value in the namespace."""
        found = self.call(f"listing Longhorn Settings in {namespace}", resource.get, namespace=namespace)
        return {item["metadata"]["name"]: item.get("value") for item in found.get("items") or []}

    def create(self, resource, namespace, name, value, dry_run):
        return self.call(f"creating Longhorn Setting {namespace}/{name}", resource.create,
                         body=setting_object(namespace, name, value), namespace=namespace,
                         dry_run=nad_client.DRY_RUN if dry_run else None)

    def update(self, resource, namespace, name, value, dry_run):
        return self.call(f"updating Longhorn Setting {namespace}/{name}", resource.patch,
                         body={"value": _text(value)}, name=name, namespace=namespace,
                         content_type="application/merge-patch+json",
                         dry_run=nad_client.DRY_RUN if dry_run else None)


def run(params, check_mode, client_factory=LonghornClient):
    """The module's result; raises NadError with a message meant for the user. Nothing is written unless every
    check passed (NAD present, an RWX setting found)."""
    namespace, wanted = params["namespace"], dict(params["settings"] or {})
    client = client_factory(params)
    resource = client.settings_resource()
    result = {"changed": False, "installed": resource is not None, "settings": {}, "changed_settings": [],
              "live_settings": [], "diff": []}
    if resource is None:
        if params.get("required"):
            raise NadError(not_installed_message(namespace), installed=False)
        return result
    if params.get("nad") and not client.nad_exists(params["nad"]):
        raise NadError(nad_missing_message(params["nad"]))
    live = client.list_settings(resource, namespace)
    result["live_settings"] = sorted(live)
    if params.get("rwx_network"):
        rwx = longhorn_rwx.rwx_settings(params["rwx_network"], params.get("version") or "", live=sorted(live))
        result["rwx"] = rwx
        if rwx["errors"]:
            raise NadError("; ".join(rwx["errors"]), installed=True, rwx=rwx)
        wanted.update(rwx["settings"])
    for name, action, before, after in plan(wanted, live):
        result["settings"][name] = {"action": action, "before": before, "after": after}
        if action == "unchanged":
            continue
        if action == "create":
            client.create(resource, namespace, name, after, check_mode)
        else:
            client.update(resource, namespace, name, after, check_mode)
        result["changed"] = True
        result["changed_settings"].append(name)
        result["diff"].append({"before_header": f"Setting {namespace}/{name}", "after_header": f"Setting {namespace}/{name}",
                               "before": "" if before is None else f"value: {before}\n", "after": f"value: {after}\n"})
    return result
