"""LAB STAND-IN FOR MULTUS (and for the part of Longhorn that asks Multus for lhnet1). Not Multus.

Multus's binary cannot be obtained on the lab machines, so this script does, for one pod, what Multus does when the
kubelet asks it to set a pod's network up, following Multus's documented and coded behaviour:

- read the pod's ``k8s.v1.cni.cncf.io/networks`` annotation from the Pod object in the cluster API; a value holding
  any of ``[``, ``{`` or ``"`` is the JSON form (list of network selection elements: name, namespace, interface,
  ips, mac, default-route), anything else the comma form ``<namespace>/<name>@<ifname>``
  (k8snetworkplumbingwg/multus-cni pkg/k8sclient/k8sclient.go parsePodNetworkAnnotation,
  parsePodNetworkObjectName; docs/how-to-use.md "Launch pod with text annotation" / "with json annotation");
- a selection without a namespace takes the pod's namespace (parsePodNetworkAnnotation, defaultNamespace);
- resolve each selection to the NetworkAttachmentDefinition <namespace>/<name> through the API and use its
  ``spec.config`` as the delegate's CNI config (k8sclient.go getKubernetesDelegate / getNetDelegate);
- name interfaces by position: the cluster network is delegate 0 (eth0), so attachments are net1, net2, ... unless
  ``@ifname``/``interface`` asks for a name (multus-cni pkg/multus/multus.go getIfname: IfnameRequest, else
  ``fmt.Sprintf("net%d", idx)``);
- ips/mac reach the plugin as runtimeConfig only when the NAD declares the capability (libcni capability args);
- ``default-route`` makes that attachment's gateway the pod's default route (multus.go, DeleteDefaultGW/SetDefaultGW);
- write ``k8s.v1.cni.cncf.io/network-status`` (and the older ``networks-status``) on the Pod with an UpdateStatus,
  one entry per attachment ``{name: <namespace>/<name>, interface, ips, mac, default, dns}``
  (k8snetworkplumbingwg/network-attachment-definition-client pkg/utils/net-attach-def.go CreateNetworkStatus,
  SetNetworkStatus; Kubernetes Network Custom Resource Definition De-facto Standard v1.2, section 4.1
  "network-status"). The lab has no primary CNI, so the list holds no ``default: true`` cluster-network entry.

Longhorn stand-in: :func:`longhorn_annotation` builds the instance-manager annotation from the ``storage-network``
Setting value ``<namespace>/<name>`` exactly as longhorn-manager types/types.go CreateCniAnnotationFromSetting does
(JSON form, interface ``lhnet1`` = types.StorageNetworkInterface).

The pure parts (parse, interface names, resolution, runtimeConfig, network-status) are unit-tested in
tests/repo/test_multus_standin.py. The commands below talk to the API (kubernetes Python client) and run the real
CNI plugins inside a lab node with ``podman exec``.

    multus_standin.py attach --kubeconfig K --node mh-wrk-1 --namespace NS --pod NAME --annotation 'a/b,a/c'
    multus_standin.py detach --kubeconfig K --node mh-wrk-1 --namespace NS --pod NAME
    multus_standin.py longhorn-annotation --kubeconfig K [--longhorn-namespace longhorn-system]
    multus_standin.py reach < {"pods": {...}, "targets": [...]}    (reachability matrix, pings in parallel)
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time

NETWORKS_ANNOT = "k8s.v1.cni.cncf.io/networks"
NETWORK_STATUS_ANNOT = "k8s.v1.cni.cncf.io/network-status"
OLD_NETWORK_STATUS_ANNOT = "k8s.v1.cni.cncf.io/networks-status"
LONGHORN_INTERFACE = "lhnet1"
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
STANDIN = ("LAB STAND-IN for Multus (its binary is not obtainable here): follows multus-cni k8sclient.go "
           "parsePodNetworkAnnotation/getKubernetesDelegate, multus.go getIfname, and the network-status format of "
           "the network-plumbing-wg spec; the CNI plugins it runs are the real ones")


class StandinError(Exception):
    """A pod's networks cannot be attached; the message says which selection and why, as Multus would fail."""


