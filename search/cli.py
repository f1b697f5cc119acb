"""The ``search`` command: parse, call :class:`search.Engine` once, format.

A library error becomes one line on stderr and exit code 1; a usage error is
click's exit code 2.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

import click

from search import Engine, Results, SearchError, __version__

APP_NAME = "polyglot-news-search"


def default_index_dir() -> str:
    """The per-user index folder (never ``./index``)."""
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir(APP_NAME, appauthor=False), "index")


class _DefaultToQuery(click.Group):
    """``search TEXT`` is short for ``search query TEXT``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--index":
                i += 2
                continue
            if arg.startswith("-"):
                i += 1
                continue
            if arg not in self.commands:
                args = args[:i] + ["query"] + args[i:]
            break
        return super().parse_args(ctx, args)


def _fail(exc: SearchError) -> None:
    click.echo(f"Error: {exc}", err=True)
    sys.exit(1)


def _open(ctx: click.Context, create: bool = False, **options: Any) -> Engine:
    path = ctx.obj["index"]
    try:
        return Engine.open(path, create=create, lock_timeout=ctx.obj.get("wait", 0.0), **options)
    except SearchError as exc:
        _fail(exc)
        raise  # unreachable: _fail exits


@click.group(cls=_DefaultToQuery, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--index", "index_dir", envvar="SEARCH_INDEX", type=click.Path(file_okay=False),
              default=None, help="Index folder [env SEARCH_INDEX; default: a per-user data folder].")
@click.version_option(__version__, prog_name="search")
@click.pass_context
def main(ctx: click.Context, index_dir: str | None) -> None:
    """Search news and documents in Vietnamese, Russian, English and other languages.

    \b
      search index ~/news          index files and folders
      search "an ninh hat nhan"    search (short for `search query`)
      search serve                 the web interface
    """
    ctx.ensure_object(dict)
    ctx.obj["index"] = index_dir or default_index_dir()


@main.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--lang", help="Language of documents that do not say (ISO code, e.g. vi).")
@click.option("--rebuild", is_flag=True, help="Start a new, empty index first.")
@click.option("--wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait for another writer to finish.")
@click.option("--optimize", is_flag=True,
              help="Then merge the index into one segment: faster queries, less disk; "
                   "slow on large indexes (about 8 minutes for 45,000 articles).")
@click.option("--procs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
              help="Processes analysing documents: one per core indexes fastest.")
@click.pass_context
def index_cmd(ctx: click.Context, paths: tuple[str, ...], lang: str | None, rebuild: bool,
              wait: float, optimize: bool, procs: int) -> None:
    """Index files and folders (.txt .md .html .json .jsonl); unchanged files are skipped."""
    ctx.obj["wait"] = wait
    try:
        engine = (Engine.create(ctx.obj["index"], overwrite=True, lock_timeout=wait, procs=procs)
                  if rebuild else _open(ctx, create=True, procs=procs))
    except SearchError as exc:
        _fail(exc)
    started = time.monotonic()
    bar: Any = None
    interactive = sys.stderr.isatty()

    def progress(done: int, total: int, docs: int) -> None:
        nonlocal bar
        if not interactive:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Indexing", file=sys.stderr, show_eta=True,
                                    show_percent=True, show_pos=True,
                                    item_show_func=lambda rate: f"{rate} docs/s" if rate else "")
            bar.__enter__()
        rate = f"{docs / max(time.monotonic() - started, 1e-6):.0f}"
        bar.update(done - bar.pos, current_item=rate)

    merged: tuple[int, int] | None = None
    try:
        with engine:
            try:
                report = engine.index_paths(list(paths), lang=lang, progress=progress)
            finally:
                if bar is not None:
                    bar.__exit__(None, None, None)
            if optimize:
                click.echo("Merging the index into one segment ...", err=True)
                merged = engine.optimize()
    except SearchError as exc:
        _fail(exc)
    langs = ", ".join(f"{k} {v}" for k, v in report.languages.most_common()) or "none"
    click.echo(f"Indexed {report.files} files in {report.seconds:.1f}s: {report.added} added, "
               f"{report.updated} updated, {report.removed} removed, {report.unchanged} files "
               f"unchanged; by language: {langs}.")
    if merged is not None:
        click.echo(f"Merged {merged[0]} segments into {merged[1]}." if merged[0] > merged[1]
                   else "The index is already one segment.")
    for path, warning in report.warnings:
        click.echo(f"warning: {path}: {warning}", err=True)
    if report.failed:
        click.echo(f"{len(report.failed)} inputs failed:", err=True)
        for path, reason in report.failed:
            click.echo(f"  {path}: {reason}", err=True)
        sys.exit(1)


