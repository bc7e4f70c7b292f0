"""The Telegram bot: `app` wires python-telegram-bot's Application, `handlers` answers questions,
`admin` manages sources, `digests` posts digests and alerts, `story_views` shows timelines and
comparisons, `privacy` answers /outlets, /privacy and /forget, `render` writes all the HTML,
`send` delivers to chats, `context` is the typed context every handler gets. What the bot keeps
in SQL is `bot.state`'s.

The only package that imports `telegram`. Must not import `bot.cli`; answers come from
`bot.answer`.
"""