def _object_name(item):
    """``<namespace>/<name>@<ifname>`` -> (namespace, name, ifname), as parsePodNetworkObjectName splits it."""
    slash = item.split("/")
    if len(slash) == 2:
        ns, name = slash[0].strip(), slash[1]
    elif len(slash) == 1:
        ns, name = "", slash[0]
    else:
        raise StandinError(f"Invalid network object {item!r} (failed at '/')")
    at = name.split("@")
    name = at[0].strip()
    if len(at) == 2:
        ifname = at[1].strip()
    elif len(at) == 1:
        ifname = ""
    else:
        raise StandinError(f"Invalid network object {item!r} (failed at '@')")
    for value in (ns, name):
        if value and not DNS1123_LABEL.match(value):
            raise StandinError(f"Invalid network object {item!r}: {value!r} is not a DNS-1123 label")
    return ns, name, ifname


def parse_networks(annotation, pod_namespace):
    """The pod's networks annotation as a list of selections (dicts with name, namespace and, when given,
    interface, ips, mac, default-route), the pod's namespace filled in where none is named."""
    text = (annotation or "").strip()
    if not text:
        return []
    if any(c in text for c in '[{"'):
        try:
            items = json.loads(text)
        except ValueError as exc:
            raise StandinError("failed to parse pod Network Attachment Selection Annotation JSON format: "
                               f"{exc}") from None
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(i, dict) and i.get("name") for i in items):
            raise StandinError("JSON form must be a list of objects with a 'name'")
        out = []
        for item in items:
            sel = {"name": str(item["name"]), "namespace": str(item.get("namespace") or pod_namespace)}
            for key in ("interface", "ips", "mac", "default-route"):
                if item.get(key):
                    sel[key] = item[key]
            out.append(sel)
        return out
    out = []
    for item in text.split(","):
        ns, name, ifname = _object_name(item.strip())
        sel = {"name": name, "namespace": ns or pod_namespace}
        if ifname:
            sel["interface"] = ifname
        out.append(sel)
    return out


def interface_names(selections):
    """The pod interface of each selection: its requested name, else net<position> (the cluster network being
    delegate 0, the first attachment is net1). Two attachments on one name are refused."""
    names = [sel.get("interface") or f"net{idx}" for idx, sel in enumerate(selections, start=1)]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise StandinError(f"interface name(s) {', '.join(dup)} requested twice")
    return names


def resolve(selections, nads):
    """Each selection with its NAD's CNI config. ``nads`` maps (namespace, name) to the NAD object from the API."""
    out = []
    for sel, ifname in zip(selections, interface_names(selections)):
        key = (sel["namespace"], sel["name"])
        nad = nads.get(key)
        if nad is None:
            raise StandinError(f"cannot find a network-attachment-definition ({sel['name']}) in namespace "
                               f"({sel['namespace']})")
        try:
            conf = json.loads(nad["spec"]["config"])
        except (KeyError, TypeError, ValueError) as exc:
            raise StandinError(f"NAD {key[0]}/{key[1]}: spec.config is not a CNI config: {exc}") from None
        conf.setdefault("name", sel["name"])
        out.append({"selection": sel, "network": f"{key[0]}/{key[1]}", "ifname": ifname,
                    "config": with_runtime_config(conf, sel)})
    return out


def with_runtime_config(conf, sel):
    """The config given to the plugin: requested ips/mac as runtimeConfig, only for capabilities the NAD declares."""
    caps = conf.get("capabilities") or {}
    runtime = {}
    if sel.get("ips") and caps.get("ips"):
        runtime["ips"] = list(sel["ips"]) if isinstance(sel["ips"], list) else [sel["ips"]]
    if sel.get("mac") and caps.get("mac"):
        runtime["mac"] = sel["mac"]
    conf = dict(conf)
    if runtime:
        conf["runtimeConfig"] = runtime
    return conf


def cni_args(namespace, pod, container_id):
    """CNI_ARGS as the kubelet and Multus pass them to delegates."""
    return (f"IgnoreUnknown=1;K8S_POD_NAMESPACE={namespace};K8S_POD_NAME={pod};"
            f"K8S_POD_INFRA_CONTAINER_ID={container_id}")


def network_status_entry(network, result, default=False):
    """One network-status element from a CNI ADD result (0.3.x, 0.4.0 or 1.0.0), in CreateNetworkStatus's order:
    the sandbox interface's name and mac, every IP without its prefix, default only when true, dns always."""
    status, mac = {"name": network}, None
    for iface in result.get("interfaces", []):
        if iface.get("sandbox"):  # only pod interfaces carry a sandbox
            status["interface"] = iface["name"]
            mac = iface.get("mac")
    ips = [ip["address"].split("/")[0] for ip in result.get("ips", []) if ip.get("address")]
    if ips:
        status["ips"] = ips
    if "interface" in status and mac:
        status["mac"] = mac
    if default:
        status["default"] = True
    status["dns"] = result.get("dns") or {}
    return status


