"""A workflow file committed as a link to a device (found by an independent attack): the
verdict cache's key read every workflow file with a plain read that followed links without a
bound, so ``workflow/sop.yml.sig -> /dev/zero`` grew every cached command (build, preview,
validate, sign, status) until memory ran out. The key reads the files as the workflow is
read (a regular file, no link, at most 1 MiB), and the run refuses the link with exit 2."""

from __future__ import annotations

import os
import resource
import subprocess

import pytest

from helpers import Repo, warta_exe


def _limited() -> None:
    """At most 1 GiB of memory: the old reading ends in MemoryError, not on the host."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("rel", ["workflow/sop.yml.sig", "workflow/roster.yml",
                                 "workflow/site-manifest.yml", "workflow/trust-root"])
@pytest.mark.parametrize("command", [["validate"], ["status"], ["build", "-d", "keluaran"]])
def test_a_workflow_file_linked_to_a_device_is_refused_not_read(
    repo: Repo, rel: str, command: list[str]
) -> None:
    path = repo.path(rel)
    assert path.is_file()
    path.unlink()
    os.symlink("/dev/zero", path)
    repo.commit_all("tautan")
    result = subprocess.run([warta_exe(), *command], cwd=repo.root, env=repo.env,
                            capture_output=True, text=True, timeout=120, check=False,
                            preexec_fn=_limited)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-2000:]
    assert result.returncode in (0, 1, 2), output[-2000:]
    if command[0] != "status":  # (status says only that the workflow is not trusted)
        assert rel in output, output[-2000:]
    if command[0] == "validate":  # the workflow is refused or untrusted
        assert result.returncode in (1, 2), output[-2000:]
