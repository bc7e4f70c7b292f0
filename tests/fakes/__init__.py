"""Fakes of what the tests cannot reach or should not wait for: the Telegram Bot API (`botapi`),
web servers that misbehave on purpose (`webserver`), and an instant embedder (`embedder`). Each
is real code on loopback or in memory, never a mock of our own modules."""
