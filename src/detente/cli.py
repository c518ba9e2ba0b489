"""The ``detente`` command: each command parses options, calls one library function, prints.

detente errors become ``click.ClickException`` with a message that says what to fix; the
library logs, the CLI prints. Exit codes: 0 success, 1 some input failed (the rest was
done), 2 usage error.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar

import click

from detente import __version__
from detente.errors import DetenteError
from detente.records import Event
from detente.settings import Settings, load_settings, setting_table

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DB = "detente.duckdb"
EVENT_FORMATS = ("table", "jsonl", "csv")


if TYPE_CHECKING:
    from detente.store.db import Store


class State:
    """What the group options decided, handed to every command."""

    def __init__(self, settings: Settings, quiet: bool) -> None:
        self.settings = settings
        self.quiet = quiet

    def store(self, db: str, *, read_only: bool = False) -> Store:
        """The database at ``db``, opened with the settings' memory limit."""
        from detente.store.db import Store

        return Store(db, read_only=read_only, memory_limit=self.settings.store_memory_limit or None)


def _state(ctx: click.Context) -> State:
    obj = ctx.find_object(State)
    if obj is None:  # a command invoked without the group (tests calling it directly)
        obj = State(load_settings(), quiet=False)
    return obj


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn detente's errors into click's, so users see one clean line, not a traceback."""
    try:
        yield
    except DetenteError as exc:
        raise click.ClickException(str(exc)) from exc


def db_option(*, must_exist: bool = False) -> Callable[[F], F]:
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, exists=must_exist),
        default=DEFAULT_DB,
        show_default=True,
        help="DuckDB database file.",
    )


def event_filter_options(fn: F) -> F:
    """The filters every event query takes, worded once."""
    for decorator in reversed(
        [
            click.option("--source", help="Source principal (e.g. RUS)."),
            click.option("--target", help="Target principal (e.g. TUR)."),
            click.option("--actor", help="Either side is this principal."),
            click.option("--from", "date_from", help="Events on or after this date (YYYY[-MM[-DD]])."),
            click.option("--to", "date_to", help="Events on or before this date (YYYY[-MM[-DD]])."),
            click.option("--root", help="CAMEO root, two digits (e.g. 19)."),
            click.option("--cameo", help="CAMEO code (e.g. 057)."),
            click.option("--quad", type=click.IntRange(1, 4), help="Quad class 1-4."),
            click.option(
                "--factual-only", is_flag=True, help="Leave out negated and hypothetical events."
            ),
        ]
    ):
        fn = decorator(fn)
    return fn


def _filters(opts: dict[str, Any]) -> dict[str, Any]:
    keys = ("source", "target", "actor", "date_from", "date_to", "root", "cameo", "quad")
    filters = {k: opts[k] for k in keys if opts.get(k) is not None}
    filters["include_flagged"] = not opts.get("factual_only", False)
    return filters


def progressbar(state: State, length: int | None, label: str) -> Any:
    """A progress bar on stderr that ``-q`` silences; ``length=None`` counts without a bar."""
    if state.quiet:
        return _NullBar()
    return click.progressbar(length=length or 0, label=label, file=sys.stderr, show_pos=True, width=30)


class _NullBar:
    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None


def report_bad_input(err: DetenteError) -> None:
    click.echo(f"error: {err}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="detente")
@click.option(
    "--settings",
    "settings_file",
    type=click.Path(exists=True, dir_okay=False),
    help="TOML file of settings (see `detente settings`).",
)
@click.option(
    "--setting",
    "setting_pairs",
    type=(str, str),
    multiple=True,
    metavar="NAME VALUE",
    help="Override one setting; repeatable.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summaries on stderr.")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@click.pass_context
def cli(
    ctx: click.Context,
    settings_file: str | None,
    setting_pairs: tuple[tuple[str, str], ...],
    quiet: bool,
    verbose: int,
) -> None:
    """detente: news about international politics in, coded events and dyad relations out.

    Quick start: `detente demo`, then `detente relations RUS TUR --db demo.duckdb`.
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    with user_errors():
        ctx.obj = State(load_settings(settings_file, setting_pairs), quiet=quiet)


# --------------------------------------------------------------------------- ingest and code


