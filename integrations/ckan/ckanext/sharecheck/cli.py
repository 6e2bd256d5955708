"""`ckan sharecheck scan-all`: re-check every published upload and rebuild the catalogue."""
from __future__ import annotations

import os

import click

from ckan.plugins import toolkit


@click.group(short_help="sharecheck: re-identification checks of uploaded resources")
def sharecheck():
    pass


@sharecheck.command("scan-all")
@click.option("--dataset", "datasets", multiple=True, help="Only these datasets (name or id; repeatable).")
def scan_all(datasets):
    """Rebuild the catalogue from what is published, then re-check every uploaded resource
    against it (each against all the others)."""
    import ckan.model as model

    from . import check, files, jobs, reports, settings

    query = (model.Session.query(model.Resource.id, model.Package.id).join(model.Package)
             .filter(model.Resource.state == "active", model.Package.state == "active")
             .filter(model.Resource.url_type == "upload"))
    if datasets:
        query = query.filter(model.Package.name.in_(datasets) | model.Package.id.in_(datasets))
    pairs = query.order_by(model.Package.name, model.Resource.position).all()
    system = {"ignore_auth": True}
    catalogue = settings.catalogue_path()
    if not datasets and os.path.isfile(catalogue):
        os.remove(catalogue)  # a fresh index: nothing stale survives
    entries = []
    for resource_id, package_id in pairs:
        resource = toolkit.get_action("resource_show")(dict(system), {"id": resource_id})
        package = toolkit.get_action("package_show")(dict(system), {"id": package_id})
        entries.append((resource, package))
        # Index first what the public can already download, so every check sees all the others.
        if files.checkable(resource):
            jobs.sync_catalogue(resource, package, reports.get(resource_id))
    tally: dict[str, int] = {}
    for resource, package in entries:
        report = jobs.run_check(resource)
        jobs.sync_catalogue(resource, package, report)
        jobs.broadcast(resource["id"], report)
        outcome = report.get("verdict") or report["status"]
        tally[outcome] = tally.get(outcome, 0) + 1
        if report["status"] == "checked":
            line = f"{outcome:5} {package['name']}/{files.file_name(resource)}"
            if outcome == "fail":
                line += f": {check.describe(report, limit=3)}"
            click.echo(line)
    summary = ", ".join(f"{count} {name}" for name, count in sorted(tally.items())) or "nothing to check"
    click.echo(f"{len(entries)} resources: {summary}; catalogue {catalogue}")


def get_commands():
    return [sharecheck]
