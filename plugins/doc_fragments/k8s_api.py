# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The collection's Kubernetes API modules (network_attachment, longhorn_setting): where they run and what they
    # need, and how they run in check mode. Their connection options come from kubernetes.core.k8s_auth_options.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Writes are sent as server-side dry-runs; nothing is persisted.
    support: full
  platform:
    description: Runs on the controller (or wherever the kubeconfig is); talks to the Kubernetes API.
    platforms: posix
    support: full
requirements:
  - python >= 3.9
  - kubernetes >= 24.2.0 (Python client)
  - the kubernetes.core collection
"""