def _estimate_documents(sources: Iterable[str]) -> int | None:
    """Cheap count of input records for the progress bar (lines of JSONL/CSV, else files)."""
    from detente.ingest.readers import iter_paths

    total = 0
    try:
        for path in iter_paths(list(sources)):
            if isinstance(path, str) or path.suffix.lower() not in {".jsonl", ".ndjson", ".csv"}:
                total += 1  # a URL, a page or a text file is one article
            else:
                with open(path, "rb") as fh:  # count newlines by the MiB: a 50 MB line is never held whole
                    total += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return None
    return total


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@db_option()
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where coding runs; `ray` needs `pip install 'detente[ray]'`.",
)
@click.option("--workers", type=click.IntRange(1), help="Worker processes (sets n_process).")
@click.option("--recode", is_flag=True, help="Code articles again even if already stored.")
@click.option(
    "--parquet",
    "parquet_dir",
    type=click.Path(file_okay=False),
    help="With --engine ray: write a Parquet dataset of events here instead of the database.",
)
@click.pass_context
def ingest(
    ctx: click.Context,
    sources: tuple[str, ...],
    db: str,
    engine: str,
    workers: int | None,
    recode: bool,
    parquet_dir: str | None,
) -> None:
    """Read articles (files, directories, globs, URLs, feeds), code them, store them.

    Re-running on the same corpus adds nothing. Bad records are reported with file and
    line on stderr and skipped; the exit code is 1 if any were.
    """
    from detente.pipeline import Pipeline

    state = _state(ctx)
    settings = state.settings
    if workers:
        settings = settings.replace(n_process=workers)
    with user_errors():
        if parquet_dir:
            if engine != "ray":
                raise click.UsageError("--parquet needs --engine ray")
            from detente.engines.ray import code_to_parquet

            n = code_to_parquet(list(sources), parquet_dir, settings=settings)
            if not state.quiet:
                click.echo(f"wrote {n} events to {parquet_dir}", err=True)
            return
        pipeline = Pipeline(settings=settings)
        with state.store(db) as store, progressbar(state, _estimate_documents(sources), "coding") as bar:
            result = pipeline.run(
                list(sources), store, engine=engine, recode=recode, on_error=report_bad_input, progress=bar.update
            )
    if not state.quiet:
        click.echo(
            f"{result.articles_read} articles read, {result.articles_added} new, "
            f"{result.articles_skipped} already stored; {result.events_added} new events "
            f"({result.events_coded} coded); {len(result.errors)} bad records -> {db}",
            err=True,
        )
    if result.failed:
        ctx.exit(1)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.pass_context
def code(ctx: click.Context, file: str) -> None:
    """Code a JSON Lines file of {"id", "text", "published"} and print events as JSON Lines.

    A malformed line is reported on stderr with its line number and skipped. Exit 0.
    """
    from detente.ingest.readers import read_documents
    from detente.pipeline import Pipeline

    state = _state(ctx)
    with user_errors(), _as_file(file) as path:
        pipeline = Pipeline(settings=state.settings)
        articles = read_documents(path, on_error=report_bad_input, settings=state.settings)
        for event in pipeline.code_documents(articles):
            click.echo(event.to_json())


