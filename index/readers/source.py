"""What a reader is given: one file's bytes, its text once decoded, and where to warn."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from index.readers.decoding import decode


@dataclass
class Source:
    """One file as a reader sees it.

    ``path`` is the file as the index names it; ``doc_id`` the id of its first document.
    A reader that meets a part it cannot read appends a warning and reads the rest.
    """

    path: str
    doc_id: str
    data: bytes
    warnings: list[str] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        """The bytes decoded (see :func:`index.readers.decoding.decode`); bad bytes warned of."""
        decoded = decode(self.data, self.path)
        if (warning := decoded.warning()) is not None:
            self.warnings.append(warning)
        return decoded.text