def network_status(attached):
    """The network-status list for attachments [(network, CNI result)] in attach order."""
    return [network_status_entry(network, result) for network, result in attached]


def default_route_gateways(selection):
    gws = selection.get("default-route") or []
    return gws if isinstance(gws, list) else [gws]


def longhorn_annotation(value):
    """The networks annotation Longhorn puts on instance-manager pods for a ``storage-network`` Setting value;
    empty when unset (longhorn-manager types/types.go CreateCniAnnotationFromSetting)."""
    if not value:
        return ""
    parts = value.split("/")
    if len(parts) != 2 or not all(parts):
        raise StandinError(f"storage-network {value!r} is not <namespace>/<name>")
    return (f'[{{"namespace": "{parts[0]}", "name": "{parts[1]}", "interface": "{LONGHORN_INTERFACE}"}}]')


def pod_addresses(attached):
    """{ifname: address/prefix} of a pod from [(ifname, CNI result)]: what ``ip addr`` shows on each interface."""
    out = {}
    for ifname, result in attached:
        addrs = [ip["address"] for ip in result.get("ips", []) if ip.get("address")]
        if addrs:
            out[ifname] = addrs[0]
    return out


def reach_checks(pods, extra_targets=()):
    """Every pod against every other pod's addresses and the extra targets: ``expect`` is True exactly when the
    source has an interface on the target's subnet (no pod reaches a network it is not attached to).
    ``pods``: {name: {"addresses": {ifname: "ip/prefix"}, ...}}; extra targets: [{"name", "address"}]."""
    import ipaddress  # pylint: disable=import-outside-toplevel
    targets = [{"name": f"{pod} {ifname}", "pod": pod, "address": addr}
               for pod, spec in pods.items() for ifname, addr in spec["addresses"].items()]
    targets += [dict(t, pod=None) for t in extra_targets]
    checks = []
    for src, spec in pods.items():
        nets = [ipaddress.ip_interface(a).network for a in spec["addresses"].values()]
        for tgt in targets:
            if tgt["pod"] == src:
                continue
            ip = ipaddress.ip_interface(tgt["address"]).ip
            checks.append({"src": src, "dst": tgt["name"], "column": targets.index(tgt) + 1, "ip": str(ip),
                           "expect": any(ip in n for n in nets)})
    return checks


def matrix_text(checks):
    """The reachability matrix as a person reads it: one row per source pod, one column per target;
    ``yes``/``-`` as expected, ``YES!``/``NO!`` where the observation (``got``) differs from the expectation."""
    srcs = list(dict.fromkeys(c["src"] for c in checks))
    dsts = [d for _col, d in sorted({(c["column"], c["dst"]) for c in checks})]
    cell = {(c["src"], c["dst"]): c for c in checks}
    corner = "from \\ to"
    width = max(len(s) for s in srcs + [corner])
    lines = [corner.ljust(width) + "  " + "  ".join(f"[{i}]" for i in range(1, len(dsts) + 1))]
    for src in srcs:
        row = []
        for i, dst in enumerate(dsts, start=1):
            c = cell.get((src, dst))
            mark = "." if c is None else ("yes" if c["got"] else "-")
            if c is not None and c["got"] != c["expect"]:
                mark = "YES!" if c["got"] else "NO!"
            row.append(mark.center(len(f"[{i}]")))
        lines.append(f"{src:<{width}}  " + "  ".join(row))
    lines += [f"  [{i}] {dst} ({next(c['ip'] for c in checks if c['dst'] == dst)})" for i, dst in enumerate(dsts, 1)]
    return lines


# ---------------------------------------------------------------- I/O: cluster API and the lab node (not unit-tested)

def _api(kubeconfig):
    from kubernetes import client, config  # pylint: disable=import-outside-toplevel
    config.load_kube_config(config_file=kubeconfig)
    return client, client.CoreV1Api(), client.CustomObjectsApi()


def _node(node, *cmd, stdin=None, env=None, check=True):
    envs = [f"{k}={v}" for k, v in (env or {}).items()]
    argv = ["podman", "exec", "-i", node] + (["env"] + envs if envs else []) + list(cmd)
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise StandinError(f"{node}: {' '.join(cmd)} failed ({proc.returncode}): {proc.stdout} {proc.stderr}".strip())
    return proc


