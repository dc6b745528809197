# -*- coding: utf-8 -*-
"""Fixtures shared by the integration suites (the local kube-apiserver ones live in k8s_harness)."""
pytest_plugins = ["k8s_harness"]
