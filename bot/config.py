"""Settings from the environment (and an optional .env file), via pydantic-settings."""

from __future__ import annotations

import os
import re
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from catalog.datafile import MAX_FILE_BYTES

TOKEN_PATTERN = re.compile(r"^[0-9]{5,16}:[A-Za-z0-9_-]{30,64}$")


class Settings(BaseSettings):
    """Everything the bot reads from its environment. Names are the upper-case field names."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite:///var/ecolabel.db"
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    log_level: str = "INFO"
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # Byte limits, each with its own answer: a photo (checked before download and again by the
    # scanner) and an officer's catalog file.
    max_photo_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=MAX_FILE_BYTES, ge=1024)
    scan_seconds: float = Field(default=3.0, gt=0)
    # Photo decoding runs in this many worker processes per bot process (0: in a thread), with
    # at most this many decoded pixels in memory at once across them.
    scan_processes: int = Field(default_factory=lambda: min(2, os.cpu_count() or 1), ge=0, le=64)
    scan_pixel_budget: int = Field(default=80_000_000, ge=1_000_000)
    # Telegram lets bots download files up to 20 MB (a local Bot API server: 0, no limit).
    telegram_download_bytes: int = Field(default=20 * 1024 * 1024, ge=0)
    # Telegram allows a bot about 30 messages a second overall; 0 turns the overall limit off.
    telegram_overall_rate: float = Field(default=30.0, ge=0)
    # Public address of the scanning page (Telegram Mini App), e.g. https://bot.example.vn/app/
    webapp_url: str | None = None
    # How old a Mini App's signed launch data may be before its API calls are refused.
    webapp_auth_max_age: int = Field(default=24 * 3600, ge=60)
    # The bot's @username for t.me links; learnt from Telegram at start-up when not set.
    bot_username: str = ""
    # How long a shared location is used before the bot asks again (privacy).
    location_minutes: int = Field(default=120, ge=1)
    # After how many days usage records lose the user id (day counts are kept).
    usage_retention_days: int = Field(default=180, ge=1)
    # A worker renews its claim on the updates it holds; after this many seconds without a
    # renewal (the worker died) another worker answers them.
    update_lease_seconds: float = Field(default=30.0, ge=2)
    # Language of what the command line says about the department's data files (an officer
    # at a terminal): vi or en.
    cli_lang: Literal["vi", "en"] = "vi"

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s]+", value.strip()) if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError("ADMIN_IDS must be Telegram user ids separated by commas") from None
        return value

    def token(self) -> str:
        """The bot token, checked for shape. Raises ValueError with a one-line reason."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise ValueError("TELEGRAM_BOT_TOKEN is not set (get one from @BotFather)")
        value = self.telegram_bot_token.get_secret_value().strip()
        if not TOKEN_PATTERN.match(value):
            raise ValueError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits:letters)")
        return value
