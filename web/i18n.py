"""Interface strings in English, Vietnamese and Russian."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Search", "placeholder": "Search news and documents", "search": "Search",
        "collection": "The collection", "documents": "documents", "updated": "last updated",
        "results": "{total} results in {ms} ms", "no_results": "No results for “{q}”.",
        "partial": "The phrase was not looked for in every document: it took too long. More words narrow it.",
        "no_results_hint": "Try fewer words, other words, or remove the language filter.",
        "all_languages": "All languages", "previous": "Previous", "next": "Next",
        "page": "Page {page}", "query_error": "This query cannot be run", "original": "Original",
        "not_found": "No such document", "back": "Back to results", "language": "Language",
        "empty": "The index is empty: run `search index PATH` to add documents.",
        "help": "Syntax: \"exact phrase\", -exclude, OR, title:word, lang:vi, date:2024-01..2024-06",
        "ui_language": "Interface language",
    },
    "vi": {
        "title": "Tìm kiếm", "placeholder": "Tìm tin tức và tài liệu", "search": "Tìm",
        "collection": "Bộ sưu tập", "documents": "tài liệu", "updated": "cập nhật lần cuối",
        "results": "{total} kết quả trong {ms} ms", "no_results": "Không có kết quả cho “{q}”.",
        "partial": "Cụm từ chưa được tìm trong mọi tài liệu vì mất quá nhiều thời gian. Thêm từ để thu hẹp.",
        "no_results_hint": "Hãy thử ít từ hơn, từ khác, hoặc bỏ bộ lọc ngôn ngữ.",
        "all_languages": "Mọi ngôn ngữ", "previous": "Trước", "next": "Sau",
        "page": "Trang {page}", "query_error": "Không thể thực hiện truy vấn này",
        "original": "Bản gốc", "not_found": "Không tìm thấy tài liệu", "back": "Quay lại kết quả",
        "language": "Ngôn ngữ",
        "empty": "Chỉ mục đang trống: chạy `search index PATH` để thêm tài liệu.",
        "help": "Cú pháp: \"cụm từ\", -loại trừ, OR, title:từ, lang:vi, date:2024-01..2024-06",
        "ui_language": "Ngôn ngữ giao diện",
    },
    "ru": {
        "title": "Поиск", "placeholder": "Поиск по новостям и документам", "search": "Найти",
        "collection": "Коллекция", "documents": "документов", "updated": "обновлено",
        "results": "Найдено: {total} за {ms} мс", "no_results": "По запросу «{q}» ничего не найдено.",
        "partial": "Фраза искалась не во всех документах: это заняло слишком много времени. Уточните запрос.",
        "no_results_hint": "Попробуйте меньше слов, другие слова или уберите фильтр языка.",
        "all_languages": "Все языки", "previous": "Назад", "next": "Дальше",
        "page": "Страница {page}", "query_error": "Этот запрос нельзя выполнить",
        "original": "Оригинал", "not_found": "Документ не найден", "back": "К результатам",
        "language": "Язык",
        "empty": "Индекс пуст: выполните `search index PATH`, чтобы добавить документы.",
        "help": "Синтаксис: \"точная фраза\", -исключить, OR, title:слово, lang:ru, date:2024-01..2024-06",
        "ui_language": "Язык интерфейса",
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
