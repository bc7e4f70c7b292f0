"""`lede check`: before going live, whether this deployment would work; one line per part, with
the fix when it would not."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bot.cli.common import Commands, open_knowledge_base, opened
from bot.settings import Settings
from index.errors import LedeError


@dataclass(frozen=True)
class Finding:
    level: str  # "ok", "warn" (works, but not as a reader expects) or "FAIL" (will not work)
    text: str


def _database(settings: Settings) -> Finding:
    stats = open_knowledge_base(settings).stats()  # opens and migrates, as every lede process does
    counts = f"sources: {stats.sources}, articles: {stats.articles}, passages: {stats.passages}"
    if not stats.articles:
        return Finding("FAIL", f"{opened(settings)} holds no articles: every answer would be \"I have nothing\" "
                               "(lede ingest PATH, or lede sources add URL).")
    if not stats.in_sync:
        return Finding("warn", f"{counts}; the vectors lag the database: lede reindex brings them in step.")
    return Finding("ok", f"{counts} in {opened(settings)}.")


def _model(settings: Settings) -> Finding:
    kb = open_knowledge_base(settings)
    vector = kb.embedder.embed_query("Who leads the coalition?")
    return Finding("ok", f"{settings.embedding_model} embeds in {len(vector)} dimensions.")


def _reader(settings: Settings) -> Finding:
    from bot.reader.model import MODEL_DIR, shipped_reader

    if shipped_reader() is None:
        return Finding("warn", f"the span reader in {MODEL_DIR} is missing or altered: answers come without a "
                               "bold line (reinstall Lede).")
    return Finding("ok", "the span reader is installed and matches its sha256.")


def _sources(settings: Settings) -> Finding:
    from ingest.sources import list_sources

    sources = list_sources(open_knowledge_base(settings))
    failing = [s for s in sources if s.enabled and s.failures]
    if not sources:
        return Finding("warn", "no sources to fetch: answers come only from ingested files (lede sources add URL).")
    if failing:
        return Finding("warn", f"{len(failing)} of {len(sources)} sources are failing, e.g. #{failing[0].id}: "
                               f"{failing[0].last_error} (lede sources list).")
    return Finding("ok", f"sources: {len(sources)}, none failing.")


def _telegram(settings: Settings) -> Finding:
    from bot.chat.app import reach_telegram

    if settings.telegram_token is None:
        return Finding("warn", "TELEGRAM_TOKEN is not set: lede ask works, lede bot will not start.")
    reason = reach_telegram(settings)  # a refused token raises ConfigError: a FAIL
    if reason is not None:
        return Finding("FAIL", f"the Bot API at {settings.telegram_api_url} does not answer ({reason}): check "
                               "the network, a proxy (HTTPS_PROXY) or LEDE_TELEGRAM_API_URL.")
    if not settings.admin_ids:
        return Finding("warn", "Telegram answers, but LEDE_ADMIN_IDS is empty: nobody can add sources from a chat.")
    return Finding("ok", f"Telegram answers; {len(settings.admin_ids)} admin(s).")


def _webhook(settings: Settings) -> Finding:
    if not settings.webhook_url:
        return Finding("ok", "long polling (no LEDE_WEBHOOK_URL): one bot process per token.")
    settings.webhook()  # raises with what --webhook lacks
    if not settings.webhook_url.startswith("https://"):
        return Finding("FAIL", "LEDE_WEBHOOK_URL must be an https:// URL: Telegram posts only to HTTPS.")
    return Finding("ok", f"webhook at {settings.webhook_url}, with a secret.")


CHECKS: Mapping[str, Callable[[Settings], Finding]] = MappingProxyType({
    "database": _database, "model": _model, "reader": _reader, "sources": _sources,
    "telegram": _telegram, "webhook": _webhook,
})


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    failed = False
    for name, check in CHECKS.items():
        try:
            finding = check(settings)
        except LedeError as exc:
            finding = Finding("FAIL", str(exc))
        failed |= finding.level == "FAIL"
        print(f"{finding.level:<4}  {name:<8}  {finding.text}", flush=True)
    print("Some parts would not work: fix the FAIL lines first." if failed else "Ready to go live.")
    return 1 if failed else 0


def register(commands: Commands) -> None:
    """Add `lede check` to `lede`."""
    check = commands.add_parser(
        "check", help="before going live: the database, models, sources and Telegram, each ok or its fix",
        description="Open the database and the models, look at the sources, ask Telegram who the bot is, and "
        "check the webhook settings; print one line for each. Exits 1 when something would not work.",
    )
    check.set_defaults(run=cmd_check)
