"""E-mail: one message (``.eml``) or a mailbox of them (``.mbox``), a document a message.

Read with the standard library's ``email`` package (its modern policy decodes headers,
transfer encodings and charsets). A message's subject is its title, its date its date, its
sender its author, and the sender's address its source (so the source facet counts
senders' domains); its text is the plain
part, else the HTML part read as a page. Attachments are not read.
"""

from __future__ import annotations

import email
import email.policy
import html
import re
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

from index.documents import Document
from index.readers.html import read_html
from index.readers.source import Source

#: A new message in a mailbox: a line that starts with "From " (mboxrd, mboxo and mboxcl).
_MBOX_SEPARATOR = re.compile(rb"^From [^\r\n]*\r?\n", re.MULTILINE)


def read_eml(source: Source) -> list[Document]:
    message = email.message_from_bytes(source.data, policy=email.policy.default)
    return [_document(message, source.doc_id, source)]  # type: ignore[arg-type]


def read_mbox(source: Source) -> list[Document]:
    starts = [m.start() for m in _MBOX_SEPARATOR.finditer(source.data)]
    if not starts or source.data[:starts[0]].strip():
        starts = [0] + starts  # a file that does not begin with a separator: its first message
    out = []
    for n, (start, end) in enumerate(zip(starts, starts[1:] + [len(source.data)])):
        raw = _MBOX_SEPARATOR.sub(b"", source.data[start:end], count=1)
        raw = re.sub(rb"^>(>*From )", rb"\1", raw, flags=re.MULTILINE)  # un-escape quoted From lines
        if not raw.strip():
            continue
        message = email.message_from_bytes(raw, policy=email.policy.default)
        doc_id = source.doc_id if n == 0 else f"{source.doc_id}#{n + 1}"
        out.append(_document(message, doc_id, source))  # type: ignore[arg-type]
    return out


def _document(message: EmailMessage, doc_id: str, source: Source) -> Document:
    subject = str(message.get("subject", "") or "").strip()
    return Document(id=doc_id, title=subject, text=_text(message, subject, doc_id, source),
                    date=_date(message), source=_sender(message), author=_author(message),
                    path=source.path)


def _text(message: EmailMessage, subject: str, doc_id: str, source: Source) -> str:
    """The message's text: its plain part, else its HTML part as a page's text (the subject
    as the page's title, so that its first line stays text)."""
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = body.get_content()
    except (LookupError, ValueError) as exc:  # an unknown charset, a broken encoding
        source.warnings.append(f"message {doc_id}: its text cannot be decoded ({exc})")
        return ""
    if body.get_content_subtype() == "html":
        titled = f"<title>{html.escape(subject or '-')}</title>{content}"
        page = Source(source.path, doc_id, titled.encode("utf-8"), source.warnings)
        return read_html(page)[0].text
    return str(content).strip()


def _date(message: EmailMessage) -> str | None:
    try:
        return parsedate_to_datetime(str(message["date"])).date().isoformat() if message["date"] else None
    except (TypeError, ValueError, IndexError):
        return None


def _sender(message: EmailMessage) -> str | None:
    sender = message.get("from")
    addresses = getattr(sender, "addresses", ())
    return addresses[0].addr_spec if addresses else None


def _author(message: EmailMessage) -> str | None:
    """The sender as written, name and address (``Lê Văn Bình <binh@example.vn>``)."""
    return str(message.get("from") or "").strip() or None
