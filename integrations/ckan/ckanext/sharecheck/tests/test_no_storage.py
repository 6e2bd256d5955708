"""A CKAN without file storage: the plugin stays out of the way."""
from __future__ import annotations

import pytest

from ckan.plugins import toolkit
from ckan.tests import factories
from ckan.tests.helpers import call_action


@pytest.mark.usefixtures("clean_db", "with_plugins")
@pytest.mark.ckan_config("ckan.plugins", "sharecheck")
@pytest.mark.ckan_config("ckan.storage_path", "")
@pytest.mark.ckan_config("ckanext.sharecheck.mode", "block")
def test_a_portal_without_file_storage_is_left_alone():
    dataset = factories.Dataset()
    resource = call_action("resource_create", package_id=dataset["id"], url="http://example.invalid/trees.csv")
    call_action("package_patch", id=dataset["id"], notes="changed")
    with pytest.raises(toolkit.ObjectNotFound):
        call_action("sharecheck_report_show", resource_id=resource["id"])
