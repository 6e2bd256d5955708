"""Airflow (TaskFlow API): a task that fails the DAG run on a failing verdict, before the publish task.

Put this file and sharecheck_gate.py in the DAGs folder; trigger with {"path": "..."}.
"""
from __future__ import annotations

import shutil
from pathlib import Path

try:  # Airflow 3
    from airflow.sdk import dag, task
    from airflow.sdk.exceptions import AirflowFailException
except ImportError:  # Airflow 2
    from airflow.decorators import dag, task
    from airflow.exceptions import AirflowFailException

from sharecheck_gate import ReleaseBlocked, require_pass


@dag(schedule=None, catchup=False, params={"path": "release.csv", "target": "published", "catalogue": None},
     tags=["publishing"])
def publish_release():
    @task
    def sharecheck_release(params=None) -> str:
        try:
            require_pass(params["path"], catalogue=params["catalogue"])
        except ReleaseBlocked as exc:
            raise AirflowFailException(str(exc)) from None  # fail at once: a retry gives the same verdict
        return params["path"]

    @task
    def publish(path: str, params=None) -> str:
        Path(params["target"]).mkdir(parents=True, exist_ok=True)
        return shutil.copy(path, params["target"])

    publish(sharecheck_release())


publish_release()
