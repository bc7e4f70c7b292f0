"""What the bot keeps in the database besides the knowledge base: chats, answers and votes, the
updates it handled, digests and follows (`tables` declares them). Blocking functions over a
KnowledgeBase's sessions; no Telegram here, so the CLI (`lede digest`, `lede import`) reads the
same rows the bot does."""
