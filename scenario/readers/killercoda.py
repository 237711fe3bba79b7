"""Read a Killercoda index.json (flat step1.md or per-step step1/text.md folders) into the model."""

from __future__ import annotations

import re
from pathlib import Path

from scenario.readers import katacoda
from scenario.readers.common import ReadResult

# Killercoda's own backend images (Katacoda's are different: ubuntu:2004, kubernetes-cluster...).
KILLERCODA_IMAGE = re.compile(r"^(ubuntu-4GB|kubernetes-(kubeadm|k3s)-.*)$")
PER_STEP_TEXT = re.compile(r"^(intro|finish|step\d+)/text\.md$")


def read(root: Path) -> ReadResult:
    """Read `root`/index.json as a Killercoda scenario; both file layouts are plain paths in index.json."""
    return katacoda.read_index(root, "killercoda")
