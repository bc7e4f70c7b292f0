"""Getting news into the knowledge base: read sources, extract articles, split, store.

`ingest` writes into `index` and never imports `bot`: the bot may start an ingest run, not the
reverse (a contract `lint-imports` checks).
"""