def _print_results(results: Results) -> None:
    if not results.hits:
        click.echo(f"No results for {results.query!r}.")
        return
    first = (results.page - 1) * results.limit
    click.echo(f"{results.total} results ({results.took_ms:.0f} ms)")
    for n, hit in enumerate(results.hits, first + 1):
        meta = " · ".join(x for x in (hit.lang, hit.date, hit.source or hit.url or hit.path) if x)
        click.echo("")
        click.echo(f"{n:>3}. " + click.style(hit.title or hit.id, bold=True) + f"  [{meta}]")
        text = "".join(click.style(t, bold=True) if m else t for t, m in hit.snippet)
        if text:
            click.echo("     " + text)


@main.command("query")
@click.argument("text", nargs=-1, required=True)
@click.option("--lang", help="Only documents in this language (ISO code).")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="The result as JSON (as the web API).")
@click.pass_context
def query_cmd(ctx: click.Context, text: tuple[str, ...], lang: str | None, limit: int,
              page: int, as_json: bool) -> None:
    """Search the index."""
    try:
        with _open(ctx) as engine:
            results = engine.search(" ".join(text), lang=lang, limit=limit, page=page)
    except SearchError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_results(results)


@main.command("stats")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats_cmd(ctx: click.Context, as_json: bool) -> None:
    """How many documents, per language; the index size and last update."""
    try:
        with _open(ctx) as engine:
            stats = engine.stats()
    except SearchError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{stats.documents} documents, {stats.size_bytes / 1e6:.1f} MB in "
               f"{stats.segments} segment{'s' if stats.segments != 1 else ''}, "
               f"updated {stats.updated or 'never'}")
    for lang, n in stats.languages.items():
        click.echo(f"  {lang}: {n}")


@main.command("remove")
@click.argument("targets", nargs=-1, required=True)
@click.pass_context
def remove_cmd(ctx: click.Context, targets: tuple[str, ...]) -> None:
    """Remove documents by file path or by id."""
    paths = [t for t in targets if os.path.exists(t)]
    ids = [t for t in targets if not os.path.exists(t)]
    try:
        with _open(ctx) as engine:
            removed = (engine.remove_paths(paths) if paths else 0) + (engine.delete(*ids) if ids else 0)
    except SearchError as exc:
        _fail(exc)
    click.echo(f"Removed {removed} documents.")
    if removed == 0:
        sys.exit(1)


@main.command("analyze")
@click.argument("text", nargs=-1, required=True)
@click.option("--lang", help="Analyse as this language (default: detected).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def analyze_cmd(ctx: click.Context, text: tuple[str, ...], lang: str | None, as_json: bool) -> None:
    """Show the tokens a text is indexed as, with their offsets."""
    try:
        with Engine.in_memory() as engine:
            tokens = engine.analyze(" ".join(text), lang=lang)
    except SearchError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps(tokens, ensure_ascii=False, indent=2))
        return
    for t in tokens:
        click.echo(f"{t['field']:<10} {t['pos']:>4} {t['start']:>5}:{t['end']:<5} "
                   f"{t['text']:<24} {t['source']}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes answering queries; one per core serves the most at once.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, workers: int, open_browser: bool) -> None:
    """Serve the web interface (waitress)."""
    from web.serve import serve

    if host in ("0.0.0.0", "::", ""):
        click.echo(f"warning: listening on every address ({host!r}): anyone who can reach this "
                   "machine can search the index", err=True)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    click.echo(f"Loading {ctx.obj['index']} ...")

    def ready() -> None:
        click.echo(f"Serving {ctx.obj['index']} at {url} (Ctrl+C stops)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    try:
        if not serve(ctx.obj["index"], host, port, workers=workers, ready=ready):
            ctx.exit(1)
    except SearchError as exc:  # the index is opened before the server starts
        _fail(exc)
    except OSError as exc:
        click.echo(f"Error: cannot listen on {host}:{port}: {exc.strerror or exc}; "
                   "choose another --port", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
