"""A Bot API fake on 127.0.0.1 for end-to-end tests of the real python-telegram-bot Application.

It enforces what the real server enforces (HTML must parse, text <= 4096, callback data <= 64
bytes, "message is not modified", "chat not found", 409 for getUpdates under a webhook), can be
told to answer 429/403/chat-migrated, lets tests act as users, and records every call the bot
makes with the text and entities a person would see.
"""


from __future__ import annotations

import itertools
import json
import re
import threading
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer

from tests.fakes.botapi_server import TOKEN, BotAPIServer, Call
from tests.fakes.telegram_html import ApiError, utf16_len

__all__ = ["TOKEN", "ApiError", "BotAPI", "Call", "User"]




@dataclass
class User:
    id: int
    first_name: str
    username: str | None = None
    language_code: str = "en"

    def as_dict(self) -> dict:
        data = {"id": self.id, "is_bot": False, "first_name": self.first_name, "language_code": self.language_code}
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class Rule:
    """Make the next `times` calls of `method` (to `chat_id`, if given) fail."""

    method: str
    code: int
    description: str
    parameters: dict | None = None
    chat_id: int | str | None = None
    times: int = 1


@dataclass
class BotAPI(BotAPIServer):
    username: str = "lede_test_bot"
    bot_id: int = 777000
    calls: list[Call] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    port: int = 0  # 0: any free one; a given one lets a test start the bot before its Telegram

    def __post_init__(self) -> None:
        self.updates: list[dict] = []
        self.update_ids = itertools.count(1)
        self.message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1))
        self.messages: dict[tuple[int, int], dict] = {}
        self.chats: dict[int, dict] = {}
        self.members: dict[tuple[int, int], str] = {}
        self.commands: dict[str, list[dict]] = {}
        self.webhook: dict | None = None
        self.inline_results: dict[str, list[dict]] = {}  # inline query id -> the results answered
        self.inline_messages: dict[str, dict] = {}  # inline message id -> what a user sent with one
        self.polls = 0  # getUpdates calls: the bot is receiving once this moves
        self.cond = threading.Condition()
        self.closing = False
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    # --- set-up and teardown -------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def me(self) -> dict:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Lede", "username": self.username,
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": True, "can_connect_to_business": False,
                "has_main_web_app": False}

    def close(self) -> None:
        with self.cond:
            self.closing = True
            self.cond.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # --- chats and users ---------------------------------------------------------------------
    def private_chat(self, user: User) -> dict:
        chat = {"id": user.id, "type": "private", "first_name": user.first_name}
        self.chats[user.id] = chat
        return chat

    def group(self, chat_id: int, title: str = "News group", *, admins: list[User] = (), forum: bool = False) -> dict:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        if forum:
            chat["is_forum"] = True
        self.chats[chat_id] = chat
        for admin in admins:
            self.members[(chat_id, admin.id)] = "administrator"
        return chat

    def channel(self, chat_id: int, username: str) -> dict:
        chat = {"id": chat_id, "type": "channel", "title": username.title(), "username": username}
        self.chats[chat_id] = chat
        self.members[(chat_id, self.bot_id)] = "administrator"
        return chat

    def fail(self, method: str, code: int, description: str, *, chat_id=None, times: int = 1, **parameters) -> None:
        self.rules.append(Rule(method, code, description, parameters or None, chat_id, times))

    # --- acting as users ---------------------------------------------------------------------
    def push(self, update: dict) -> dict:
        with self.cond:
            update["update_id"] = next(self.update_ids)
            self.updates.append(update)
            self.cond.notify_all()
        return update

    def message(self, chat: dict, user: User | None, text: str, **extra) -> dict:
        message = {"message_id": next(self.message_ids[chat["id"]]), "date": int(time.time()),
                   "chat": chat, "text": text, **extra}
        if user is not None:
            message["from"] = user.as_dict()
        entities = []
        if text.startswith("/"):
            command = text.split()[0]
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command)})
        for match in re.finditer(r"@\w+", text):
            if match.start() > 0 or not text.startswith("/"):
                entities.append({"type": "mention", "offset": utf16_len(text[: match.start()]),
                                 "length": utf16_len(match.group(0))})
        for match in re.finditer(r"https?://\S+", text):  # Telegram marks web addresses itself
            entities.append({"type": "url", "offset": utf16_len(text[: match.start()]),
                             "length": utf16_len(match.group(0))})
        if entities:
            message["entities"] = entities
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    def send(self, chat: dict, user: User, text: str, *, reply_to: dict | None = None,
             thread_id: int | None = None, edited: bool = False) -> dict:
        """A user writes `text` in `chat`; return the update."""
        extra = {}
        if reply_to is not None:
            extra["reply_to_message"] = reply_to
        if thread_id is not None:
            extra["message_thread_id"] = thread_id
            extra["is_topic_message"] = True
        message = self.message(chat, user, text, **extra)
        return self.push({"edited_message" if edited else "message": message})

    def channel_post(self, chat: dict, text: str) -> dict:
        return self.push({"channel_post": self.message(chat, None, text)})

    def press(self, message: dict, data: str, user: User) -> dict:
        """A user presses an inline button with `data` under `message`."""
        return self.push({"callback_query": {"id": str(next(self.update_ids) + 10_000),
                                              "from": user.as_dict(), "message": message,
                                              "chat_instance": f"ci{message['chat']['id']}",
                                              "data": data}})

    def choose_inline(self, result: dict) -> str:
        """A user sends an inline result into some chat; return its inline message id (the bot
        sees neither the chat nor the message)."""
        content = result["input_message_content"]
        text, entities = self._text({"text": content["message_text"], "parse_mode": content.get("parse_mode")})
        inline_id = f"inl{len(self.inline_messages) + 1}"
        self.inline_messages[inline_id] = {"text": text, "entities": entities, "reply_markup": result.get("reply_markup")}
        return inline_id

    def press_inline(self, inline_message_id: str, data: str, user: User) -> dict:
        """A user presses a button with `data` under an inline message (or forges one naming it)."""
        return self.push({"callback_query": {"id": str(next(self.update_ids) + 10_000), "from": user.as_dict(),
                                              "inline_message_id": inline_message_id,
                                              "chat_instance": "ci-inline", "data": data}})

    def inline_query(self, user: User, query: str) -> dict:
        return self.push({"inline_query": {"id": str(next(self.update_ids) + 20_000),
                                            "from": user.as_dict(), "query": query, "offset": "",
                                            "chat_type": "sender"}})

    def push_webhook(self, update: dict, *, secret: str | None) -> int:
        """POST an update to the bot's webhook as Telegram would; return the HTTP status."""
        assert self.webhook is not None, "the bot has not set a webhook"
        return self.post_update(self.webhook["url"], {**update, "update_id": next(self.update_ids)}, secret)

    @staticmethod
    def post_update(url: str, update: dict, secret: str | None) -> int:
        request = urllib.request.Request(url, data=json.dumps(update).encode(),
                                         headers={"Content-Type": "application/json"})
        if secret is not None:
            request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    # --- reading what the bot did --------------------------------------------------------------
    def sent(self, method: str = "sendMessage", **match) -> list[Call]:
        """Successful calls of `method` whose params include `match`."""
        with self.cond:
            return [c for c in self.calls if c.method == method and c.error is None
                    and all(str(c.params.get(k)) == str(v) for k, v in match.items())]

    def wait_polling(self, timeout: float = 120) -> None:
        """Wait until the bot asks for updates."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not self.polls:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"the bot did not poll within {timeout} s")
                self.cond.wait(remaining)

    def wait_for(self, method: str = "sendMessage", *, count: int = 1, timeout: float = 30, **match) -> list[Call]:
        """Wait until the bot made `count` such successful calls; return them."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = [c for c in self.calls if c.method == method and c.error is None
                         and all(str(c.params.get(k)) == str(v) for k, v in match.items())]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    methods = [(c.method, c.error.description if c.error else "ok") for c in self.calls]
                    raise AssertionError(f"no {count} x {method} {match} within {timeout} s; calls: {methods}")
                self.cond.wait(remaining)
