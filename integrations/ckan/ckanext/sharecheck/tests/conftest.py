"""CKAN's pytest plugin runs these (pytest --ckan-ini=test.ini) against real PostgreSQL and Redis.

Solr is the one service not run: dataset changes are not sent to a search index and dataset
searches (which CKAN's organization pages make) find nothing. No part of the extension searches.
"""
from __future__ import annotations

import os
import shutil

import pytest

import ckan.lib.search.index
import ckan.lib.search.query
from ckan.lib import jobs as ckan_jobs
from ckan.tests import factories

from ckanext.sharecheck import settings


def _empty_search(self, query, permission_labels=None, **kwargs):
    self.results, self.count, self.facets = [], 0, {}
    return {"results": [], "count": 0}


@pytest.fixture(autouse=True)
def _no_solr(monkeypatch):
    # Where CKAN 2.11 and 2.12 both send datasets to Solr (2.12 no longer via dispatch_by_operation).
    for method in ("index_package", "delete_package", "commit"):
        monkeypatch.setattr(ckan.lib.search.index.PackageSearchIndex, method, lambda *args, **kwargs: None)
    monkeypatch.setattr(ckan.lib.search.query.PackageSearchQuery, "run", _empty_search)


@pytest.fixture
def portal(clean_db, clean_queues, with_plugins, ckan_config, monkeypatch, tmp_path):
    """A clean CKAN with the plugin loaded, its own storage and an empty catalogue."""
    storage = tmp_path / "storage"
    storage.mkdir()
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(storage))
    yield storage
    shutil.rmtree(storage, ignore_errors=True)


def run_jobs() -> None:
    """Work the queue in this process (CKAN's with_test_worker fixture stops the fork)."""
    ckan_jobs.Worker([settings.queue()]).work(burst=True)


@pytest.fixture
def sysadmin():
    return factories.Sysadmin()


@pytest.fixture
def org_editor():
    editor = factories.User()
    org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    return editor, org


def catalogue_names() -> list[str]:
    from sharecheck.catalogue import Catalogue

    path = settings.catalogue_path()
    if not os.path.isfile(path):
        return []
    with Catalogue(path) as catalogue:
        return sorted(release.name for release in catalogue.releases())
