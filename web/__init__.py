"""The web interface: a Flask application factory over :class:`search.Engine`."""

from __future__ import annotations

import threading
from typing import Any, Mapping

from flask import Flask

from search import Engine


class EngineHolder:
    """Opens the engine on first use and shares it between requests."""

    def __init__(self, path: str | None, engine: Engine | None = None) -> None:
        self.path = path
        self._engine = engine
        self._lock = threading.Lock()

    def get(self) -> Engine:
        with self._lock:
            if self._engine is None:
                if self.path is None:
                    raise RuntimeError("no INDEX configured")
                self._engine = Engine.open(self.path)
            return self._engine


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The Flask app. Config: ``INDEX`` (a folder) or ``ENGINE`` (an open :class:`Engine`);
    ``BASE_URL``, the address people reach it at (written into the OpenSearch description;
    without it, the request's host, when well formed)."""
    app = Flask(__name__)
    app.config.update(INDEX=None, ENGINE=None, BASE_URL=None, RESULTS_PER_PAGE=10)
    if config:
        app.config.update(config)
    app.extensions["search"] = EngineHolder(app.config["INDEX"], app.config["ENGINE"])
    from web.views import bp

    app.register_blueprint(bp)
    return app


__all__ = ["create_app"]
