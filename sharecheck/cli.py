"""The command line: parse, call the library, render, exit. Nothing else lives here.

Exit codes: 0 pass, 1 findings at or above --fail-on, 2 usage, input or internal error.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from . import __version__

EXIT_PASS, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "markdown", "junit")
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


def _common_options(function):
    options = [
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                     help="Report format; machine formats go to stdout."),
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
        click.option("--sheet", help="Excel sheet to read (default: the first with data)."),
        click.option("--baseline", type=click.Path(dir_okay=False), help="An earlier JSON report: its findings are listed as accepted, not failed."),
        click.option("--show-values", is_flag=True, help="Show raw example values in the report (off by default)."),
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
        nlp_model=kwargs.pop("nlp_model"), sheet=kwargs.pop("sheet"),
        show_values=True if kwargs.pop("show_values") else None, baseline=kwargs.pop("baseline"),
    )


def _setup_logging(verbose: bool, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.INFO if verbose or sys.stderr.isatty() else logging.WARNING)
    logging.basicConfig(level=level, format="sharecheck: %(message)s", stream=sys.stderr, force=True)


def _emit(report, fmt: str, output: str | None, verbose: bool) -> int:
    from .render import render

    to_terminal = output is None and sys.stdout.isatty()
    width = min(max(os.get_terminal_size().columns if to_terminal else 80, 60), 120) if to_terminal else 80
    text = render(report, fmt, color=to_terminal and fmt == "text" and "NO_COLOR" not in os.environ,
                  width=width, verbose=verbose)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    return EXIT_FINDINGS if report.verdict == "fail" else EXIT_PASS


def _run(action, debug: bool) -> int:
    from .errors import SharecheckError

    try:
        return action()
    except SharecheckError as exc:
        click.echo(f"sharecheck: error: {exc}", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        click.echo("sharecheck: interrupted", err=True)
        return EXIT_ERROR
    except MemoryError:
        click.echo("sharecheck: error: out of memory; try a smaller file or fewer columns", err=True)
        return EXIT_ERROR
    except Exception as exc:  # a bug must still end with one line and exit 2, not a traceback
        if debug:
            raise
        click.echo(f"sharecheck: internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                   "(rerun with --debug for the traceback)", err=True)
        return EXIT_ERROR


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sharecheck")
def cli() -> None:
    """Can a person be identified from this release, alone or joined with what is already out there?"""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_common_options
@click.option("--engine", type=click.Choice(["polars", "duckdb", "spark"]), default="polars", show_default=True,
              help="Where the records are counted: polars (streaming), DuckDB (larger than memory) or Spark "
                   "(the session getOrCreate finds; PATHS may be table names).")
@click.option("--memory-limit", metavar="SIZE", help="DuckDB memory limit, e.g. 4GB; beyond it DuckDB spills to --temp-dir.")
@click.option("--temp-dir", type=click.Path(file_okay=False), help="Where DuckDB spills when over --memory-limit.")
def scan(paths, fmt, output, verbose, quiet, debug, engine, memory_limit, temp_dir, **kwargs) -> None:
    """Scan releases (CSV, TSV, Parquet, JSON, NDJSON, Excel, GeoJSON, datapackage.json)."""
    _setup_logging(verbose, quiet)
    settings = _settings(kwargs)

    def action() -> int:
        from .config import resolve_options
        from .errors import UsageError
        from .pipeline import scan_paths

        options = resolve_options(kwargs.get("config"), **settings)
        if engine == "polars":
            if memory_limit or temp_dir:
                raise UsageError("--memory-limit and --temp-dir apply to --engine duckdb")
            report = scan_paths(paths, options)
        else:
            from .engines.models import scan_on_engine

            report = scan_on_engine(paths, options, engine, memory_limit=memory_limit, temp_dir=temp_dir)
        return _emit(report, fmt, output, verbose)

    sys.exit(_run(action, debug))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--on", "on", multiple=True, metavar="A_COL=B_COL", help="Force a join column pair (two releases only).")
@click.option("--window-minutes", type=click.FloatRange(0, min_open=True), help="Timestamps this close link (default 5).")
@click.option("--distance-m", type=click.FloatRange(0, min_open=True), help="Points this close link (default 100 m).")
@click.option("--max-k", type=click.IntRange(1), help="'Linked to at most k' counts up to this k (default: policy k - 1).")
@_common_options
def join(paths, on, window_minutes, distance_m, max_k, fmt, output, verbose, quiet, debug, **kwargs) -> None:
    """Check whether releases joined together identify people (each pair, and the chain)."""
    _setup_logging(verbose, quiet)
    settings = _settings(kwargs)
    settings.update(window_minutes=window_minutes, distance_m=distance_m, max_k=max_k)
    config = kwargs.get("config")

    def action() -> int:
        from .errors import UsageError
        from .join import check_join

        if len(paths) < 2:
            raise UsageError("join needs at least two releases")
        pairs = tuple(_pairs(on, "--on").items())
        if pairs and len(paths) != 2:
            raise UsageError("--on applies to exactly two releases")
        report = check_join(*paths, on=pairs, config=config, **{k: v for k, v in settings.items() if v not in (None, (), {})})
        return _emit(report, fmt, output, verbose)

    sys.exit(_run(action, debug))


@cli.group()
def catalogue() -> None:
    """Index a portal's releases and check a new release against all of them."""


