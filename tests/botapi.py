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
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

TOKEN = "123456:TEST-TOKEN"
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "blockquote", "tg-spoiler", "span", "tg-emoji"}
ENTITY_OF = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
             "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
             "del": "strikethrough", "a": "text_link", "code": "code", "pre": "pre",
             "blockquote": "blockquote", "tg-spoiler": "spoiler", "span": "spoiler",
             "tg-emoji": "custom_emoji"}


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _TelegramHTML(HTMLParser):
    """Parses Telegram's HTML subset into (text, entities), raising ApiError as the server does."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.entities: list[dict] = []
        self.stack: list[tuple[str, int, dict]] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in ALLOWED_TAGS:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"')
        self.stack.append((tag, utf16_len(self.text), dict(attrs)))

    def handle_endtag(self, tag) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unexpected end tag "{tag}"')
        name, start, attrs = self.stack.pop()
        entity = {"type": ENTITY_OF[name], "offset": start, "length": utf16_len(self.text) - start}
        if name == "a":
            entity["url"] = attrs.get("href", "")
        if entity["length"]:
            self.entities.append(entity)

    def handle_data(self, data) -> None:
        self.text += data


def parse_html(source: str) -> tuple[str, list[dict]]:
    """Return the text and entities of a Telegram HTML message, or raise ApiError."""
    if re.search(r"<(?![a-zA-Z/])", source) or re.search(r"&(?!#?\w+;)", source):
        raise ApiError(400, "Bad Request: can't parse entities: unescaped < or & in the text")
    parser = _TelegramHTML()
    parser.feed(source)
    parser.close()
    if parser.stack:
        raise ApiError(
            400, f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{parser.stack[-1][0]}"'
        )
    return parser.text, sorted(parser.entities, key=lambda e: e["offset"])


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None
    error: ApiError | None = None


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
class BotAPI:
    username: str = "lede_test_bot"
    bot_id: int = 777000
    calls: list[Call] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.updates: list[dict] = []
        self.update_ids = itertools.count(1)
        self.message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1))
        self.messages: dict[tuple[int, int], dict] = {}
        self.chats: dict[int, dict] = {}
        self.members: dict[tuple[int, int], str] = {}
        self.commands: dict[str, list[dict]] = {}
        self.webhook: dict | None = None
        self.polls = 0  # getUpdates calls: the bot is receiving once this moves
        self.cond = threading.Condition()
        self.closing = False
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

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

    # --- the server ----------------------------------------------------------------------------
    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                match = re.fullmatch(r"/bot([^/]+)/(\w+)", self.path.split("?")[0])
                if not match or match.group(1) != TOKEN:
                    return self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                params = api._params(self.headers.get("Content-Type", ""), body)
                status, payload = api.call(match.group(2), params)
                self._reply(status, payload)

            do_GET = do_POST

            def _reply(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot stopped polling mid-request

        return Handler

    @staticmethod
    def _params(content_type: str, body: bytes) -> dict[str, Any]:
        if not body:
            return {}
        if "json" in content_type:
            return json.loads(body)
        params: dict[str, Any] = {}
        for key, values in parse_qs(body.decode(), keep_blank_values=True).items():
            value = values[0]
            try:  # PTB sends non-string values JSON-encoded
                params[key] = json.loads(value) if value[:1] in "[{" or value in ("true", "false") or value.lstrip("-").isdigit() else value
            except json.JSONDecodeError:
                params[key] = value
        return params

    def call(self, method: str, params: dict) -> tuple[int, dict]:
        call = Call(method, params)
        try:
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            self._apply_rules(method, params)
            call.result = handler(params)
            return 200, {"ok": True, "result": call.result}
        except ApiError as exc:
            call.error = exc
            payload = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                payload["parameters"] = exc.parameters
            return exc.code, payload
        finally:
            if method != "getUpdates":
                with self.cond:
                    self.calls.append(call)
                    self.cond.notify_all()

    def _apply_rules(self, method: str, params: dict) -> None:
        with self.cond:
            for rule in self.rules:
                if rule.method == method and rule.times > 0 and (
                    rule.chat_id is None or str(rule.chat_id) == str(params.get("chat_id"))
                ):
                    rule.times -= 1
                    raise ApiError(rule.code, rule.description, rule.parameters)

    def _chat(self, chat_id) -> dict:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.get("username") == chat_id[1:]:
                    return chat
            raise ApiError(400, "Bad Request: chat not found")
        chat = self.chats.get(int(chat_id))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _text(self, params: dict) -> tuple[str, list[dict]]:
        source = str(params.get("text", ""))
        text, entities = parse_html(source) if params.get("parse_mode") == "HTML" else (source, [])
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return text, entities

    @staticmethod
    def _markup(params: dict) -> dict | None:
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if "callback_data" in button and not 1 <= len(button["callback_data"].encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    # --- methods -------------------------------------------------------------------------------
    def _api_getMe(self, params):
        return self.me

    def _api_getUpdates(self, params):
        if self.webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        with self.cond:
            self.polls += 1
            self.cond.notify_all()
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self.cond:
            while True:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                if self.updates or self.closing:
                    return self.updates[: int(params.get("limit") or 100)]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self.cond.wait(min(remaining, 0.5))

    def _api_sendMessage(self, params):
        chat = self._chat(params["chat_id"])
        text, entities = self._text(params)
        message = {"message_id": next(self.message_ids[chat["id"]]), "date": int(time.time()),
                   "chat": chat, "from": self.me, "text": text}
        if entities:
            message["entities"] = entities
        if markup := self._markup(params):
            message["reply_markup"] = markup
        if params.get("message_thread_id"):
            message["message_thread_id"] = int(params["message_thread_id"])
            message["is_topic_message"] = True
        message["_html"] = params.get("text")
        self.messages[(chat["id"], message["message_id"])] = message
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def _stored(self, params) -> dict:
        chat = self._chat(params["chat_id"])
        message = self.messages.get((chat["id"], int(params["message_id"])))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _api_editMessageText(self, params):
        message = self._stored(params)
        text, entities = self._text(params)
        markup = self._markup(params)
        if text == message["text"] and entities == message.get("entities", []) and markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified: specified new message content "
                                "and reply markup are exactly the same as a current content and reply markup of the message")
        message.update(text=text, entities=entities, _html=params.get("text"))
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def _api_editMessageReplyMarkup(self, params):
        message = self._stored(params)
        markup = self._markup(params)
        if markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message["reply_markup"] = markup
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def _api_deleteMessage(self, params):
        self._stored(params)
        del self.messages[(self._chat(params["chat_id"])["id"], int(params["message_id"]))]
        return True

    def _api_answerCallbackQuery(self, params):
        return True

    def _api_answerInlineQuery(self, params):
        results = params.get("results")
        results = json.loads(results) if isinstance(results, str) else results
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        for result in results:
            content = result.get("input_message_content", {})
            self._text({"text": content.get("message_text", ""), "parse_mode": content.get("parse_mode")})
        return True

    def _api_sendChatAction(self, params):
        self._chat(params["chat_id"])
        return True

    def _api_setMyCommands(self, params):
        commands = params["commands"]
        self.commands[params.get("language_code", "")] = json.loads(commands) if isinstance(commands, str) else commands
        return True

    def _api_deleteMyCommands(self, params):
        return True

    def _api_getChat(self, params):
        chat = self._chat(params["chat_id"])
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                        "gifts_from_channels": False}}

    def _member(self, chat_id: int, user_id: int) -> dict:
        status = self.members.get((chat_id, user_id), "member")
        user = self.me if user_id == self.bot_id else {"id": user_id, "is_bot": False, "first_name": f"U{user_id}"}
        if status == "administrator":
            rights = dict.fromkeys(
                ["can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
                 "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
                 "can_edit_stories", "can_delete_stories", "can_post_messages"], True)
            return {"status": status, "user": user, "can_be_edited": False, "is_anonymous": False, **rights}
        if status == "creator":
            return {"status": status, "user": user, "is_anonymous": False}
        return {"status": status, "user": user}

    def _api_getChatMember(self, params):
        chat = self._chat(params["chat_id"])
        return self._member(chat["id"], int(params["user_id"]))

    def _api_getChatAdministrators(self, params):
        chat = self._chat(params["chat_id"])
        return [self._member(c, u) for (c, u), s in self.members.items() if c == chat["id"] and s != "member"]

    def _api_setWebhook(self, params):
        self.webhook = {"url": params["url"], "secret": params.get("secret_token")}
        return True

    def _api_deleteWebhook(self, params):
        self.webhook = None
        return True

    def _api_getWebhookInfo(self, params):
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self.updates)}
