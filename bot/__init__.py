"""Lede's user-facing side: answers, the `lede` command line, and the Telegram bot."""
