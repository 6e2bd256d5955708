"""Worker processes that fill the cores run polars on one thread each; a user's setting is kept."""
from __future__ import annotations

import os

from sharecheck.audit import _worker_environment


def test_one_polars_thread_per_worker_while_the_pool_lives(monkeypatch):
    monkeypatch.delenv("POLARS_MAX_THREADS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    with _worker_environment(2):
        assert os.environ["POLARS_MAX_THREADS"] == "1"
    assert "POLARS_MAX_THREADS" not in os.environ
    with _worker_environment(1):  # one worker on two cores: its polars may use both
        assert "POLARS_MAX_THREADS" not in os.environ


def test_a_thread_count_the_user_set_is_kept(monkeypatch):
    monkeypatch.setenv("POLARS_MAX_THREADS", "3")
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    with _worker_environment(2):
        assert os.environ["POLARS_MAX_THREADS"] == "3"
    assert os.environ["POLARS_MAX_THREADS"] == "3"
