# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""multihomed.rke2.play_ready: the problems of every host of the play, judged once, so that all stop together.

The roles' preflights each wrote this as a Jinja chain over hostvars; the judgement is here, once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase


def judge(step, problems, results, lost, noun="host"):
    """The failure message for ``problems`` (listed first), each host's result's problems in play order, and the
    hosts ``lost`` before the step; None when there is nothing."""
    found = [str(p) for p in problems or []]
    for result in results:
        found += [str(p) for p in ((result or {}).get("problems") or []) if isinstance(result, dict)]
    if lost:
        found.append(f"hosts {', '.join(lost)} failed before the {step} ended")
    if not found:
        return None, []
    return f"{step} failed, nothing was changed on any {noun}:\n  - " + "\n  - ".join(found), found


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("step", "result", "problems", "noun"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self._task.args
        if not args.get("step") or not args.get("result"):
            return dict(result, failed=True, msg="play_ready: step and result are required")
        hosts = list(task_vars.get("ansible_play_hosts") or [])
        lost = [h for h in task_vars.get("ansible_play_hosts_all") or [] if h not in hosts]
        hostvars = task_vars.get("hostvars") or {}
        results = [hostvars[h].get(args["result"]) if h in hostvars else None for h in hosts]
        msg, found = judge(args["step"], args.get("problems"), results, lost, args.get("noun") or "host")
        if msg:
            return dict(result, failed=True, msg=msg, problems=found)
        return dict(result, changed=False, problems=[])
