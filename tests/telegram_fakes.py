"""Stand-ins for Telegram in tests: Bot API answers, recorded requests, and update payloads."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

TOKEN = "123456789:AAEtestTOKENtestTOKENtestTOKENtest12"
BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Nhãn Xanh",
    "username": "nhanxanh_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
_TRUE_METHODS = {
    "answerCallbackQuery",
    "answerInlineQuery",
    "sendChatAction",
    "setMyCommands",
    "setChatMenuButton",
    "setMyDescription",
    "setMyShortDescription",
    "deleteWebhook",
    "setWebhook",
    "close",
    "logOut",
}


_MESSAGE_METHODS = (
    "sendMessage",
    "editMessageText",
    "editMessageCaption",
    "sendVenue",
    "sendPhoto",
    "sendDocument",
)


class ApiError(Exception):
    """An error answer of the Bot API (``ok: false``) with its code and description."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description

    def payload(self) -> dict[str, Any]:
        return {"ok": False, "error_code": self.code, "description": self.description}


class BotApiState:
    """What a Bot API server would answer; shared by the recorder and the fake HTTP server.

    Like Telegram, it remembers what it sent: editing the text of a message that has none
    (a photo or a document: only its caption can be edited) is a 400 error.
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.files: dict[str, bytes] = {}
        self.failures: dict[str, int] = {}  # method -> how many calls fail with a network error first
        self.blocked: set[int] = set()  # chats that blocked the bot: sends there get 403
        self.gone: dict[int, ApiError] = {}  # other refusals by chat (deactivated, chat not found)
        self.webhook_url = ""
        self._ids = itertools.count(1000)
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # what was sent, by chat and id
        self.file_kinds: dict[str, str] = {}  # file id -> photo or document

    def add_file(self, file_id: str, data: bytes, kind: str | None = None) -> None:
        """A file a user sent; ``kind`` ("photo" or "document") makes re-sending it as the
        other kind fail, as on Telegram, where a file id is only good for its own kind."""
        self.files[file_id] = data
        if kind:
            self.file_kinds[file_id] = kind

    def refusal(self, method: str, params: dict[str, Any]) -> ApiError | None:
        """Telegram's refusal of a send to a chat that blocked the bot or is gone (recorded as
        ``refused:<method>``), or None."""
        chat = int(params.get("chat_id") or 0)
        if not method.startswith("send") or (chat not in self.blocked and chat not in self.gone):
            return None
        self.calls.append((f"refused:{method}", params))
        return self.gone.get(chat) or ApiError(403, "Forbidden: bot was blocked by the user")

    def result(self, method: str, params: dict[str, Any]) -> Any:
        self.calls.append((method, params))
        if method == "getMe":
            return BOT_USER
        if method == "getWebhookInfo":
            return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": 0}
        if method in ("setWebhook", "deleteWebhook"):
            self.webhook_url = str(params.get("url") or "") if method == "setWebhook" else ""
        if method in _TRUE_METHODS:
            return True
        if method == "getFile":
            fid = str(params["file_id"])
            return {
                "file_id": fid,
                "file_unique_id": f"u{fid}",
                "file_size": len(self.files.get(fid, b"")),
                "file_path": f"photos/{fid}.jpg",
            }
        if method in ("editMessageText", "editMessageCaption"):
            chat_id, message_id = int(params.get("chat_id") or 1), int(params.get("message_id") or 0)
            known = self.messages.get((chat_id, message_id))
            if known is not None and method == "editMessageText" and "text" not in known:
                raise ApiError(400, "Bad Request: there is no text in the message to edit")
            if known is not None and method == "editMessageCaption" and "text" in known:
                raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        if method in ("sendPhoto", "sendDocument"):
            kind = method.removeprefix("send").lower()
            known_kind = self.file_kinds.get(str(params.get(kind)), kind)
            if known_kind != kind:
                raise ApiError(400, f"Bad Request: can't use file of type {known_kind} as {kind}")
        if method in (
            "sendMessage",
            "editMessageText",
            "editMessageCaption",
            "sendVenue",
            "sendPhoto",
            "sendDocument",
        ):
            chat_id = int(params.get("chat_id") or 1)
            msg: dict[str, Any] = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
            }
            if "text" in params:
                msg["text"] = params["text"]
            if method == "sendPhoto":
                msg["photo"] = [{"file_id": "sent-photo", "file_unique_id": "sp", "width": 90, "height": 90}]
            if method == "sendDocument":
                msg["document"] = {"file_id": "sent-doc", "file_unique_id": "sd"}
            if params.get("caption"):
                msg["caption"] = params["caption"]
            if method.startswith("send"):
                self.messages[(chat_id, msg["message_id"])] = msg
            return msg
        raise KeyError(method)

    def file_bytes(self, path: str) -> bytes:
        return self.files[path.rsplit("/", 1)[-1].removesuffix(".jpg")]

    def sent(self, method: str | None = None) -> list[dict[str, Any]]:
        return [p for m, p in self.calls if method is None or m == method]


class RecordingRequest(BaseRequest):
    """A BaseRequest that answers like the Bot API and records every call; no network."""

    def __init__(self, state: BotApiState | None = None) -> None:
        self.state = state or BotApiState()

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: object, **kwargs: object
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            return 200, self.state.file_bytes(url)
        name = url.rsplit("/", 1)[-1]
        if self.state.failures.get(name):
            self.state.failures[name] -= 1
            raise NetworkError("connection reset by peer")
        params = {k: _decode(v) for k, v in (request_data.parameters if request_data else {}).items()}
        refused = self.state.refusal(name, params)
        if refused is not None:
            return refused.code, json.dumps(refused.payload()).encode()
        try:
            return 200, json.dumps({"ok": True, "result": self.state.result(name, params)}).encode()
        except ApiError as exc:
            return exc.code, json.dumps(exc.payload()).encode()


def _decode(value: object) -> object:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# -- update payloads ---------------------------------------------------------------------------
_update_ids = itertools.count(1)


def _user(user_id: int, language: str = "vi") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Lan", "language_code": language}


def _message(user_id: int, language: str, **fields: Any) -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": next(_update_ids),
            "date": int(time.time()),
            "from": _user(user_id, language),
            "chat": {"id": user_id, "type": "private"},
            **fields,
        },
    }


def text(body: str, user_id: int = 501, language: str = "vi") -> dict[str, Any]:
    fields: dict[str, Any] = {"text": body}
    if body.startswith("/"):
        fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(body.split()[0])}]
    return _message(user_id, language, **fields)


def web_app_data(data: str, user_id: int = 501, language: str = "vi") -> dict[str, Any]:
    """What Telegram sends when a page opened from a keyboard button calls sendData."""
    return _message(user_id, language, web_app_data={"data": data, "button_text": "📷"})


def photo(file_id: str, size: int, user_id: int = 501, language: str = "vi") -> dict[str, Any]:
    sizes = [
        {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 900},
        {"file_id": file_id, "file_unique_id": "b", "width": 1280, "height": 960, "file_size": size},
    ]
    return _message(user_id, language, photo=sizes)


def document(file_id: str, size: int, mime: str = "image/png", user_id: int = 501) -> dict[str, Any]:
    return _message(
        user_id,
        "vi",
        document={
            "file_id": file_id,
            "file_unique_id": "d",
            "file_name": "x.png",
            "mime_type": mime,
            "file_size": size,
        },
    )


def location(lat: float, lon: float, user_id: int = 501) -> dict[str, Any]:
    return _message(user_id, "vi", location={"latitude": lat, "longitude": lon})


def callback(
    data: str, user_id: int = 501, language: str = "vi", message: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A button press; ``message`` is the message the button sat on (default: a text)."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": _user(user_id, language),
            "chat_instance": "ci",
            "data": data,
            "message": message
            or {
                "message_id": 77,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "from": BOT_USER,
                "text": "old",
            },
        },
    }


def inline(query: str, user_id: int = 501, language: str = "vi") -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "inline_query": {
            "id": str(next(_update_ids)),
            "from": _user(user_id, language),
            "query": query,
            "offset": "",
        },
    }


def sticker(user_id: int = 501) -> dict[str, Any]:
    return _message(
        user_id,
        "vi",
        sticker={
            "file_id": "st",
            "file_unique_id": "st",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        },
    )
