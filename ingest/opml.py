"""OPML: the file format feed readers use to move subscription lists."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

from index.errors import InputError


@dataclass(frozen=True)
class Outline:
    url: str
    title: str | None


def read_opml(content: bytes, *, name: str = "OPML file") -> list[Outline]:
    """Return the feeds listed in an OPML document, nested folders included."""
    if b"<!ENTITY" in content[:4096]:
        raise InputError(f"{name}: entity declarations are not accepted in OPML.")
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        raise InputError(f"{name}: not valid OPML ({exc}).") from exc
    if root.tag.lower() != "opml":
        raise InputError(f"{name}: not OPML (the root element is <{root.tag}>).")
    outlines = []
    for node in root.iter("outline"):
        url = node.get("xmlUrl") or node.get("xmlurl") or node.get("url")
        if url:
            outlines.append(Outline(url=url.strip(), title=node.get("title") or node.get("text")))
    return outlines


def write_opml(outlines: list[Outline], *, title: str = "Lede sources") -> str:
    """Return an OPML 2.0 document listing `outlines`."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = ET.SubElement(root, "body")
    for outline in outlines:
        attributes = {"type": "rss", "xmlUrl": outline.url, "text": outline.title or outline.url}
        if outline.title:
            attributes["title"] = outline.title
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
