"""The commands: each parses its arguments, calls the library and returns an exit code."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import __version__
from .options import _INDEX_OPTION, AUDIT_FORMATS, FORMATS, _common_options, _pairs, _settings
from .output import _check_output, _emit
from .running import EXIT_ERROR, EXIT_FINDINGS, EXIT_PASS, _OneLineGroup, _quiet_libraries, _run, _setup_logging


@click.group(cls=_OneLineGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
        from ..config import resolve_options
        from ..errors import UsageError
        from ..pipeline import scan_paths

        _check_output(output, paths)
        from ..progress import activity

        options = resolve_options(kwargs.get("config"), **settings)
        with activity("scanning", quiet=quiet, verbose=verbose):
            if engine == "polars":
                if memory_limit or temp_dir:
                    raise UsageError("--memory-limit and --temp-dir apply to --engine duckdb")
                report = scan_paths(paths, options)
            else:
                from ..engines.models import scan_on_engine

                report = scan_on_engine(paths, options, engine, memory_limit=memory_limit, temp_dir=temp_dir)
        return _emit(report, fmt, output, verbose, kwargs.get("config"))

    sys.exit(_run(action, debug, kwargs.get("config"), settings["limits"]))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--on", "on", multiple=True, metavar="A_COL=B_COL", help="Force a join column pair (two releases only).")
@click.option("--window-minutes", type=click.FloatRange(0, min_open=True), help="Timestamps this close link (default 5).")
@click.option("--distance-m", type=click.FloatRange(0, min_open=True), help="Points this close link (default 100 m).")
@click.option("--max-k", type=click.IntRange(1), help="'Linked to at most k' counts up to this k (default: policy k - 1).")
@click.option("--overlap", type=click.FloatRange(0, 1, min_open=True),
              help="Share of the smaller release's people assumed to be in the larger one (default 1).")
@_common_options
def join(paths, on, window_minutes, distance_m, max_k, overlap, fmt, output, verbose, quiet, debug, **kwargs) -> None:
    """Check whether releases joined together identify people (each pair, and the chain)."""
    _setup_logging(verbose, quiet)
    settings = _settings(kwargs)
    settings.update(window_minutes=window_minutes, distance_m=distance_m, max_k=max_k, overlap=overlap)
    config = kwargs.get("config")

    def action() -> int:
        from ..errors import UsageError
        from ..join import check_join

        if len(paths) < 2:
            raise UsageError("join needs at least two releases")
        pairs = tuple(_pairs(on, "--on").items())
        if pairs and len(paths) != 2:
            raise UsageError("--on applies to exactly two releases")
        _check_output(output, paths)
        from ..progress import activity

        with activity("joining", quiet=quiet, verbose=verbose):
            report = check_join(*paths, on=pairs, config=config, **{k: v for k, v in settings.items() if v not in (None, (), {})})
        return _emit(report, fmt, output, verbose, config)

    sys.exit(_run(action, debug, config, settings["limits"]))


@cli.group()
def catalogue() -> None:
    """Index a portal's releases and check a new release against all of them."""


