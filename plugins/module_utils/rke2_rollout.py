# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The order in which the rke2 role (re)starts RKE2: batches of nodes, only nodes with a change.

The bootstrap server goes alone first, then each other server alone, then the agents ``agent_serial`` at a time.
A node is in a batch when one of its registered results (install, images, config, drop-ins, manifests) changed.

Pure Python, no Ansible: the filter multihomed.rke2.rke2_restart_batches adapts it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from typing import Any, List, Mapping, Sequence


class Rke2RolloutError(ValueError):
    """A bad input, naming the field."""


def result_changed(result: Any) -> bool:
    """Like Ansible's ``changed`` test: a registered result changed, or one of its loop results did."""
    if not isinstance(result, Mapping):
        return False
    if "changed" in result:
        return bool(result["changed"])
    return any(isinstance(r, Mapping) and bool(r.get("changed")) for r in result.get("results") or [])


def restart_batches(servers: Sequence[str], bootstrap: str, agents: Sequence[str], play_hosts: Sequence[str],
                    changed: Mapping[str, bool], agent_serial: Any) -> List[List[str]]:
    """Batches of nodes to (re)start, in order; ``changed`` maps a host to whether it has a change this run.

    Hosts not in ``play_hosts`` (failed or not targeted) are left out, like hosts without a change. Agents that are
    also servers count as servers.
    """
    try:
        serial = int(agent_serial)
    except (TypeError, ValueError):
        raise Rke2RolloutError(f"rke2_agent_serial must be an integer >= 1, got {agent_serial!r}") from None
    if serial < 1:
        raise Rke2RolloutError(f"rke2_agent_serial must be an integer >= 1, got {serial}")
    servers = list(servers)
    ordered = [bootstrap] + [h for h in servers if h != bootstrap] + [h for h in agents if h not in servers]
    due = [h for h in ordered if h in play_hosts and changed.get(h, False)]
    batches = [[h] for h in due if h in servers]
    rest = [h for h in due if h not in servers]
    batches.extend(rest[i:i + serial] for i in range(0, len(rest), serial))
    return batches
