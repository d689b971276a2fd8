"""The `clean` command: a thin typer layer over the library.

Each command body calls one library function. Library errors (`CleanerError`) become one
`error: ...` line plus a hint and the error's exit code, in `main()`, in one place; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import typer
from rich.console import Console

from cleaner import __version__
from cleaner.errors import CleanerError, ConfigError
from cleaner.interrupts import Interrupted, raise_on_signals

app = typer.Typer(
    name="clean",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

DEFAULT_CONFIG = Path("config.yaml")


def _version(value: bool) -> None:
    if value:
        out.print(f"cleaner {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Turn a scraped web dump into a clean, deduplicated Parquet corpus.

    Start with `clean run` (reads raw/, writes clean/), then look at what was removed with
    `clean inspect DOC_ID` and at duplicate clusters with `clean clusters list`.

    Examples:

        clean run -i dump/ -o corpus/

        clean inspect 001_d9eee33f77e48ac1.txt -o corpus/

        clean clusters list -o corpus/ --level passage
    """


@app.command()
def run(
    input: Path = typer.Option(Path("raw"), "--input", "-i", help="Folder (walked recursively, sorted) or single file to read."),
    output: Path = typer.Option(Path("clean"), "--output", "-o", help="Output folder, replaced atomically when the run succeeds."),
    config: Path | None = typer.Option(None, "--config", "-c", help="Configuration file [default: config.yaml if present, else built-in defaults]."),
    workers: int | None = typer.Option(None, "--workers", "-w", min=1, show_default=False,
                                       help="Worker processes (1 = run in this process) [default: one per CPU; "
                                            "an input too small for more than one batch runs in this process]."),
    limit: int | None = typer.Option(None, "--limit", "-n", min=1, help="Process only the first N records, for a quick look."),
    resume: bool = typer.Option(False, "--resume", help="Go on from where a killed run of the same job stopped "
                                "(same input, config and --limit): tasks it finished are not run again; the output "
                                "is what an uninterrupted run writes."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary table."),
) -> None:
    """Clean and deduplicate a dump: read INPUT, run the stages of config.yaml, write Parquet to OUTPUT.

    Examples:

        clean run                                  # raw/ -> clean/ with ./config.yaml

        clean run -i dump/ -o corpus/ -c my.yaml -w 8

        clean run -i crawl.warc.gz --limit 100     # a quick look at the first 100 records

        clean run -i dump/ -o corpus/ --resume     # after a run was killed (kill -9, a lost machine)
    """
    from cleaner.config import load_config
    from cleaner.errors import TooManyErrors
    from cleaner.pipeline.memory import keep_pandas_out, relax_collector
    from cleaner.pipeline.runner import RunOptions, run_pipeline
    from cleaner.reporting import RichProgress, print_summary

    keep_pandas_out()  # this process is the command's own (see cleaner.pipeline.memory)
    relax_collector()
    _setup_logging(verbose, quiet)
    if verbose and quiet:
        raise ConfigError("--verbose and --quiet cannot be used together")
    config_path = config if config is not None else (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    cfg = load_config(config_path)
    options = RunOptions(input=input, output=output, workers=workers or os.cpu_count() or 1, limit=limit,
                         fit_workers=workers is None, resume=resume)
    try:
        if quiet or not err.is_terminal:
            summary = run_pipeline(cfg, options)
        else:
            with RichProgress(err) as progress:
                summary = run_pipeline(cfg, options, progress)
    except TooManyErrors as exc:  # the outputs were written: show what they hold, then the error
        if not quiet and exc.summary is not None:
            print_summary(out, exc.summary, cfg.source)
        raise
    if not quiet:
        print_summary(out, summary, cfg.source)


@app.command("config")
def config_command(
    check: Path | None = typer.Option(None, "--check", help="Validate this file and print it resolved [default: config.yaml if present]."),
    defaults: bool = typer.Option(False, "--defaults", help="Print the commented default configuration instead."),
) -> None:
    """Validate a configuration and print it with every default filled in.

    Examples:

        clean config                      # resolve ./config.yaml

        clean config --check my.yaml

        clean config --defaults > config.yaml
    """
    from cleaner.config import load_config
    from cleaner.config_template import default_config_text

    if defaults:
        sys.stdout.write(default_config_text())
        return
    path = check if check is not None else (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    sys.stdout.write(load_config(path).to_yaml())


clusters_app = typer.Typer(
    help="""Look at duplicate clusters (documents and passages) of an output folder.

    Examples:

        clean clusters list --level document

        clean clusters show p:003_f0308ecca12b07a9.txt:626
    """,
    no_args_is_help=True,
)
app.add_typer(clusters_app, name="clusters")

LEVELS = ("document", "passage")


@clusters_app.command("list")
def clusters_list(
    output: Path = typer.Option(Path("clean"), "--output", "-o", help="Output folder of `clean run`."),
    level: str | None = typer.Option(None, "--level", help="Only `document` or `passage` clusters."),
    min_size: int = typer.Option(2, "--min-size", min=1, help="Only clusters with at least N members."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    plain: bool = typer.Option(False, "--plain", help="Print tab-separated lines (a header, then one cluster a line) instead of a table."),
) -> None:
    """List duplicate clusters, largest first: id, level, size, similarity range, a snippet.

    Ids are printed whole, never wrapped or shortened, so they can be copied into
    `clean clusters show`.

    Examples:

        clean clusters list

        clean clusters list --level passage --min-size 3 --json

        clean clusters list --plain | cut -f1
    """
    from cleaner.inspection.clusters import list_clusters
    from cleaner.inspection.render import print_cluster_list
    from cleaner.inspection.store import OutputStore

    if level is not None and level not in LEVELS:
        raise ConfigError(f"--level: {level!r} is not allowed; expected one of 'document', 'passage'")
    if as_json and plain:
        raise ConfigError("--json and --plain cannot be used together")
    print_cluster_list(out, list_clusters(OutputStore(output), level, min_size), as_json, plain)


@clusters_app.command("show")
def clusters_show(
    cluster_id: str = typer.Argument(..., help="A cluster id from `clean clusters list`."),
    output: Path = typer.Option(Path("clean"), "--output", "-o", help="Output folder of `clean run`."),
) -> None:
    """Show a cluster's members side by side with their differences, and which was kept and why.

    Cluster ids are `d:DOC_ID` for documents and `p:DOC_ID:OFFSET` for passages. Piped
    output marks differences as [-removed-] and {+added+}. The example is a passage cluster
    of the sample dump in raw/.

    Example:

        clean clusters show p:003_f0308ecca12b07a9.txt:626
    """
    from cleaner.inspection.clusters import show_cluster
    from cleaner.inspection.render import print_cluster
    from cleaner.inspection.store import OutputStore

    print_cluster(out, show_cluster(OutputStore(output), cluster_id))


@app.command()
def inspect(
    doc_id: str = typer.Argument(..., help="A document id (the `id` column of data/ or removed.parquet)."),
    output: Path = typer.Option(Path("clean"), "--output", "-o", help="Output folder of `clean run`."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object instead."),
) -> None:
    """Show a document before and after, every removed span with its stage and rule, and for a
    dropped document why, and which kept document it duplicates.

    In a terminal removed text is struck through; piped (`| less`) it is marked
    [-like this-]. The examples are pages of the sample dump in raw/.

    Examples:

        clean inspect 001_d9eee33f77e48ac1.txt

        clean inspect 004_30911bb0a4d630e5.txt --json
    """
    from cleaner.inspection.explain import inspect_document
    from cleaner.inspection.render import print_document, print_document_json
    from cleaner.inspection.store import OutputStore

    report = inspect_document(OutputStore(output), doc_id)
    (print_document_json if as_json else print_document)(out, report)


@app.command()
def verify(
    output: Path = typer.Argument(Path("clean"), help="Output folder of `clean run`."),
) -> None:
    """Check an output folder against the manifest.json its run wrote last: every Parquet part
    present with its size, SHA-256 and row count, nothing added, and the row counts adding up
    to the records read. Exit 0 when it matches, 1 (each difference on its own line) when not.

    Two runs wrote byte-identical Parquet exactly when their manifest.json files are equal
    (`cmp a/manifest.json b/manifest.json`).

    Examples:

        clean verify clean/

        clean verify s3://bucket/corpus
    """
    import tempfile

    from cleaner.io.manifest import verify as verify_output
    from cleaner.io.remote import RemoteOutput, as_uri

    uri = as_uri(output)
    if uri is None:
        manifest, problems = verify_output(output)
    else:  # a copy of what is under the prefix, checked here
        with tempfile.TemporaryDirectory(prefix="cleaner-verify-") as copy:
            RemoteOutput(uri).download(Path(copy))
            manifest, problems = verify_output(Path(copy))
            problems = [p.replace(copy, uri) for p in problems]
    for problem in problems:
        err.print(f"error: {problem}", markup=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)
    records = manifest["records"]
    shown = f"{uri}/manifest.json" if uri is not None else str(output / "manifest.json")
    out.print(f"ok: {len(manifest['parts'])} Parquet files match {shown} "
              f"({records['read']:,} records read: {records['kept']:,} kept, {records['removed']:,} removed, "
              f"{records['errors']:,} errors)", markup=False, soft_wrap=True)


@app.command()
def layout(
    config: Path | None = typer.Option(None, "--config", "-c", help="Take the dedup options from this file [default: config.yaml if present]."),
    threshold: float | None = typer.Option(None, "--threshold", help="Override dedup.threshold."),
    num_perm: int | None = typer.Option(None, "--num-perm", help="Override dedup.num_perm."),
    bands: int | None = typer.Option(None, "--bands", help="Override dedup.bands."),
    rows: int | None = typer.Option(None, "--rows", help="Override dedup.rows."),
) -> None:
    """Print the LSH band/row layout of the dedup stage and how likely a pair of documents
    with Jaccard 0.5 ... 0.95 is to become a candidate (every candidate is then verified).

    Examples:

        clean layout

        clean layout --threshold 0.7 --num-perm 256
    """
    from cleaner.config import load_config, parse_stages
    from cleaner.reporting import print_layout
    from cleaner.stages.dedup import DocumentDedup

    path = config if config is not None else (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    spec = next((s for s in load_config(path).stages if s.name == "dedup"), None)
    options = dict(spec.settings.to_plain()) if spec else {}
    overrides = {"threshold": threshold, "num_perm": num_perm, "bands": bands, "rows": rows}
    options.update({k: v for k, v in overrides.items() if v is not None})
    [spec] = parse_stages([{"dedup": options}])
    stage = DocumentDedup(spec.settings)
    print_layout(out, stage.config.layout(), spec.settings.threshold, stage.layout_table())


def _setup_logging(verbose: bool, quiet: bool) -> None:
    from rich.logging import RichHandler

    level = logging.INFO if verbose else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=level, format="%(message)s", handlers=[RichHandler(console=err, show_path=False)], force=True)


INTERRUPTED = "error: interrupted ({signal}); the previous output was left as it was"


def main() -> None:
    """Console-script entry point: run the app, turning library errors into one line.

    SIGINT and SIGTERM end a run at once with exit code 130 / 143 (`cleaner.interrupts`).
    With `standalone_mode=False` typer *returns* an exit code instead of raising in some
    cases (130 for a KeyboardInterrupt it caught itself): it is passed on, never dropped.
    """
    raise_on_signals()
    try:
        code = app(standalone_mode=False)
    except CleanerError as exc:
        err.print(f"error: {exc.message}", markup=False, soft_wrap=True)
        if exc.hint:
            err.print(f"hint: {exc.hint}", markup=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except Interrupted as exc:
        err.print(INTERRUPTED.format(signal=exc.name), markup=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print(INTERRUPTED.format(signal="SIGINT"), markup=False, soft_wrap=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except _click_exceptions() as exc:
        exc.show()
        sys.exit(exc.exit_code)
    if code == 130:
        err.print(INTERRUPTED.format(signal="SIGINT"), markup=False, soft_wrap=True)
    sys.exit(code if isinstance(code, int) else 0)


def _click_exceptions():
    """click's ClickException, wherever this typer takes click from (typer >= 0.2x vendors
    its own copy, whose exceptions are not `click.ClickException`s)."""
    return next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


if __name__ == "__main__":
    main()
