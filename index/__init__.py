"""Lede's knowledge base: settings, database, embedder, vectors, keyword search and retrieval.

`index` imports neither `ingest` nor `bot`: ingest writes into it, the bot reads from it.
"""
