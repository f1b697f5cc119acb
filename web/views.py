"""Routes: the search page, results, a document page, the JSON API and OpenSearch."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlparse

from flask import (Blueprint, Response, abort, current_app, g, jsonify, make_response,
                   render_template, request, url_for)
from werkzeug.exceptions import HTTPException

from search import LIMITS, SORTS, Engine, IndexNotFound, QueryError, SearchError, atom

from web.i18n import LANGUAGE_NAMES, STRINGS, choose, long_date, month_label, plural

bp = Blueprint("search", __name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def engine() -> Engine:
    return current_app.extensions["search"].get()  # type: ignore[no-any-return]


@bp.before_app_request
def _interface_language() -> None:
    g.ui = choose(request.args.get("ui") or request.cookies.get("ui"), request.accept_languages)
    g.t = STRINGS[g.ui]


@bp.after_app_request
def _headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    ui = request.args.get("ui")
    if ui in STRINGS:
        response.set_cookie("ui", ui, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@bp.app_context_processor
def _context() -> dict[str, Any]:
    ui = g.get("ui", "en")
    return {"language_names": LANGUAGE_NAMES, "ui_languages": list(STRINGS), "safe_url": safe_url,
            "limits": LIMITS, "sorts": SORTS, "search_url": search_url,
            "plural": lambda key, n, **values: plural(ui, key, n, **values),
            "long_date": lambda iso: long_date(ui, iso),
            "histogram": lambda months: histogram(ui, months), "documents": documents}


def documents(ids: list[str]) -> list[Any]:
    """The documents of ``ids`` that are still in the index (a result's near-duplicates)."""
    views = (engine().document(doc_id) for doc_id in ids)
    return [view for view in views if view is not None]


#: Bars the date histogram shows at most by month; with more months it counts years.
MONTH_BARS = 24


def histogram(ui: str, months: dict[str, int]) -> list[tuple[str, str, int]]:
    """The date histogram's bars: (label, the ``date:`` filter it narrows to, results), by
    month, or by year when the results span more than :data:`MONTH_BARS` months."""
    if len(months) <= MONTH_BARS:
        return [(month_label(ui, month), month, n) for month, n in months.items()]
    years: dict[str, int] = {}
    for month, n in months.items():
        years[month[:4]] = years.get(month[:4], 0) + n
    return [(year, year, n) for year, n in years.items()]


def search_url(**changes: Any) -> str:
    """This page's address with ``changes`` to its parameters (None drops one): every other
    parameter is kept, and a change of query, filter or order goes back to the first page."""
    args = request.args.to_dict()
    if "page" not in changes:
        args.pop("page", None)
    args.update(changes)
    kept: dict[str, Any] = {k: v for k, v in args.items() if v not in (None, "")}
    return url_for("search.search_page", **kept)


def safe_url(url: str | None) -> str | None:
    """Only http(s) links reach a page: ``javascript:`` and friends are dropped."""
    if not url:
        return None
    try:
        scheme = urlparse(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"{name} {raw!r} is not a number") from None
    if not low <= value <= high:
        raise QueryError(f"{name} {value} is out of range: use {low} to {high}")
    return value


def _flag(name: str, default: bool = True) -> bool:
    """A yes-or-no parameter: no when given as 0, false, no or off (or empty), yes when
    given otherwise; ``default`` when not given."""
    if name not in request.args:
        return default
    return request.args[name].lower() not in ("", "0", "false", "no", "off")


def _run_search() -> tuple[str, str | None, Any]:
    q = request.args.get("q", "")
    lang = request.args.get("lang") or None
    limit = _int_arg("limit", current_app.config["RESULTS_PER_PAGE"], 1, LIMITS.max_limit)
    page = _int_arg("page", 1, 1, LIMITS.max_depth)
    sort = request.args.get("sort") or "relevance"
    fold, correct = _flag("fold"), _flag("correct")
    across = _flag("across", default=False)
    results = (engine().search(q, lang=lang, limit=limit, page=page, sort=sort, fold=fold,
                               correct=correct, across_languages=across) if q.strip() else None)
    return q, lang, results


def _error_page(message: str, status: int, q: str = "") -> Response:
    return make_response(render_template("error.html", message=message, q=q), status)


def _api_error(message: str, status: int) -> Response:
    """Every error under ``/api/`` has one shape: ``{"error": message, "status": code}``."""
    return make_response(jsonify({"error": message, "status": status}), status)


@bp.app_errorhandler(SearchError)
def _search_error(exc: SearchError) -> Response:
    status = 400 if isinstance(exc, QueryError) else 503
    if request.path.startswith("/api/"):
        return _api_error(str(exc), status)
    return _error_page(str(exc), status, request.args.get("q", ""))


@bp.app_errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    message = exc.description or exc.name
    if request.path.startswith("/api/"):
        return _api_error(message, status)
    return _error_page(message, status, request.args.get("q", ""))


#: The latest documents the home page lists.
LATEST = 10


@bp.route("/")
def home() -> Response | str:
    try:
        stats = engine().stats()
        latest = engine().search("", sort="newest", limit=LATEST).hits
    except IndexNotFound:
        stats, latest = None, []
    return render_template("index.html", stats=stats, latest=latest, q="")


@bp.route("/search")
def search_page() -> Response | str:
    q, lang, results = _run_search()
    if results is None:
        return home()
    pages = (results.total + results.limit - 1) // results.limit
    return render_template("search.html", q=q, lang=lang, results=results,
                           pages=min(pages, LIMITS.max_depth // results.limit))


@bp.route("/doc/<path:doc_id>")
def doc_page(doc_id: str) -> Response | str:
    q = request.args.get("q", "")
    view = engine().document(doc_id, q or None)
    if view is None:
        return _error_page(g.t["not_found"], 404, q)
    return render_template("doc.html", doc=view, q=q)


@bp.route("/api/search")
def api_search() -> Response:
    started = time.perf_counter()
    q, lang, results = _run_search()
    if results is None:
        raise QueryError("the query is empty: give ?q=words")
    data = results.to_dict()
    data["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return jsonify(data)


@bp.route("/api/doc/<path:doc_id>")
def api_doc(doc_id: str) -> Response:
    view = engine().document(doc_id, request.args.get("q") or None)
    if view is None:
        abort(404, description=f"no document with id {doc_id!r}")
    return jsonify(view.to_dict())


#: A host as a browser sends it: a name or an IPv4 address, or an IPv6 one in brackets, and a port.
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def _base_url() -> str:
    """Where this server is reached: the configured ``BASE_URL``, else the request's host
    when it is a well-formed host (anything else is never written into a page)."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    host = request.host
    if not _HOST.fullmatch(host):
        abort(400, description="the Host header is not a host name: set BASE_URL to serve this")
    return f"{request.scheme}://{host}"


@bp.route("/opensearch.xml")
def opensearch() -> Response:
    xml = render_template("opensearch.xml", search_url=_base_url() + url_for("search.search_page"))
    return Response(xml, mimetype="application/opensearchdescription+xml")


#: Entries a feed holds.
FEED_ENTRIES = 20


@bp.route("/feed")
def feed() -> Response:
    """The Atom feed of a query (any query and filters the page takes), newest first."""
    q = request.args.get("q", "")
    if not q.strip():
        raise QueryError("the feed needs a query: give ?q=words (or filters, such as lang:vi)")
    lang = request.args.get("lang") or None
    results = engine().search(q, lang=lang, limit=FEED_ENTRIES, sort=request.args.get("sort") or "newest",
                              fold=_flag("fold"), correct=False)
    base = _base_url()
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k in ("q", "lang", "sort")}
    xml = atom(results, title=f"{q} · {g.t['title']}",
               self_url=base + url_for("search.feed", **args),
               page_url=base + url_for("search.search_page", **args),
               document_url=lambda hit: base + url_for("search.doc_page", doc_id=hit.id))
    return Response(xml, mimetype="application/atom+xml")
