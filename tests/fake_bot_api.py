"""A local stand-in for the Telegram Bot API over HTTP (aiohttp on 127.0.0.1).

Implements what the bot uses: getMe, getUpdates with long polling (or a 409 Conflict while
``conflict`` is set), sendMessage (refused for ``state.blocked`` and ``state.gone`` chats),
editMessageText, answerCallbackQuery, answerInlineQuery, sendVenue, sendChatAction,
setMyCommands and the description methods, getFile and the file download route.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from aiohttp import web

from tests.telegram_fakes import TOKEN, ApiError, BotApiState


class FakeBotApi:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.state = BotApiState()
        self.updates: list[dict[str, Any]] = []
        self.new_update = asyncio.Condition()
        self.new_call = asyncio.Condition()
        self.call_times: list[tuple[float, str, dict[str, Any]]] = []
        self.conflict = ""  # when set, getUpdates is refused with 409 and this description
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post(f"/bot{self.token}/{{method}}", self._method)
        app.router.add_get(f"/file/bot{self.token}/{{path:.+}}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        async with self.new_update:
            self.new_update.notify_all()
        if self._runner:
            await self._runner.cleanup()

    async def push(self, update: dict[str, Any]) -> None:
        async with self.new_update:
            self.updates.append(update)
            self.new_update.notify_all()

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until the bot has called ``method`` at least ``count`` times in all."""

        async def enough() -> list[dict[str, Any]]:
            async with self.new_call:
                await self.new_call.wait_for(lambda: len(self.state.sent(method)) >= count)
                return self.state.sent(method)

        return await asyncio.wait_for(enough(), timeout)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, str) and value[:1] in "[{":
                try:
                    params[key] = json.loads(value)
                    continue
                except ValueError:
                    pass
            params[key] = value
        return params

    async def _method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if method == "getUpdates":
            self.state.calls.append((method, params))
            if self.conflict:
                return web.json_response(ApiError(409, self.conflict).payload(), status=409)
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        refused = self.state.refusal(method, params)
        if refused is not None:
            async with self.new_call:
                self.new_call.notify_all()
            return web.json_response(refused.payload(), status=refused.code)
        try:
            result = self.state.result(method, params)
        except ApiError as exc:
            return web.json_response(exc.payload(), status=exc.code)
        except KeyError:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        self.call_times.append((time.perf_counter(), method, params))
        async with self.new_call:
            self.new_call.notify_all()
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates and timeout:
            async with self.new_update:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.new_update.wait_for(lambda: bool(self.updates)), timeout)
        return self.updates[:100]

    async def _file(self, request: web.Request) -> web.Response:
        try:
            return web.Response(body=self.state.file_bytes(request.match_info["path"]))
        except KeyError:
            return web.Response(status=404)
