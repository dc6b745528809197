# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The roles' controller-side steps (action plugins network_model, rke2_cluster, play_ready): where they run and
    # what they do to hosts (nothing).
    DOCUMENTATION = r"""
attributes:
  action:
    description: Runs on the controller as an action plugin.
    support: full
  async:
    description: Not supported.
    support: none
  bypass_host_loop:
    description: Runs per host of the play; the roles add C(run_once) where one call serves every host.
    support: none
  check_mode:
    description: Changes nothing in any mode.
    support: full
  diff_mode:
    description: Nothing to diff.
    support: none
  platform:
    description: Runs on the controller.
    support: full
    platforms: all
"""
