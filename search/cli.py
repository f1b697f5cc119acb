"""The ``search`` command: parse, call :class:`search.Engine` once, format.

A library error becomes one line on stderr and exit code 1; a usage error is
click's exit code 2.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click

from index.errors import SearchError
from index.limits import LIMITS
from search import __version__
from search.weights import SORTS

if TYPE_CHECKING:
    from search import Engine, IndexReport, Progress, Results

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
            if arg in ("--index", "--backend", "--backend-index"):
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


def _engine() -> type[Engine]:
    """The library, imported when a command needs it: ``--help`` does not wait for it."""
    from search import Engine

    return Engine


def _backend(ctx: click.Context) -> dict[str, Any] | None:
    """``Engine.connect``'s arguments for the cluster given by ``--backend`` (or
    SEARCH_BACKEND), credentials from the environment; None for the embedded index."""
    url = ctx.obj.get("backend")
    if not url:
        return None
    env = os.environ
    options: dict[str, Any] = {"url": url, "index": ctx.obj["backend_index"]}
    if env.get("SEARCH_BACKEND_USER"):
        options.update(user=env["SEARCH_BACKEND_USER"], password=env.get("SEARCH_BACKEND_PASSWORD", ""))
    if env.get("SEARCH_BACKEND_CA"):
        options["ca_certs"] = env["SEARCH_BACKEND_CA"]
    if env.get("SEARCH_BACKEND_VERIFY", "").lower() in ("0", "false"):
        options["verify"] = False
    return options


def _where(ctx: click.Context) -> str:
    """The index as people are told of it: its folder, or the cluster's address and index."""
    backend = _backend(ctx)
    return f"{backend['url']} (index {backend['index']})" if backend else ctx.obj["index"]


def _open(ctx: click.Context, create: bool = False, **options: Any) -> Engine:
    backend = _backend(ctx)
    try:
        if backend is not None:
            return _engine().connect(create=create, **backend, **options)  # type: ignore[return-value]
        return _engine().open(ctx.obj["index"], create=create, lock_timeout=ctx.obj.get("wait", 0.0),
                              **options)
    except SearchError as exc:
        _fail(exc)
        raise  # unreachable: _fail exits


def _set_index(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(dict)["index"] = value


#: ``--index DIR`` after the command, as before it (``search stats --index DIR``).
index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False), default=None, expose_value=False,
    callback=_set_index, help="Index folder (as before the command).")


@click.group(cls=_DefaultToQuery, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--index", "index_dir", envvar="SEARCH_INDEX", type=click.Path(file_okay=False),
              default=None, help="Index folder [env SEARCH_INDEX; default: a per-user data folder].")
@click.option("--backend", envvar="SEARCH_BACKEND", default=None, metavar="URL",
              help="An OpenSearch cluster (http://host:9200) to use instead of the index folder "
                   "[env SEARCH_BACKEND; credentials: SEARCH_BACKEND_USER, SEARCH_BACKEND_PASSWORD, "
                   "SEARCH_BACKEND_CA].")
@click.option("--backend-index", envvar="SEARCH_BACKEND_INDEX", default="news", show_default=True,
              help="The index (an alias) on the cluster [env SEARCH_BACKEND_INDEX].")
@click.version_option(__version__, prog_name="search")
@click.pass_context
def main(ctx: click.Context, index_dir: str | None, backend: str | None, backend_index: str) -> None:
    """Search news and documents in Vietnamese, Russian, English and other languages.

    \b
      search index ~/news          index files and folders
      search "an ninh hat nhan"    search (short for `search query`)
      search serve                 the web interface
    """
    ctx.ensure_object(dict)
    ctx.obj["index"] = index_dir or default_index_dir()
    ctx.obj["backend"], ctx.obj["backend_index"] = backend, backend_index


