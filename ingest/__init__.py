"""Getting news into the knowledge base: read sources, extract articles, split, store."""