@catalogue.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_INDEX_OPTION
@click.option("-v", "--verbose", is_flag=True, help="Progress, and the libraries' own log lines.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.option("--debug", is_flag=True, hidden=True)
def catalogue_index(paths, index_path, verbose, quiet, debug) -> None:
    """Add releases (files or folders) to the index; unchanged files are skipped, vanished ones pruned."""
    _setup_logging(verbose, quiet)
    _quiet_libraries(verbose)

    def action() -> int:
        from ..catalogue import Catalogue
        from ..progress import activity

        with Catalogue(index_path) as index, activity("indexing", quiet=quiet):
            added = index.add(paths)
            total = len(index.releases())
        skipped = f"; {len(index.skipped)} files skipped (unreadable)" if index.skipped else ""
        pruned = f"; {index.pruned} pruned (gone)" if index.pruned else ""
        click.echo(f"{len(added)} releases indexed or refreshed; {total} in {index_path}{skipped}{pruned}")
        return EXIT_PASS

    sys.exit(_run(action, debug))


@catalogue.command("remove")
@click.argument("targets", nargs=-1, required=True)
@_INDEX_OPTION
def catalogue_remove(targets, index_path) -> None:
    """Drop releases from the index, by path (file or package folder) or by name."""

    def action() -> int:
        from ..catalogue import Catalogue, _existing

        with Catalogue(_existing(index_path), create=False) as index:
            removed = sum(index.remove(target) for target in targets)
        click.echo(f"{removed} releases removed from {index_path}")
        return EXIT_PASS if removed else EXIT_ERROR

    sys.exit(_run(action, False))


@catalogue.command("list")
@_INDEX_OPTION
def catalogue_list(index_path) -> None:
    """List the indexed releases."""

    def action() -> int:
        from ..catalogue import Catalogue, _existing

        with Catalogue(_existing(index_path), create=False) as index:
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
    _quiet_libraries(verbose)
    settings = _settings(kwargs)
    config = kwargs.get("config")

    def action() -> int:
        from ..catalogue import check_against_catalogue
        from ..progress import activity

        _check_output(output, (path, index_path))
        with activity("checking", quiet=quiet, verbose=verbose):
            report = check_against_catalogue(path, index_path, max_partners=max_partners, config=config,
                                             **{k: v for k, v in settings.items() if v not in (None, (), {})})
        return _emit(report, fmt, output, verbose, config)

    sys.exit(_run(action, debug, config, settings["limits"]))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out-dir", type=click.Path(file_okay=False), help="Also write each release's own report into this folder.")
@click.option("--release-format", type=click.Choice(FORMATS), default="json", show_default=True,
              help="Format of the per-release reports in --out-dir.")
@click.option("-j", "--jobs", type=click.IntRange(1), help="Workers (default: one per core).")
@click.option("--pool", "pool_kind", type=click.Choice(["process", "thread"]), default="process", show_default=True,
              help="Workers as processes (isolated, one import each) or threads in this process.")
@click.option("--max-partners", type=click.IntRange(0), default=3, show_default=True,
              help="Join-check each release with this many best-matching other releases (0: no pair checks).")
@_common_options(formats=AUDIT_FORMATS)
def audit(paths, out_dir, release_format, jobs, pool_kind, max_partners, fmt, output, verbose, quiet, debug, **kwargs) -> None:
    """Audit every release under folders (portal exports, data packages): each scanned, every pair that links checked.

    Exit 1 when a release or pair has findings at or above --fail-on; 2 when none do but a file
    could not be read (the audit is incomplete), or on a usage error.
    """
    _setup_logging(verbose, quiet)
    settings = _settings(kwargs)
    config = kwargs.get("config")

    def action() -> int:
        _check_output(output, paths)
        from ..audit import audit as run_audit
        from ..audit.summary import render_audit, write_release_reports
        from ..progress import stages

        with stages(quiet=quiet, verbose=verbose) as stage:
            report = run_audit(paths, config=config, workers=jobs, max_partners=max_partners, pool=pool_kind, progress=stage,
                               **{k: v for k, v in settings.items() if v not in (None, (), {})})
        for outcome in report.unreadable:
            click.echo(f"sharecheck: skipped {outcome.error}", err=True)
        if out_dir:
            write_release_reports(report, out_dir, release_format)
        text = render_audit(report, fmt)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
        if report.verdict == "fail":
            return EXIT_FINDINGS
        return EXIT_ERROR if report.unreadable else EXIT_PASS

    sys.exit(_run(action, debug, config, settings["limits"]))


@cli.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def rules(code, fmt) -> None:
    """List the rules, or explain one (sharecheck rules KA301)."""

    def action() -> int:
        from ..rule_docs import explain_rule, list_rules

        click.echo(explain_rule(code, "json" if fmt == "json" else "text") if code else list_rules(fmt), nl=False)
        return EXIT_PASS

    sys.exit(_run(action, False))