@contextmanager
def _as_file(file: str) -> Iterator[str]:
    """``-`` reads standard input into a temporary file: the reader wants a file (line
    numbers, format sniffing); the file is removed afterwards."""
    if file != "-":
        yield file
        return
    import os
    import tempfile

    fd, name = tempfile.mkstemp(suffix=".jsonl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(sys.stdin.read())
        yield name
    finally:
        os.unlink(name)


@cli.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option(
    "--coder",
    type=click.Choice(["detente", "keyword"]),
    default="detente",
    show_default=True,
    help="`keyword` scores the naive keyword baseline on the same file.",
)
@click.pass_context
def eval_(ctx: click.Context, gold: str, as_json: bool, coder: str) -> None:
    """Score the coder against a gold file (shared/gold/GUIDELINES.md format).

    Precision, recall and F1 on (source, target, root) and (source, target, quad) triples,
    negated and hypothetical events kept apart, and date accuracy on matched events.
    """
    from detente.evaluate import evaluate

    with user_errors():
        report = evaluate(gold, coder="keyword" if coder == "keyword" else "detente")
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(report.format_text())


# --------------------------------------------------------------------------- query and export


def _echo_events(events: list[Event], fmt: str) -> None:
    if fmt == "jsonl":
        for e in events:
            click.echo(e.to_json())
    elif fmt == "csv":
        import csv

        from detente.store.export import flat_row

        rows = [flat_row(e) for e in events]
        if rows:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    else:
        click.echo(format_event_table(events))


def format_event_table(events: list[Event]) -> str:
    """Aligned columns a person can read in a terminal: date, dyad, code, flags, evidence."""
    from detente.coding.cameo import CameoTable

    if not events:
        return "no events"
    cameo = CameoTable.load()
    lines = []
    for e in events:
        flags = ("neg " if e.negated else "") + ("hyp" if e.hypothetical else "")
        name = cameo.get(e.cameo).name if e.cameo else ""
        text = e.evidence.text.replace("\n", " ")
        if len(text) > 90:
            text = text[:87] + "..."
        lines.append(
            f"{(e.date or '?'):<10}  {e.source.principal:>9} -> {e.target.principal:<9}  "
            f"{e.cameo:<4} {name[:30]:<30} q{e.quad} {flags:<7} {text}"
        )
    return "\n".join(lines)


@cli.command()
@db_option(must_exist=True)
@event_filter_options
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@click.option("--format", "fmt", type=click.Choice(EVENT_FORMATS), default="table", show_default=True)
@click.pass_context
def events(ctx: click.Context, /, db: str, limit: int, fmt: str, **opts: Any) -> None:
    """List stored events, filtered by actors, dates and codes."""
    with user_errors(), _state(ctx).store(db, read_only=True) as store:
        found = store.events(**_filters(opts), limit=limit)
    _echo_events(found, fmt)


@cli.command(name="export")
@db_option(must_exist=True)
@click.option("--format", "fmt", default="jsonl", show_default=True, help="csv, parquet, jsonl or plover.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="File to write.")
@event_filter_options
@click.pass_context
def export_(ctx: click.Context, /, db: str, fmt: str, output: str, **opts: Any) -> None:
    """Export stored events as CSV, Parquet, JSON Lines or PLOVER JSON Lines."""
    from detente.store.export import export_store

    with user_errors(), _state(ctx).store(db, read_only=True) as store:
        n = export_store(store, output, fmt, **_filters(opts))
    if not _state(ctx).quiet:
        click.echo(f"wrote {n} events to {output}", err=True)


@cli.command(name="import")
@click.argument("file", type=click.Path(exists=True))
@db_option()
@click.pass_context
def import_(ctx: click.Context, file: str, db: str) -> None:
    """Load event records (JSON Lines or a Parquet file/dataset written by detente) into a database."""
    from detente.pipeline import update_derived_records
    from detente.store.export import import_events

    with user_errors(), _state(ctx).store(db) as store:
        touched: set[tuple[str, str]] = set()
        n = import_events(store, file, on_error=report_bad_input, dyads=touched)
        update_derived_records(store, touched)
    if not _state(ctx).quiet:
        click.echo(f"imported {n} new events into {db}", err=True)


@cli.command()
@db_option(must_exist=True)
@click.pass_context
def optimize(ctx: click.Context, db: str) -> None:
    """Re-cluster the events table by dyad and day so dyad queries stay fast on big stores,
    and recompute every dyad's event clusters and agreements from scratch.

    Run it after a large ingest; events added later are still found, only less quickly.
    """
    from detente.pipeline import update_derived_records

    with user_errors(), _state(ctx).store(db) as store:
        store.optimize()
        update_derived_records(store)
    if not _state(ctx).quiet:
        click.echo(f"optimized {db}", err=True)


# --------------------------------------------------------------------------- relations


@cli.command()
@click.argument("a")
@click.argument("b")
@db_option(must_exist=True)
@click.option("--freq", type=click.Choice(["week", "month", "year"]), help="Period (default: setting).")
@click.option("--from", "date_from", help="Start date.")
@click.option("--to", "date_to", help="End date.")
@click.option("--json", "as_json", is_flag=True, help="Print the series, trend and verdict as JSON.")
@click.pass_context
def relations(
    ctx: click.Context, a: str, b: str, db: str, freq: str | None, date_from: str | None, date_to: str | None,
    as_json: bool,
) -> None:
    """Are A and B making deals or parting ways? Series, trend, turning points, verdict."""
    from detente.analysis.summary import summarise

    state = _state(ctx)
    with user_errors():
        summary = summarise(
            db, a.upper(), b.upper(), freq=freq or state.settings.relations_freq,
            date_from=date_from, date_to=date_to, settings=state.settings,
        )
    click.echo(json.dumps(summary.to_dict(), indent=2) if as_json else summary.format_text())


@cli.command()
@db_option(must_exist=True)
@click.option("--party", help="Only agreements this principal is party to.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def agreements(ctx: click.Context, db: str, party: str | None, as_json: bool) -> None:
    """Agreements (deals, ceasefires, memoranda) and their life: made, implemented, violated, collapsed."""
    with user_errors(), _state(ctx).store(db, read_only=True) as store:
        found = store.agreements(party=party.upper() if party else None)
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("no agreements")
    for ag in found:
        made = ag.get("made") or {}
        click.echo(
            f"{made.get('date') or '?':<10}  {'-'.join(ag.get('parties', [])):<15} {ag.get('kind', ''):<18} "
            f"{ag.get('status', ''):<12} {len(ag.get('history', []))} steps"
        )


@cli.command()
@click.argument("a")
@click.argument("b")
@db_option(must_exist=True)
@click.option("-o", "--output", default="report.html", show_default=True, type=click.Path(dir_okay=False))
@click.option("--freq", type=click.Choice(["week", "month", "year"]), default="month", show_default=True)
@click.pass_context
def report(ctx: click.Context, a: str, b: str, db: str, output: str, freq: str) -> None:
    """Write a self-contained HTML report on the A-B dyad (opens offline, plots included)."""
    from detente.report import write_report

    with user_errors(), _state(ctx).store(db, read_only=True) as store:
        path = write_report(store, a.upper(), b.upper(), output, freq=freq)
    if not _state(ctx).quiet:
        click.echo(f"wrote {path}", err=True)


@cli.command()
@db_option(must_exist=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (local only by default).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, db: str, host: str, port: int) -> None:
    """Serve the REST API and the dashboard over a database (read-only)."""
    import uvicorn

    from detente.web.app import create_app

    with user_errors():
        app = create_app(db, settings=_state(ctx).settings)
    click.echo(f"detente dashboard on http://{host}:{port}/  (API schema: /openapi.json)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


# --------------------------------------------------------------------------- demo and reference


def sample_corpus() -> Path:
    """The project-written sample corpus shipped inside the package."""
    return Path(str(resources.files("detente") / "data" / "sample" / "articles"))


@cli.command()
@db_option()
@click.pass_context
def demo(ctx: click.Context, db: str) -> None:
    """Run the main job on the bundled sample corpus and print the Russia-Turkey relation."""
    from detente.analysis.summary import summarise
    from detente.pipeline import Pipeline

    state = _state(ctx)
    corpus = sample_corpus()
    with user_errors():
        with state.store(db) as store, progressbar(state, _estimate_documents([str(corpus)]), "coding") as bar:
            result = Pipeline(settings=state.settings).run(
                [corpus], store, on_error=report_bad_input, progress=bar.update
            )
            rus_tur = store.events(source="RUS", target="TUR", include_flagged=False)
            rus_tur += store.events(source="TUR", target="RUS", include_flagged=False)
        summary = summarise(db, "RUS", "TUR", freq="month", settings=state.settings)
    click.echo(
        f"Sample corpus: {result.articles_read} articles, {result.articles_added} new; "
        f"{result.events_added} new events stored in {db}\n"
    )
    click.echo(f"Russia-Turkey events ({len(rus_tur)}, factual):")
    click.echo(format_event_table(sorted(rus_tur, key=lambda e: (e.date or "", e.event_id))))
    click.echo("")
    click.echo(summary.format_text())
    click.echo(
        f"\nNext: detente serve --db {db}   |   detente report RUS TUR --db {db}   |   "
        f"detente events --db {db} --source RUS --target TUR"
    )
    if result.failed:
        ctx.exit(1)


@cli.command(name="settings")
def settings_() -> None:
    """List every setting with its default and what it does."""
    for s in setting_table().values():
        click.echo(f"{s.name} = {s.default!r}\n    {s.help}")


@cli.command()
@click.argument("mention")
@click.option("--date", help="Resolve as of this date (leaders by their time in office).")
def actor(mention: str, date: str | None) -> None:
    """Show how a name resolves to an actor (principal, code, sector), as of a date."""
    from detente.actors.resolve import resolve_actor

    with user_errors():
        found = resolve_actor(mention, date=date)
    if found is None:
        raise click.ClickException(f"no actor found for {mention!r}")
    click.echo(json.dumps(found.__dict__, indent=2, ensure_ascii=False))