def _netns(pod):
    return f"lab-pod-{pod}"


def _plugin(node, command, conf, ifname, namespace, pod):
    env = {"CNI_COMMAND": command, "CNI_CONTAINERID": f"{namespace}-{pod}", "CNI_NETNS": f"/var/run/netns/{_netns(pod)}",
           "CNI_IFNAME": ifname, "CNI_PATH": "/usr/lib/cni", "CNI_ARGS": cni_args(namespace, pod, f"{namespace}-{pod}")}
    return _node(node, f"/usr/lib/cni/{conf['type']}", stdin=json.dumps(conf), env=env, check=command == "ADD")


def _ensure_pod(client, core, namespace, pod, node, annotation):
    """The Pod object, bound to the node (no scheduler in the lab), recreated with the annotation."""
    from kubernetes.client.rest import ApiException  # pylint: disable=import-outside-toplevel
    try:
        core.delete_namespaced_pod(pod, namespace, grace_period_seconds=0)
    except ApiException as exc:
        if exc.status != 404:
            raise
    for create, args in ((core.create_namespace, (client.V1Namespace(metadata=client.V1ObjectMeta(name=namespace)),)),
                         (core.create_namespaced_service_account,
                          (namespace, client.V1ServiceAccount(metadata=client.V1ObjectMeta(name="default"))))):
        try:
            create(*args)
        except ApiException as exc:
            if exc.status != 409:
                raise
    body = client.V1Pod(
        metadata=client.V1ObjectMeta(name=pod, namespace=namespace, annotations={NETWORKS_ANNOT: annotation},
                                     labels={"multihomed.rke2/lab": "stand-in"}),
        spec=client.V1PodSpec(node_name=node, automount_service_account_token=False, containers=[
            client.V1Container(name="samplepod", image="ubuntu",
                               command=["/bin/bash", "-c", "sleep 2000000000000"])]))
    for _attempt in range(50):
        try:
            return core.create_namespaced_pod(namespace, body)
        except ApiException as exc:
            if exc.status != 409:  # the old object may still be going
                raise
            time.sleep(0.1)
    raise StandinError(f"pod {namespace}/{pod} could not be recreated")


def attach(args):
    client, core, custom = _api(args.kubeconfig)
    pod_obj = _ensure_pod(client, core, args.namespace, args.pod, args.node, args.annotation)
    # As Multus: the annotation is read back from the Pod object, not taken from the command line.
    annotation = (pod_obj.metadata.annotations or {}).get(NETWORKS_ANNOT, "")
    selections = parse_networks(annotation, pod_obj.metadata.namespace)
    nads = {}
    for sel in selections:
        try:
            nads[(sel["namespace"], sel["name"])] = custom.get_namespaced_custom_object(
                "k8s.cni.cncf.io", "v1", sel["namespace"], "network-attachment-definitions", sel["name"])
        except Exception:  # pylint: disable=broad-except
            pass  # resolve() names the missing one
    delegates = resolve(selections, nads)
    if any(d["config"].get("ipam", {}).get("type") == "dhcp" for d in delegates):
        _node(args.node, "sh", "-c", "systemctl is-active -q lab-cni-dhcp || { rm -f /run/cni/dhcp.sock; "
              "systemd-run --unit lab-cni-dhcp --quiet /usr/lib/cni/dhcp daemon; "
              "for i in $(seq 50); do [ -S /run/cni/dhcp.sock ] && break; sleep 0.1; done; }")
    _node(args.node, "sh", "-c", f"ip netns del {_netns(args.pod)} 2>/dev/null; ip netns add {_netns(args.pod)} && "
          f"ip -n {_netns(args.pod)} link set lo up")
    attached, results = [], []
    for d in delegates:
        res = json.loads(_plugin(args.node, "ADD", d["config"], d["ifname"], args.namespace, args.pod).stdout)
        attached.append((d["network"], res))
        results.append((d["ifname"], res))
        for gw in default_route_gateways(d["selection"]):
            _node(args.node, "ip", "-n", _netns(args.pod), "route", "replace", "default", "via", gw,
                  "dev", d["ifname"])
    status = network_status(attached)
    pod_obj = core.read_namespaced_pod(args.pod, args.namespace)
    pod_obj.metadata.annotations[NETWORK_STATUS_ANNOT] = json.dumps(status, indent="    ")
    pod_obj.metadata.annotations[OLD_NETWORK_STATUS_ANNOT] = pod_obj.metadata.annotations[NETWORK_STATUS_ANNOT]
    core.replace_namespaced_pod_status(args.pod, args.namespace, pod_obj)
    written = core.read_namespaced_pod(args.pod, args.namespace).metadata.annotations[NETWORK_STATUS_ANNOT]
    ip_addr = _node(args.node, "ip", "-n", _netns(args.pod), "addr", "show").stdout
    ip_route = _node(args.node, "ip", "-n", _netns(args.pod), "route").stdout
    print(json.dumps({"standin": STANDIN, "pod": f"{args.namespace}/{args.pod}", "node": args.node,
                      "netns": _netns(args.pod), "annotation": annotation, "selections": selections,
                      "delegates": [{"network": d["network"], "ifname": d["ifname"], "config": d["config"]}
                                    for d in delegates],
                      "network_status": json.loads(written), "network_status_annotation": written,
                      "addresses": pod_addresses(results),
                      "ip_addr": ip_addr, "ip_route": ip_route}))


