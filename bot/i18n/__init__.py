"""The bot's own words in English, Russian and Ukrainian, chosen by the user's language.
Answers themselves keep the language of their sources."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from bot.i18n import en, ru, uk

TEXTS: Mapping[str, Mapping[str, str]] = MappingProxyType({"en": en.TEXTS, "ru": ru.TEXTS, "uk": uk.TEXTS})
LANGUAGES = tuple(TEXTS)
PUBLIC_COMMANDS = ("ask", "timeline", "compare", "help", "digest", "follow", "unfollow", "outlets", "privacy",
                   "forget")


def language_of(code: str | None) -> str:
    """Return the supported language for a Telegram language_code (English by default)."""
    base = (code or "en").split("-")[0].lower()
    return base if base in TEXTS else "en"


def not_found(searched_days: tuple[date, date] | None, code: str | None = None) -> str:
    """Return "I did not find an answer", naming the days searched when the question named a time."""
    if searched_days is None:
        return t("not_found", code)
    first, last = searched_days
    days = first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"
    return t("not_found_on", code, days=days)


def t(key: str, code: str | None = None, **values: object) -> str:
    """Return the text `key` in the language of `code`, filled with `values`."""
    text = TEXTS[language_of(code)].get(key) or TEXTS["en"][key]
    return text.format(**values) if values else text
