# -*- coding: utf-8 -*-
# Copyright: multihomed.rke2 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: to_manifest_yaml
author: multihomed.rke2 contributors
version_added: 0.1.0
short_description: YAML for Kubernetes manifests, with multi-line strings as literal blocks
description:
  - Like C(to_nice_yaml), but multi-line strings (such as a HelmChartConfig's C(spec.valuesContent)) are written as
    literal blocks (C(|)), so the nested values stay readable in the manifest file.
  - Keys keep their order; the output parses back to the same data.
options:
  _input:
    description: The object to write.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: A HelmChartConfig with readable values
  ansible.builtin.copy:
    dest: /var/lib/rancher/rke2/server/manifests/rke2-canal-config.yaml
    content: "{{ manifest | multihomed.rke2.to_manifest_yaml }}"
    mode: "0600"
"""

RETURN = r"""
_value:
  description: The YAML document.
  type: str
"""

from ansible_collections.multihomed.rke2.plugins.module_utils.rke2_files import manifest_yaml


def to_manifest_yaml(data):
    return manifest_yaml(data)


class FilterModule(object):
    def filters(self):
        return {"to_manifest_yaml": to_manifest_yaml}