def detach(args):
    _client, core, custom = _api(args.kubeconfig)
    from kubernetes.client.rest import ApiException  # pylint: disable=import-outside-toplevel
    try:
        pod_obj = core.read_namespaced_pod(args.pod, args.namespace)
    except ApiException as exc:
        if exc.status != 404:
            raise
        pod_obj = None
    if pod_obj is not None:
        annotation = (pod_obj.metadata.annotations or {}).get(NETWORKS_ANNOT, "")
        selections = parse_networks(annotation, args.namespace)
        nads = {}
        for sel in selections:
            try:
                nads[(sel["namespace"], sel["name"])] = custom.get_namespaced_custom_object(
                    "k8s.cni.cncf.io", "v1", sel["namespace"], "network-attachment-definitions", sel["name"])
            except ApiException:
                pass
        for d in reversed(resolve(selections, nads)):
            _plugin(args.node, "DEL", d["config"], d["ifname"], args.namespace, args.pod)
        core.delete_namespaced_pod(args.pod, args.namespace, grace_period_seconds=0)
    _node(args.node, "sh", "-c", f"ip netns del {_netns(args.pod)} 2>/dev/null || true")
    print(json.dumps({"pod": f"{args.namespace}/{args.pod}", "detached": pod_obj is not None}))


def longhorn(args):
    _client, _core, custom = _api(args.kubeconfig)
    setting = custom.get_namespaced_custom_object("longhorn.io", "v1beta2", args.longhorn_namespace, "settings",
                                                  "storage-network")
    print(json.dumps({"storage-network": setting.get("value", ""),
                      "annotation": longhorn_annotation(setting.get("value", ""))}))


def reach(_args):
    """stdin {"pods": [what attach printed, ...], "targets": [{name, address}]}: ping every check at once."""
    from concurrent.futures import ThreadPoolExecutor  # pylint: disable=import-outside-toplevel
    spec = json.load(sys.stdin)
    pods = {p["pod"].split("/")[-1]: p for p in spec["pods"]}
    checks = reach_checks(pods, spec.get("targets", []))

    def run(c):
        pod = pods[c["src"]]
        proc = _node(pod["node"], "ip", "netns", "exec", pod["netns"], "ping", "-c", "1", "-W", "1", c["ip"],
                     check=False)
        return dict(c, got=proc.returncode == 0)

    with ThreadPoolExecutor(max_workers=8) as pool:
        done = list(pool.map(run, checks))
    print(json.dumps({"checks": done, "matrix": matrix_text(done),
                      "unexpected": [c for c in done if c["got"] != c["expect"]]}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=STANDIN)
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name in ("attach", "detach"):
        p = sub.add_parser(name)
        p.add_argument("--kubeconfig", required=True)
        p.add_argument("--node", required=True)
        p.add_argument("--namespace", required=True)
        p.add_argument("--pod", required=True)
        if name == "attach":
            p.add_argument("--annotation", required=True)
    p = sub.add_parser("longhorn-annotation")
    p.add_argument("--kubeconfig", required=True)
    p.add_argument("--longhorn-namespace", default="longhorn-system")
    sub.add_parser("reach")
    args = parser.parse_args(argv)
    try:
        {"attach": attach, "detach": detach, "longhorn-annotation": longhorn, "reach": reach}[args.cmd](args)
    except StandinError as exc:
        print(f"multus stand-in: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
