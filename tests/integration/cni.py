# -*- coding: utf-8 -*-
"""A tiny CNI runtime for tests: network namespaces and Debian's real CNI plugins (/usr/lib/cni).

Everything lives in namespaces the tests create, on 198.18.0.0/15 addresses, with no route out.
"""
import json
import os
import subprocess

CNI_PATH = os.environ.get("CNI_PATH", "/usr/lib/cni")


def sh(*args, check=True, input=None):
    res = subprocess.run(list(args), input=input, capture_output=True, text=True, check=False)
    if check and res.returncode != 0:
        raise AssertionError("%s failed (%d): %s %s" % (" ".join(args), res.returncode, res.stdout, res.stderr))
    return res


def ns_sh(ns, *args, check=True):
    return sh("ip", "netns", "exec", ns, *args, check=check)


class Netns:
    """A network namespace that is removed again, with everything in it."""

    def __init__(self, name):
        self.name = name
        self.path = "/var/run/netns/" + name
        sh("ip", "netns", "del", name, check=False)
        sh("ip", "netns", "add", name)
        ns_sh(name, "ip", "link", "set", "lo", "up")

    def __call__(self, *args, check=True):
        return ns_sh(self.name, *args, check=check)

    def addresses(self, ifname):
        res = self("ip", "-j", "addr", "show", "dev", ifname, check=False)
        if res.returncode != 0:
            return None
        info = json.loads(res.stdout)[0]
        return [a["local"] + "/" + str(a["prefixlen"]) for a in info.get("addr_info", []) if a["family"] == "inet"]

    def links(self):
        return sorted(l["ifname"] for l in json.loads(self("ip", "-j", "link", "show").stdout))

    def ping(self, address, count=1):
        return self("ping", "-c", str(count), "-W", "2", address, check=False).returncode == 0

    def delete(self):
        sh("ip", "netns", "del", self.name, check=False)


def cni(command, conf, node, pod, ifname="net1", container_id=None):
    """Run the plugin named by conf['type'] inside the node namespace, for the pod namespace. Returns the result."""
    env = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "CNI_COMMAND": command,
        "CNI_CONTAINERID": container_id or pod.name,
        "CNI_NETNS": pod.path,
        "CNI_IFNAME": ifname,
        "CNI_PATH": CNI_PATH,
    }
    argv = ["ip", "netns", "exec", node.name, "env", "-i"] + ["%s=%s" % kv for kv in env.items()]
    argv.append(os.path.join(CNI_PATH, conf["type"]))
    res = subprocess.run(argv, input=json.dumps(conf), capture_output=True, text=True, timeout=60, check=False)
    if res.returncode != 0:
        raise AssertionError("CNI %s %s failed: %s %s" % (command, conf["type"], res.stdout, res.stderr))
    return json.loads(res.stdout) if res.stdout.strip() else None


def veth(ns_a, if_a, ns_b, if_b):
    tmp_a, tmp_b = "t%s" % os.urandom(3).hex(), "t%s" % os.urandom(3).hex()
    sh("ip", "link", "add", tmp_a, "type", "veth", "peer", "name", tmp_b)
    sh("ip", "link", "set", tmp_a, "netns", ns_a.name)
    sh("ip", "link", "set", tmp_b, "netns", ns_b.name)
    ns_a("ip", "link", "set", tmp_a, "name", if_a)
    ns_b("ip", "link", "set", tmp_b, "name", if_b)
    ns_a("ip", "link", "set", if_a, "up")
    ns_b("ip", "link", "set", if_b, "up")
