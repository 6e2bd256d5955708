"""Prefect: a task that fails the flow on a failing verdict, before the publish task.

    python prefect_example.py path/to/release.csv       (sharecheck_gate.py beside it)
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from prefect import flow, task

from sharecheck_gate import require_pass


@task(retries=0)
def sharecheck_release(path: str, catalogue: str | None = None) -> dict:
    return require_pass(path, catalogue=catalogue)  # raises ReleaseBlocked: the task and flow fail


@task
def publish(path: str, target: str) -> str:
    Path(target).mkdir(parents=True, exist_ok=True)
    return shutil.copy(path, target)


@flow(name="publish-release")
def publish_release(path: str, target: str = "published", catalogue: str | None = None) -> str:
    sharecheck_release(path, catalogue)
    return publish(path, target)


if __name__ == "__main__":
    publish_release(sys.argv[1])
