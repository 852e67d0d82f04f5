"""Entity names: fold Kubernetes pod names to the workload (service) they belong to.

A caller may rely on: plain names come back unchanged (only whitespace is trimmed); a name
is folded only when its suffix has the exact shape Kubernetes generates.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Kubernetes builds generated suffixes from this alphabet (no vowels, no 0, 1 or 3) so that
# they never spell words; requiring it keeps names such as "order-proxy" intact.
_K8S = "[bcdfghjklmnpqrstvwxz2456789]"

_DEPLOYMENT = re.compile(rf"^(?P<base>.+)-{_K8S}{{6,10}}-{_K8S}{{5}}$")
_CRONJOB = re.compile(rf"^(?P<base>.+)-\d{{8,10}}-{_K8S}{{5}}$")
_GENERATED = re.compile(rf"^(?P<base>.+)-{_K8S}{{5}}$")  # daemonset, job, bare generateName
_STATEFULSET = re.compile(r"^(?P<base>.+\D)-\d{1,3}$")


@lru_cache(maxsize=4096)
def service_of(name: str) -> str:
    """The workload a pod belongs to.

    ``ts-basic-service-5dc8d4f9fd-llznp`` -> ``ts-basic-service`` (deployment),
    ``redis-0`` -> ``redis`` (statefulset), ``node-exporter-x7k2p`` -> ``node-exporter``
    (daemonset); any other name is returned as given.
    """
    name = name.strip()
    for pattern in (_DEPLOYMENT, _CRONJOB, _GENERATED, _STATEFULSET):
        m = pattern.match(name)
        if m:
            return m.group("base")
    return name
