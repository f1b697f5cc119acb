"""Interface strings in English, Vietnamese and Russian; plural forms, numbers and dates by
the interface language's rules (Babel's locale data)."""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Search", "placeholder": "Search news and documents", "search": "Search",
        "collection": "The collection", "updated": "last updated",
        "no_results": "No results for “{q}”.",
        "partial": "The phrase was not looked for in every document: it took too long. More words narrow it.",
        "no_results_hint": "Try fewer words, other words, or remove the language filter.",
        "all_languages": "All languages", "previous": "Previous", "next": "Next",
        "page": "Page {page}", "query_error": "This query cannot be run", "original": "Original",
        "not_found": "No such document", "back": "Back to results", "language": "Language",
        "empty": "The index is empty: run `search index PATH` to add documents.",
        "help": "Syntax: \"exact phrase\", -exclude, OR, title:word, lang:vi, date:2024-01..2024-06, "
                "source:rt.com",
        "ui_language": "Interface language",
        "sort": "Order", "relevance": "Relevance", "newest": "Newest", "oldest": "Oldest",
        "months": "Date", "sources": "Source", "latest": "Latest", "all_dates": "All dates",
        "showing_for": "Showing results for", "search_instead": "Search instead for",
        "did_you_mean": "Did you mean",
        "feed": "Feed", "pdf_page": "p. {page}", "across": "Also in other languages",
        "no_vectors": "Results in other languages need meaning vectors, which this index does not "
                      "have: only documents with your words are shown. Add them with "
                      "`search index --semantic PATH`.",
    },
    "vi": {
        "title": "Tìm kiếm", "placeholder": "Tìm tin tức và tài liệu", "search": "Tìm",
        "collection": "Bộ sưu tập", "updated": "cập nhật lần cuối",
        "no_results": "Không có kết quả cho “{q}”.",
        "partial": "Cụm từ chưa được tìm trong mọi tài liệu vì mất quá nhiều thời gian. Thêm từ để thu hẹp.",
        "no_results_hint": "Hãy thử ít từ hơn, từ khác, hoặc bỏ bộ lọc ngôn ngữ.",
        "all_languages": "Mọi ngôn ngữ", "previous": "Trước", "next": "Sau",
        "page": "Trang {page}", "query_error": "Không thể thực hiện truy vấn này",
        "original": "Bản gốc", "not_found": "Không tìm thấy tài liệu", "back": "Quay lại kết quả",
        "language": "Ngôn ngữ",
        "empty": "Chỉ mục đang trống: chạy `search index PATH` để thêm tài liệu.",
        "help": "Cú pháp: \"cụm từ\", -loại trừ, OR, title:từ, lang:vi, date:2024-01..2024-06, "
                "source:vnexpress.net",
        "ui_language": "Ngôn ngữ giao diện",
        "sort": "Sắp xếp", "relevance": "Liên quan", "newest": "Mới nhất", "oldest": "Cũ nhất",
        "months": "Ngày", "sources": "Nguồn", "latest": "Mới nhất", "all_dates": "Mọi ngày",
        "showing_for": "Đang hiển thị kết quả cho", "search_instead": "Tìm chính xác",
        "did_you_mean": "Có phải bạn muốn tìm",
        "feed": "Theo dõi", "pdf_page": "tr. {page}", "across": "Cả các ngôn ngữ khác",
        "no_vectors": "Kết quả bằng ngôn ngữ khác cần vectơ ngữ nghĩa mà chỉ mục này chưa có: chỉ "
                      "hiển thị tài liệu chứa từ bạn tìm. Thêm bằng `search index --semantic PATH`.",
    },
    "ru": {
        "title": "Поиск", "placeholder": "Поиск по новостям и документам", "search": "Найти",
        "collection": "Коллекция", "updated": "обновлено",
        "no_results": "По запросу «{q}» ничего не найдено.",
        "partial": "Фраза искалась не во всех документах: это заняло слишком много времени. Уточните запрос.",
        "no_results_hint": "Попробуйте меньше слов, другие слова или уберите фильтр языка.",
        "all_languages": "Все языки", "previous": "Назад", "next": "Дальше",
        "page": "Страница {page}", "query_error": "Этот запрос нельзя выполнить",
        "original": "Оригинал", "not_found": "Документ не найден", "back": "К результатам",
        "language": "Язык",
        "empty": "Индекс пуст: выполните `search index PATH`, чтобы добавить документы.",
        "help": "Синтаксис: \"точная фраза\", -исключить, OR, title:слово, lang:ru, date:2024-01..2024-06, "
                "source:rt.com",
        "ui_language": "Язык интерфейса",
        "sort": "Порядок", "relevance": "По релевантности", "newest": "Сначала новые",
        "oldest": "Сначала старые", "months": "Дата", "sources": "Источник", "latest": "Последние",
        "all_dates": "Все даты",
        "showing_for": "Показаны результаты по запросу", "search_instead": "Искать вместо этого",
        "did_you_mean": "Возможно, вы имели в виду",
        "feed": "Подписка", "pdf_page": "с. {page}", "across": "И на других языках",
        "no_vectors": "Для результатов на других языках нужны смысловые векторы, а в этом индексе "
                      "их нет: показаны только документы с вашими словами. Добавьте их командой "
                      "`search index --semantic PATH`.",
    },
}

