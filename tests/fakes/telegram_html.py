"""What Telegram does with a message's HTML: which tags it allows, and the plain text and entities
a person sees (so tests assert on what is shown, not on markup)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "blockquote", "tg-spoiler", "span", "tg-emoji"}
ENTITY_OF = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
             "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
             "del": "strikethrough", "a": "text_link", "code": "code", "pre": "pre",
             "blockquote": "blockquote", "tg-spoiler": "spoiler", "span": "spoiler",
             "tg-emoji": "custom_emoji"}


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _TelegramHTML(HTMLParser):
    """Parses Telegram's HTML subset into (text, entities), raising ApiError as the server does."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.entities: list[dict] = []
        self.stack: list[tuple[str, int, dict]] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in ALLOWED_TAGS:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"')
        self.stack.append((tag, utf16_len(self.text), dict(attrs)))

    def handle_endtag(self, tag) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unexpected end tag "{tag}"')
        name, start, attrs = self.stack.pop()
        entity = {"type": ENTITY_OF[name], "offset": start, "length": utf16_len(self.text) - start}
        if name == "a":
            entity["url"] = attrs.get("href", "")
        if entity["length"]:
            self.entities.append(entity)

    def handle_data(self, data) -> None:
        self.text += data


def parse_html(source: str) -> tuple[str, list[dict]]:
    """Return the text and entities of a Telegram HTML message, or raise ApiError."""
    if re.search(r"<(?![a-zA-Z/])", source) or re.search(r"&(?!#?\w+;)", source):
        raise ApiError(400, "Bad Request: can't parse entities: unescaped < or & in the text")
    parser = _TelegramHTML()
    parser.feed(source)
    parser.close()
    if parser.stack:
        raise ApiError(
            400, f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{parser.stack[-1][0]}"'
        )
    return parser.text, sorted(parser.entities, key=lambda e: e["offset"])
