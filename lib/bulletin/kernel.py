"""The kernel every render runs in: this project's own Python environment.

Papermill would look the notebook's kernel name up among the kernels the user has installed,
which may point at any Python on the machine. The renderer instead starts its kernels with
:class:`ProjectKernelManager`, whose kernel is always the interpreter running the renderer (the
project's ``.venv``), over IPC sockets so that other local users cannot connect to it.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import weakref
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import KernelManager


def project_kernel_spec() -> KernelSpec:
    """A kernel spec that runs ipykernel in the current interpreter."""
    return KernelSpec(
        argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name="Python (bulletin project)",
        language="python",
        metadata={"debugger": False},
    )


class ProjectKernelManager(KernelManager):
    """A kernel manager that ignores installed kernel specs and runs the project's Python."""

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        if kwargs["transport"] == "ipc" and "ip" not in kwargs:
            # IPC sockets live in a folder only this user can enter (mkdtemp makes it 0700).
            socket_dir = tempfile.mkdtemp(prefix="bulletin-kernel-")
            kwargs["ip"] = str(Path(socket_dir) / "kernel")
            weakref.finalize(self, shutil.rmtree, socket_dir, ignore_errors=True)
        super().__init__(**kwargs)

    @property
    def kernel_spec(self) -> KernelSpec:
        return project_kernel_spec()
