"""The options the commands share, and how their values become the library's settings."""
from __future__ import annotations

import click

FORMATS = ("text", "json", "sarif", "markdown", "junit", "html", "record", "record-html")
AUDIT_FORMATS = ("text", "csv", "json", "markdown", "html")
SEVERITY_CHOICES = ("info", "warning", "error", "never")


def _pairs(values, option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        if "=" not in value:
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint=option)
        key, _, item = value.partition("=")
        pairs[key.strip()] = item.strip()
    return pairs


def _number(text: str):
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def _common_options(function=None, *, formats=FORMATS):
    if function is None:
        return lambda f: _common_options(f, formats=formats)
    options = [
        click.option("--format", "fmt", type=click.Choice(formats), default="text", show_default=True,
                     help="Report format; machine formats go to stdout. html: one self-contained page; "
                          "record: the release assessment record (Markdown; record-html: the same as a page)."),
        click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report to a file."),
        click.option("--fail-on", type=click.Choice(SEVERITY_CHOICES), default=None,
                     help="Exit 1 when a finding is at or above this severity (default: error)."),
        click.option("--config", type=click.Path(dir_okay=False), help="TOML config (default: sharecheck.toml, then [tool.sharecheck] in pyproject.toml)."),
        click.option("--policy", help="Release policy from rules/policy.yaml (default: open-data)."),
        click.option("--k", "k_min", type=click.IntRange(1), help="Minimum group size (policy k)."),
        click.option("--threshold", "thresholds", multiple=True, metavar="NAME=VALUE",
                     help="Change one policy threshold, e.g. --threshold t_max=0.3."),
        click.option("--qi", multiple=True, metavar="COLUMN", help="Treat COLUMN as a quasi-identifier (repeatable)."),
        click.option("--sensitive", multiple=True, metavar="COLUMN", help="Treat COLUMN as a sensitive attribute."),
        click.option("--ignore", multiple=True, metavar="COLUMN", help="Leave COLUMN out of every model."),
        click.option("--role", "roles", multiple=True, metavar="COLUMN=ROLE",
                     help="Set any role: direct_identifier, quasi_identifier, sensitive, pseudonym, other."),
        click.option("--entity-id", help="Column naming the person behind each row (trips, requests): models count persons."),
        click.option("--population", "population_size", type=click.IntRange(1), help="Size of the population the release samples."),
        click.option("--sampling-fraction", type=click.FloatRange(0, 1, min_open=True), help="Share of the population in the release."),
        click.option("--population-table", type=click.Path(dir_okay=False), help="The population with the same quasi-identifiers (journalist and marketer risk)."),
        click.option("--hierarchy", "hierarchies", multiple=True, metavar="COLUMN=FILE",
                     help="Generalisation hierarchy (ARX CSV) of a sensitive attribute, for hierarchical t-closeness."),
        click.option("--select", multiple=True, metavar="CODE", help="Run only these rules (codes or prefixes such as KA3)."),
        click.option("--ignore-rule", "ignore_rules", multiple=True, metavar="CODE", help="Skip these rules."),
        click.option("--null-mode", type=click.Choice(["value", "wildcard"]), help="Missing QI values: own value (default) or wildcard."),
        click.option("--max-msu-size", type=click.IntRange(1, 8), help="Largest column set searched for minimal uniques (default 4)."),
        click.option("--no-inference", is_flag=True, help="Skip the attribute-inference model."),
        click.option("--nlp-model", help="An installed spaCy model for names in free text (never downloaded)."),
        click.option("--sheet", help="Excel sheet to read (default: every sheet with data, each a table of its own)."),
        click.option("--header", type=click.Choice(["auto", "yes", "no"]),
                     help="Whether a CSV's first line (a sheet's first row) is a header (default auto: judged from the file)."),
        click.option("--about", type=click.Choice(["people", "events", "organisations", "places", "things", "counts"]),
                     help="What a row is about, overriding detection (the report shows the evidence either way)."),
        click.option("--baseline", type=click.Path(dir_okay=False), help="An earlier JSON report: its findings are listed as accepted, not failed."),
        click.option("--show-values", is_flag=True, help="Show raw example values in the report (off by default)."),
        click.option("--limit", "limits", multiple=True, metavar="NAME=N",
                     help="Raise or lower a reading limit: line_bytes, cell_bytes, depth, columns, workbook_bytes, column_pairs."),
        click.option("-v", "--verbose", is_flag=True, help="List every column and log progress."),
        click.option("-q", "--quiet", is_flag=True, help="No progress on stderr."),
        click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _settings(kwargs) -> dict:
    thresholds = {key: _number(value) for key, value in _pairs(kwargs.pop("thresholds"), "--threshold").items()}
    k_min = kwargs.pop("k_min")
    if k_min is not None:
        thresholds["k_min"] = k_min
    return dict(
        fail_on=kwargs.pop("fail_on"), policy=kwargs.pop("policy"), thresholds=thresholds,
        qi=kwargs.pop("qi"), sensitive=kwargs.pop("sensitive"), ignore=kwargs.pop("ignore"),
        roles=_pairs(kwargs.pop("roles"), "--role"), entity_id=kwargs.pop("entity_id"),
        population_size=kwargs.pop("population_size"), sampling_fraction=kwargs.pop("sampling_fraction"),
        population_table=kwargs.pop("population_table"), hierarchies=_pairs(kwargs.pop("hierarchies"), "--hierarchy"),
        select=kwargs.pop("select"), ignore_rules=kwargs.pop("ignore_rules"), null_mode=kwargs.pop("null_mode"),
        max_msu_size=kwargs.pop("max_msu_size"), inference=False if kwargs.pop("no_inference") else None,
        nlp_model=kwargs.pop("nlp_model"), sheet=kwargs.pop("sheet"), header=kwargs.pop("header"),
        show_values=True if kwargs.pop("show_values") else None, baseline=kwargs.pop("baseline"),
        about=kwargs.pop("about"),
        limits=_pairs(kwargs.pop("limits"), "--limit"),
    )


_INDEX_OPTION = click.option("--index", "index_path", type=click.Path(dir_okay=False), default="sharecheck-catalogue.sqlite",
                             show_default=True, help="The catalogue index (an SQLite file).")