_INDEX_OPTION = click.option("--index", "index_path", type=click.Path(dir_okay=False), default="sharecheck-catalogue.sqlite",
                             show_default=True, help="The catalogue index (an SQLite file).")


@catalogue.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_INDEX_OPTION
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.option("--debug", is_flag=True, hidden=True)
def catalogue_index(paths, index_path, quiet, debug) -> None:
    """Add releases (files or folders) to the index; unchanged files are skipped."""
    _setup_logging(not quiet, quiet)

    def action() -> int:
        from .catalogue import Catalogue

        with Catalogue(index_path) as index:
            added = index.add(paths)
            total = len(index.releases())
        skipped = f"; {len(index.skipped)} files skipped (unreadable)" if index.skipped else ""
        click.echo(f"{len(added)} releases indexed or refreshed; {total} in {index_path}{skipped}")
        return EXIT_PASS

    sys.exit(_run(action, debug))


@catalogue.command("list")
@_INDEX_OPTION
def catalogue_list(index_path) -> None:
    """List the indexed releases."""

    def action() -> int:
        from .catalogue import Catalogue, _existing

        with Catalogue(_existing(index_path)) as index:
            for release in index.releases():
                about = "people" if release.about_people else "things"
                click.echo(f"{release.name:40} {release.records:>10,} records  {release.kind:9} about {about}  {release.path}")
        return EXIT_PASS

    sys.exit(_run(action, False))


@catalogue.command("check")
@click.argument("path", type=click.Path())
@_INDEX_OPTION
@click.option("--max-partners", type=click.IntRange(1), default=10, show_default=True,
              help="Run the full join check on this many best-matching indexed releases.")
@_common_options
def catalogue_check(path, index_path, max_partners, fmt, output, verbose, quiet, debug, **kwargs) -> None:
    """Check a new release against every indexed release it could be joined with."""
    _setup_logging(verbose, quiet)
    settings = _settings(kwargs)
    config = kwargs.get("config")

    def action() -> int:
        from .catalogue import check_against_catalogue

        report = check_against_catalogue(path, index_path, max_partners=max_partners, config=config,
                                         **{k: v for k, v in settings.items() if v not in (None, (), {})})
        return _emit(report, fmt, output, verbose)

    sys.exit(_run(action, debug))


@cli.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def rules(code, fmt) -> None:
    """List the rules, or explain one (sharecheck rules KA301)."""

    def action() -> int:
        from .rule_docs import explain_rule, list_rules

        click.echo(explain_rule(code, "json" if fmt == "json" else "text") if code else list_rules(fmt), nl=False)
        return EXIT_PASS

    sys.exit(_run(action, False))


def main() -> None:
    cli(prog_name="sharecheck")


if __name__ == "__main__":
    main()
