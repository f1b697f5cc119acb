"""The web interface: a Flask application factory over :class:`search.Engine`."""

from __future__ import annotations

import threading
from typing import Any, Mapping

from flask import Flask

from search import Engine


class EngineHolder:
    """Opens the engine on first use and shares it between requests."""

    def __init__(self, path: str | None, engine: Engine | None = None,
                 backend: Mapping[str, Any] | None = None) -> None:
        self.path = path
        self.backend = backend
        self._engine = engine
        self._lock = threading.Lock()

    def get(self) -> Engine:
        with self._lock:
            if self._engine is None:
                if self.backend is not None:
                    self._engine = Engine.connect(**self.backend, create=False)  # type: ignore[assignment]
                elif self.path is None:
                    raise RuntimeError("no INDEX configured")
                else:
                    self._engine = Engine.open(self.path)
            return self._engine  # type: ignore[return-value]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The Flask app. Config: ``INDEX`` (a folder), ``BACKEND`` (:meth:`Engine.connect`'s
    arguments, ``url`` among them) or ``ENGINE`` (an open :class:`Engine`);
    ``BASE_URL``, the address people reach it at (written into the OpenSearch description;
    without it, the request's host, when well formed)."""
    app = Flask(__name__)
    app.config.update(INDEX=None, BACKEND=None, ENGINE=None, BASE_URL=None, RESULTS_PER_PAGE=10)
    if config:
        app.config.update(config)
    app.extensions["search"] = EngineHolder(app.config["INDEX"], app.config["ENGINE"],
                                                 app.config["BACKEND"])
    from web.views import bp

    app.register_blueprint(bp)
    return app


__all__ = ["create_app"]
