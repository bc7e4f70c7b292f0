"""Measuring Lede: `quality` asks a question set and scores the answers (`lede eval`); `bench`
times extraction, ingest and answers (`lede bench`). Must not import `telegram` or `bot.chat`.
"""
