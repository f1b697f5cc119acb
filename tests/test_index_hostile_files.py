"""A folder of bad files: every bad one reported with its reason, every good one indexed."""

from __future__ import annotations

import os


from search import Engine


def _hostile_folder(root):
    good = {
        "good-en.txt": "Electric buses\n\nThe city bought electric buses.",
        "good-vi.md": "# An ninh hạt nhân\n\nHai nước thảo luận về an ninh hạt nhân.",
        "good-ru.html": "<title>Ядерная безопасность</title><p>Текст о безопасности.</p>",
    }
    for name, text in good.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "cp1251.txt").write_bytes("Новости\n\nТекст в кодировке cp1251.".encode("cp1251"))
    (root / "koi8.txt").write_bytes("Новости KOI8\n\nТекст в KOI8-R.".encode("koi8-r"))
    (root / "utf16.txt").write_bytes("UTF-16 title\n\nbody".encode("utf-16"))
    (root / "deep.html").write_text("<title>Deep</title>" + "<div>" * 10000 + "nested" + "</div>" * 10000)
    (root / "mixed.jsonl").write_text('{"id": "j1", "title": "ok", "text": "fine"}\nnot json\n[1,2]\n')
    bad = {
        "binary.txt": bytes(range(256)) * 20,
        "nul.md": b"title\x00\x00\x00body",
        "empty.txt": b"",
        "broken.json": b'{"id": "x", "title": ',
        "big.txt": b"Big\n\n" + b"word " * 300_000,
        "script-only.html": b"<script>only()</script>",
    }
    for name, data in bad.items():
        (root / name).write_bytes(data)
    (root / "loop").symlink_to(root)
    return good, bad


def test_a_folder_of_bad_files_finishes_and_reports_each(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    good, bad = _hostile_folder(docs)
    with Engine.create(tmp_path / "ix", max_file_bytes=1_000_000) as engine:
        report = engine.index_paths([docs])
        failed = {os.path.basename(p): reason for p, reason in report.failed}
        assert set(failed) == set(bad), failed
        assert "binary" in failed["binary.txt"] and "binary" in failed["nul.md"]
        assert "no text" in failed["empty.txt"] and "invalid JSON" in failed["broken.json"]
        assert "limit" in failed["big.txt"]
        assert [w for p, w in report.warnings if p.endswith("mixed.jsonl")] == [
            "line 2 skipped: Expecting value: line 1 column 1 (char 0)",
            "line 3 skipped: a record is list, not an object"]
        assert report.added == len(good) + 5  # + cp1251, koi8, utf16, deep, one jsonl record
        assert engine.search("безопасности").total == 1
        assert engine.search("cp1251").total == 1 and engine.search("KOI8").total == 1


def test_a_file_without_read_permission_is_reported(tmp_path, monkeypatch):
    """Root reads any file, so the operating system's refusal is simulated for one path."""
    import builtins

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "secret.txt").write_text("Secret\n\nbody")
    (docs / "open.txt").write_text("Open\n\nbody")
    real_open = builtins.open

    def refusing_open(file, *args, **kwargs):
        if str(file).endswith("secret.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing_open)
    with Engine.create(tmp_path / "ix") as engine:
        report = engine.index_paths([docs])
    assert report.added == 1
    assert [(os.path.basename(p), reason) for p, reason in report.failed] == [
        ("secret.txt", "permission denied: make it readable")]
