"""The HTTP side of the Bot API fake: each Bot API method the bot calls, with the checks the real
server makes. Mixed into `BotAPI`, which holds the state and what tests do as users."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

from tests.fakes.telegram_html import ApiError, parse_html, utf16_len

TOKEN = "123456:TEST-TOKEN"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None
    error: ApiError | None = None


class BotAPIServer:
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
        if params.get("inline_message_id"):  # a message a user sent through the bot's inline mode
            message = self.inline_messages.get(str(params["inline_message_id"]))
            if message is None:
                raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
            return message
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
        if params.get("inline_message_id"):
            return True  # Telegram shows the bot nothing of an inline message
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
        self.inline_results[str(params["inline_query_id"])] = results
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
