"""ckanext-sharecheck: every uploaded table is checked for re-identification risk, alone and
joined with what the portal already publishes, before (block), while (review) or after (async)
it goes out."""
from __future__ import annotations

import logging
from pathlib import Path

from ckan import plugins
from ckan.plugins import toolkit

from . import check, files, jobs, reports, settings

log = logging.getLogger(__name__)


@toolkit.blanket.config_declarations
class SharecheckPlugin(plugins.SingletonPlugin):
    plugins.implements(plugins.IConfigurer)
    plugins.implements(plugins.IConfigurable)
    plugins.implements(plugins.IResourceController, inherit=True)
    plugins.implements(plugins.IPackageController, inherit=True)
    plugins.implements(plugins.IActions)
    plugins.implements(plugins.IAuthFunctions)
    plugins.implements(plugins.ITemplateHelpers)
    plugins.implements(plugins.IBlueprint)
    plugins.implements(plugins.IClick)

    # IConfigurer / IConfigurable

    def update_config(self, config):
        toolkit.add_template_directory(config, "templates")

    def configure(self, config):
        settings.mode()  # a misspelt mode stops CKAN at start-up, not at the first upload

    # IResourceController

    def before_resource_create(self, context, resource):
        if settings.enabled() and settings.mode() == "block":
            _gate(resource)

    def before_resource_update(self, context, current, resource):
        if settings.enabled() and settings.mode() == "block":
            _gate(resource, replacing=current)

    def after_resource_create(self, context, resource):
        _queue_check(resource)

    def after_resource_update(self, context, resource):
        _queue_check(resource)

    def before_resource_delete(self, context, resource, resources):
        if not settings.enabled():
            return
        for path in files.unlink_release(resource["id"]):
            check.unindex_release(path, settings.catalogue_path())

    # IPackageController: a dataset made private or deleted leaves the catalogue; made public, joins it.

    def after_dataset_update(self, context, pkg_dict):
        _sync_dataset(pkg_dict)

    def after_dataset_delete(self, context, pkg_dict):
        if not settings.enabled():
            return
        package = toolkit.get_action("package_show")({"ignore_auth": True}, {"id": pkg_dict["id"]})
        for resource in package.get("resources", []):
            for path in files.unlink_release(resource["id"]):
                check.unindex_release(path, settings.catalogue_path())

    # IActions / IAuthFunctions / ITemplateHelpers / IBlueprint / IClick

    def get_actions(self):
        from . import logic

        return logic.get_actions()

    def get_auth_functions(self):
        from . import logic

        return logic.get_auth_functions()

    def get_helpers(self):
        from . import helpers

        return helpers.get_helpers()

    def get_blueprint(self):
        from . import views

        return views.get_blueprints()

    def get_commands(self):
        from . import cli

        return cli.get_commands()


def _gate(resource, replacing=None):
    from . import gate

    return gate.refuse_if_failing(resource, replacing=replacing)


def _queue_check(resource):
    if not settings.enabled() or not files.checkable(resource):
        return
    previous = reports.get(resource["id"]) or {}
    # Pending until the worker is done: in review mode the file is held back meanwhile.
    reports.save(resource["id"], {"resource_id": resource["id"], "mode": settings.mode(), "status": "pending",
                                  "verdict": None, "waiver": previous.get("waiver"), "sha256": previous.get("sha256")})
    jobs.enqueue(resource["id"])


def _sync_dataset(pkg_dict):
    if not settings.enabled() or not pkg_dict.get("resources"):
        return
    # The stored dataset, not the update's input (in CKAN 2.12 its new resources have no id yet).
    pkg_dict = toolkit.get_action("package_show")({"ignore_auth": True, "use_cache": False},
                                                  {"id": pkg_dict.get("id") or pkg_dict["name"]})
    indexed = check.indexed_paths(settings.catalogue_path()) if not pkg_dict.get("private") else set()
    for resource in pkg_dict["resources"]:
        if not files.checkable(resource):
            continue
        path = files.release_path(resource)
        if pkg_dict.get("private") or pkg_dict.get("state") == "deleted":
            check.unindex_release(path, settings.catalogue_path())
        elif str(Path(path).resolve()) not in indexed:
            report = reports.get(resource["id"])
            if reports.publishable(report, settings.mode()):
                jobs.sync_catalogue(resource, pkg_dict, report)