#: Strings that depend on a number, by Babel's plural category (one, few, many, other).
PLURALS: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "results": {"one": "{n} result in {ms} ms", "other": "{n} results in {ms} ms"},
        "documents": {"one": "{n} document", "other": "{n} documents"},
        "similar": {"one": "{n} similar article", "other": "{n} similar articles"},
    },
    "vi": {
        "results": {"other": "{n} kết quả trong {ms} ms"},
        "documents": {"other": "{n} tài liệu"},
        "similar": {"other": "{n} bài tương tự"},
    },
    "ru": {
        "results": {"one": "{n} результат за {ms} мс", "few": "{n} результата за {ms} мс",
                    "many": "{n} результатов за {ms} мс", "other": "{n} результата за {ms} мс"},
        "documents": {"one": "{n} документ", "few": "{n} документа", "many": "{n} документов",
                      "other": "{n} документа"},
        "similar": {"one": "{n} похожая статья", "few": "{n} похожие статьи",
                    "many": "{n} похожих статей", "other": "{n} похожей статьи"},
    },
}

LANGUAGE_NAMES = {
    "vi": "Tiếng Việt", "ru": "Русский", "en": "English", "uk": "Українська", "de": "Deutsch",
    "fr": "Français", "es": "Español", "zh": "中文", "ja": "日本語", "th": "ไทย", "ar": "العربية",
    "el": "Ελληνικά", "hi": "हिन्दी", "ro": "Română", "tr": "Türkçe", "it": "Italiano",
    "pt": "Português", "ko": "한국어", "pl": "Polski", "xx": "Other",
}


def choose(requested: str | None, accept: object) -> str:
    """The interface language: an explicit choice, else the browser's preference, else English."""
    if requested in STRINGS:
        return requested  # type: ignore[return-value]
    best = getattr(accept, "best_match", None)
    if best:
        found = best(list(STRINGS), default="en")
        return str(found)
    return "en"


@lru_cache(maxsize=None)
def _locale(ui: str) -> Locale:
    return Locale.parse(ui)


def plural(ui: str, key: str, n: int, **values: object) -> str:
    """``key``'s string for ``n`` in the interface language, ``n`` written as it writes numbers
    (``5 результатов``, ``1 result``, ``12,345 results``)."""
    forms = PLURALS[ui][key]
    form = _locale(ui).plural_form(n)
    return (forms.get(form) or forms["other"]).format(n=format_decimal(n, locale=ui), **values)


def long_date(ui: str, iso: str | None) -> str:
    """``2026-12-04`` as the interface language writes a date (``4 tháng 12, 2026``); text that
    is not such a date as it is."""
    try:
        return format_date(_dt.date.fromisoformat(iso or ""), "long", locale=ui)
    except ValueError:
        return iso or ""


def month_label(ui: str, month: str) -> str:
    """``2026-12`` as the interface language names the month (``Dec 2026``, ``дек. 2026 г.``)."""
    try:
        return format_date(_dt.date.fromisoformat(month + "-01"), "MMM y", locale=ui)
    except ValueError:
        return month