def _bytes(text: str) -> int:
    """``64M``, ``1G``, ``500k`` or a number of bytes."""
    units = {"k": 2**10, "m": 2**20, "g": 2**30}
    text = text.strip().lower().removesuffix("ib").removesuffix("b")
    try:
        if text and text[-1] in units:
            return int(float(text[:-1]) * units[text[-1]])
        return int(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a size: write e.g. 64M, 1G or 500000") from None


class _Bar:
    """A progress bar over the bytes of the files a run reads, on a terminal only."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, p: Progress) -> None:
        if not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=max(1, p.bytes_total), label="Indexing",
                                         file=sys.stderr, show_eta=False, show_percent=True,
                                         item_show_func=lambda text: text)
            self.bar.__enter__()
        eta = p.eta
        left = f", {eta // 60:.0f}:{eta % 60:02.0f} left" if eta is not None else ""
        self.bar.update(int(p.bytes_done) - self.bar.pos,
                        current_item=f"{p.files_done}/{p.files_total} files, {p.documents} documents{left}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


#: ``search index``'s exit status when it finished but skipped some inputs (listed on stderr).
EXIT_SKIPPED = 3


@main.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--lang", help="Language of documents that do not say (ISO code, e.g. vi).")
@click.option("--rebuild", is_flag=True, help="Start a new, empty index first.")
@click.option("--wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait for another writer to finish.")
@click.option("--optimize", is_flag=True,
              help="Then merge the index into one segment: faster queries, less disk; "
                   "slow on large indexes (about 8 minutes for 45,000 articles; at 300,000 "
                   "more than 44 minutes and more than three times the index in temporary disk).")
@click.option("--procs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
              help="Processes analysing documents: one per core indexes fastest.")
@click.option("--commit-size", type=click.IntRange(min=100), default=None,
              help="The most documents one commit holds (default 3,000): indexing holds a "
                   "commit's postings in memory, so its peak grows with this and --procs.")
@click.option("--max-file-size", "max_file_size", default=f"{LIMITS.max_file_bytes // 2**20}M",
              show_default=True,
              help="Skip larger files (and compressed files larger once uncompressed).")
@click.option("--follow-links", is_flag=True,
              help="Follow symbolic links that lead out of the folders indexed.")
@click.option("--semantic", is_flag=True,
              help="Also keep meaning vectors, for search across languages (--across); kept "
                   "with the index, so later runs embed too. Keyword search is ready first.")
@click.option("--json", "as_json", is_flag=True, help="The run's report as JSON.")
@index_option
@click.pass_context
def index_cmd(ctx: click.Context, paths: tuple[str, ...], lang: str | None, rebuild: bool,
              wait: float, optimize: bool, procs: int, commit_size: int | None, max_file_size: str,
              follow_links: bool, semantic: bool, as_json: bool) -> None:
    """Index files and folders (.txt .md .html .json .jsonl .pdf .docx .odt .epub .eml .mbox
    .rtf, and .json.gz .jsonl.gz).

    New and changed files are read, unchanged ones skipped, and the documents of files
    gone from a folder removed. A file that cannot be read is skipped and listed with
    the reason. Exit status: 0 every file read; 3 finished, some files skipped;
    1 stopped by an error (what was committed stays); 2 a usage error.
    """
    ctx.obj["wait"] = wait
    options = {"procs": procs, "max_file_bytes": _bytes(max_file_size), "commit_size": commit_size}
    try:
        engine = _rebuilt(ctx, options, semantic) if rebuild else _open(ctx, create=True, **options)
        if semantic:
            engine.set_semantic()
    except SearchError as exc:
        _fail(exc)
    bar = _Bar()
    merged: tuple[int, int] | None = None
    try:
        with engine:
            try:
                report = engine.index_paths(list(paths), lang=lang, progress=bar,
                                            follow_links=follow_links, vectors="later")
            finally:
                bar.close()
            if rebuild and _backend(ctx):
                engine.publish()  # type: ignore[attr-defined]
            if optimize:
                click.echo("Merging the index into one segment ...", err=True)
                merged = engine.optimize()
            _print_report(report, merged, as_json and not engine.semantic)
            if engine.semantic:
                _embed(engine, report, as_json)
    except SearchError as exc:
        _fail(exc)
    if report.failed:
        sys.exit(EXIT_SKIPPED)


def _rebuilt(ctx: click.Context, options: dict[str, Any], semantic: bool) -> Engine:
    """A new, empty index for ``--rebuild``. On a cluster it is written beside the one the
    alias names, which answers searches until the run ends and the alias moves."""
    if _backend(ctx) is not None:
        engine = _open(ctx, create=True, **options)
        engine.begin_rebuild()  # type: ignore[attr-defined]
        return engine
    return _engine().create(ctx.obj["index"], overwrite=True, lock_timeout=ctx.obj["wait"], **options,
                            semantic=True if semantic else None)


def _embed(engine: Engine, report: IndexReport, as_json: bool) -> None:
    """The meaning-vector pass after the keyword commit, with its own progress and report."""
    if not as_json:
        click.echo("Keyword search is ready. Adding meaning vectors (search across languages) ...")
    bar = click.progressbar(length=1, label="Meaning vectors", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.length = max(total, 1)
        bar.update(done - bar.pos)

    with bar:
        vectors = engine.embed(progress=progress)
    if as_json:
        click.echo(json.dumps(dict(report.to_dict(), vectors=asdict(vectors)), ensure_ascii=False,
                              indent=2))
    elif vectors.busy:
        click.echo("Another process is adding meaning vectors to this index: it will add these too.")
    else:
        click.echo(f"Meaning vectors: {vectors.embedded} documents embedded ({vectors.passages} "
                   f"passages) in {vectors.seconds:.1f}s; {vectors.documents} documents have them.")


def _print_report(report: IndexReport, merged: tuple[int, int] | None, as_json: bool) -> None:
    if as_json:
        data = report.to_dict()
        if merged is not None:
            data["segments"] = {"before": merged[0], "after": merged[1]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
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
        click.echo(f"{len(report.failed)} inputs skipped:", err=True)
        for path, reason in report.failed:
            click.echo(f"  {path}: {reason}", err=True)


#: Why a search across languages found by words only.
NO_VECTORS = ("(this index has no meaning vectors, so only documents with the query's words are "
              "found: add them with `search index --semantic PATH`)")


def _print_results(results: Results) -> None:
    if results.across == "no-vectors":
        click.echo(NO_VECTORS, err=True)
    if results.corrected:
        click.echo(f"Showing results for {results.suggestion!r}. Search instead for "
                   f"{results.query!r}: add --no-correct.")
    elif results.suggestion:
        click.echo(f"Did you mean {results.suggestion!r}?")
    if not results.hits:
        click.echo(f"No results for {results.query!r}.")
        return
    first = (results.page - 1) * results.limit
    order = "" if results.sort == "relevance" else f", {results.sort} first"
    click.echo(f"{results.total} {'result' if results.total == 1 else 'results'}{order} "
               f"({results.took_ms:.0f} ms)")
    facets = [("languages", results.languages), ("sources", results.sources)]
    for name, counts in facets:
        if len(counts) > 1:
            click.echo(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if results.partial:
        click.echo("(the phrase was not looked for in every document: it took too long; "
                   "more words narrow it)")
    for n, hit in enumerate(results.hits, first + 1):
        similar = f"+{len(hit.similar)} similar" if hit.similar else ""
        meta = " · ".join(x for x in (hit.lang, hit.date, hit.site or hit.path, hit.author, similar)
                          if x)
        click.echo("")
        click.echo(f"{n:>3}. " + click.style(hit.title or hit.id, bold=True) + f"  [{meta}]")
        text = "".join(click.style(t, bold=True) if m else t for t, m in hit.snippet)
        if text and hit.page:
            text = f"p. {hit.page} · {text}"
        if text:
            click.echo("     " + text)


@main.command("query")
@click.argument("text", nargs=-1, required=True)
@click.option("--lang", help="Only documents in this language (ISO code).")
@click.option("--limit", type=click.IntRange(1, LIMITS.max_limit), default=10, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
              help="The order: by relevance, or by date (undated documents last).")
@click.option("--fold/--no-fold", default=True, show_default=True,
              help="Show near-duplicate documents once, with how many others there are.")
@click.option("--correct/--no-correct", default=True, show_default=True,
              help="When the query finds nothing, show what its spelling correction finds.")
@click.option("--json", "as_json", is_flag=True, help="The result as JSON (as the web API).")
@click.option("--format", "output", type=click.Choice(["text", "json", "atom"]), default="text",
              show_default=True, help="How to print the result: atom is the feed `serve` gives "
                                      "at /feed (newest first unless --sort says otherwise).")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True,
              help="With --format atom: the address `search serve` is reached at, for the links.")
@click.option("--across", is_flag=True,
              help="Also documents in other languages, by meaning (an index made with --semantic).")
@index_option
@click.pass_context
def query_cmd(ctx: click.Context, text: tuple[str, ...], lang: str | None, limit: int,
              page: int, sort: str, fold: bool, correct: bool, as_json: bool, output: str,
              base_url: str, across: bool) -> None:
    """Search the index. Filters alone (`lang:ru date:2026-11 source:rt.com`) list what they
    let through, newest first."""
    query = " ".join(text)
    if output == "atom" and ctx.get_parameter_source("sort") == click.core.ParameterSource.DEFAULT:
        sort = "newest"
    try:
        with _open(ctx) as engine:
            results = engine.search(query, lang=lang, limit=limit, page=page, sort=sort,
                                    fold=fold, correct=correct and output != "atom",
                                    across_languages=across)
    except SearchError as exc:
        _fail(exc)
    if as_json or output == "json":
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
    elif output == "atom":
        click.echo(_atom(results, lang, base_url.rstrip("/")))
    else:
        _print_results(results)


def _atom(results: Results, lang: str | None, base: str) -> str:
    """The feed of ``results``, its links on the server at ``base``."""
    from urllib.parse import quote, urlencode

    from search import atom

    args = urlencode({k: v for k, v in (("q", results.query), ("lang", lang)) if v})
    return atom(results, title=results.query, self_url=f"{base}/feed?{args}",
                page_url=f"{base}/search?{args}",
                document_url=lambda hit: f"{base}/doc/{quote(hit.id, safe='')}")


@main.command("watch")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--quiet-seconds", type=click.FloatRange(0.0), default=1.0, show_default=True,
              help="How long files must be quiet after a change before they are indexed.")
@click.option("--with-parent", is_flag=True, hidden=True,
              help="Stop when the process that started this one ends (serve --watch).")
@index_option
@click.pass_context
def watch_cmd(ctx: click.Context, paths: tuple[str, ...], quiet_seconds: float,
              with_parent: bool) -> None:
    """Keep the index current with files and folders: index them, then again whenever their
    files change (new, edited, renamed or removed), until stopped (Ctrl+C)."""
    from search.watch import Watcher

    ctx.obj["wait"] = 60.0  # a pass waits for another writer rather than fail

    def reported(report: IndexReport) -> None:
        if report.added or report.updated or report.removed or report.failed:
            skipped = f", {len(report.failed)} skipped" if report.failed else ""
            click.echo(f"{report.added} added, {report.updated} updated, "
                       f"{report.removed} removed{skipped}")
            for path, reason in report.failed:
                click.echo(f"  {path}: {reason}", err=True)

    with _open(ctx, create=True) as engine:
        click.echo(f"Watching {', '.join(paths)} for {_where(ctx)} (Ctrl+C stops)")
        try:
            Watcher(engine, paths, quiet=quiet_seconds, reported=reported).run(
                _while_parent_lives() if with_parent else None)
        except KeyboardInterrupt:
            pass
        except SearchError as exc:
            _fail(exc)


@main.command("stats")
@click.option("--json", "as_json", is_flag=True)
@index_option
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
    if _backend(ctx):
        click.echo(f"{stats.documents} documents, {stats.size_bytes / 1e6:.1f} MB (primary shards) "
                   f"in {_where(ctx)}")
    else:
        click.echo(f"{stats.documents} documents, {stats.size_bytes / 1e6:.1f} MB in "
                   f"{stats.segments} segment{'s' if stats.segments != 1 else ''}, "
                   f"updated {stats.updated or 'never'}")
    for lang, n in stats.languages.items():
        click.echo(f"  {lang}: {n}")
    if stats.semantic:
        click.echo(f"meaning vectors: {stats.vectors} of {stats.documents} documents"
                   + ("" if stats.vectors >= stats.documents else
                      " (`search index --semantic PATH` adds the rest)"))


@main.command("migrate")
@click.argument("url")
@click.option("--to-index", default=None, help="The index (alias) on the cluster [default: --backend-index].")
@click.option("--rebuild", is_flag=True, help="Replace what the cluster's index holds (an alias swap).")
@index_option
@click.pass_context
def migrate_cmd(ctx: click.Context, url: str, to_index: str | None, rebuild: bool) -> None:
    """Copy every document of the index folder into the OpenSearch cluster at URL.

    Documents are analysed again on the way (the cluster gets our token streams); ids are
    kept, so running it again replaces rather than duplicates. Afterwards use the cluster
    with --backend URL. Files indexed into the folder are read again by the first
    `search --backend URL index FOLDER` (which file each document came from is not copied).
    """
    ctx.obj["backend"], target = url, to_index or ctx.obj["backend_index"]
    ctx.obj["backend_index"] = target
    try:
        source = _engine().open(ctx.obj["index"])
        with source, _open(ctx, create=True) as cluster:
            if rebuild:
                cluster.begin_rebuild()  # type: ignore[attr-defined]
            report = cluster.add(source.documents())
            if rebuild:
                cluster.publish()  # type: ignore[attr-defined]
    except SearchError as exc:
        _fail(exc)
    langs = ", ".join(f"{k} {v}" for k, v in report.languages.most_common())
    click.echo(f"Copied {report.added} documents from {ctx.obj['index']} to {_where(ctx)} in "
               f"{report.seconds:.1f}s; by language: {langs}.")


@main.command("remove")
@click.argument("targets", nargs=-1, required=True)
@index_option
@click.pass_context
def remove_cmd(ctx: click.Context, targets: tuple[str, ...]) -> None:
    """Remove documents by file path (the file may be gone already) or by id."""
    try:
        with _open(ctx) as engine:
            removed = engine.remove(*targets)
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
        with _engine().in_memory() as engine:
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
@click.option("--base-url", help="The address people reach the server at, e.g. https://news.example "
                                 "(behind a proxy): written into the page browsers add as a search engine.")
@click.option("--watch", "watched", multiple=True, type=click.Path(exists=True),
              help="Also keep the index current with this folder (as `search watch`); repeatable.")
@index_option
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, workers: int, open_browser: bool,
              base_url: str | None, watched: tuple[str, ...]) -> None:
    """Serve the web interface (waitress)."""
    from web.serve import serve

    watcher = _start_watching(ctx, watched) if watched else None
    if watcher is not None:  # stopped by a signal too, the server ends its watcher
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        _serve(ctx, serve, host, port, workers, open_browser, base_url)
    finally:
        if watcher is not None:
            watcher.terminate()
            watcher.wait(timeout=30)


def _while_parent_lives() -> threading.Event:
    """An event set once the process that started this one is gone."""
    parent, stop = os.getppid(), threading.Event()

    def check() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        stop.set()

    threading.Thread(target=check, name="watch-parent", daemon=True).start()
    return stop


def _start_watching(ctx: click.Context, watched: tuple[str, ...]) -> subprocess.Popen[bytes]:
    """Catch the index up with ``watched`` now, then keep it current in a process of its own
    (`search watch`): the server's searches see each of its commits."""
    with _open(ctx, create=True) as engine:
        report = engine.index_paths(watched)
    click.echo(f"{report.added} added, {report.updated} updated, {report.removed} removed "
               f"from {', '.join(watched)}; watching for changes")
    backend = _backend(ctx)
    where = (["--backend", backend["url"], "--backend-index", backend["index"]] if backend
             else ["--index", ctx.obj["index"]])
    return subprocess.Popen([sys.executable, "-m", "search.cli", *where, "watch",
                             "--with-parent", *watched], stdout=subprocess.DEVNULL)


def _serve(ctx: click.Context, serve: Any, host: str, port: int, workers: int, open_browser: bool,
           base_url: str | None) -> None:

    if host in ("0.0.0.0", "::", ""):
        click.echo(f"warning: listening on every address ({host!r}): anyone who can reach this "
                   "machine can search the index", err=True)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    click.echo(f"Loading {_where(ctx)} ...")

    def ready() -> None:
        click.echo(f"Serving {_where(ctx)} at {url} (Ctrl+C stops)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    try:
        if not serve(ctx.obj["index"], host, port, workers=workers, ready=ready, base_url=base_url,
                     backend=_backend(ctx)):
            ctx.exit(1)
    except SearchError as exc:  # the index is opened before the server starts
        _fail(exc)
    except OSError as exc:
        click.echo(f"Error: cannot listen on {host}:{port}: {exc.strerror or exc}; "
                   "choose another --port", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
