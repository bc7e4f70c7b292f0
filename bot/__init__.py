"""Lede's user-facing side, one sub-package per job:

- `bot.answer`: the answer engine, a question in and an `Answer` out (no Telegram, no CLI).
- `bot.chat`: the Telegram bot, the only package that imports `telegram`; all its HTML in
  `bot.chat.render`.
- `bot.cli`: the `lede` command line, one module per command group.
- `bot.evaluation`: answer quality on question sets, and benchmarks that print figures.
- `bot.i18n`: the words Lede says itself, in English, Russian and Ukrainian.

`bot` reads from `index` and may start an `ingest` run; neither of those imports `bot`.
"""
