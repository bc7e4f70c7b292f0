"""The bot's settings (Telegram, admins, the webhook, question budgets, the language-model step)
added to the knowledge base's: one object, read from the environment and `.env` at the entry point
and passed down. Every name is `LEDE_*`, plus `TELEGRAM_TOKEN`."""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from bot.answer import LLMConfig
from index import settings
from index.errors import ConfigError


class Settings(settings.Settings):
    """Everything Lede can be configured with."""

    telegram_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_TOKEN", "LEDE_TELEGRAM_TOKEN")
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org/bot", description="Bot API base URL (a local server, or a test fake)."
    )
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Telegram user ids allowed to run admin commands."
    )
    webhook_url: str | None = Field(default=None, description="Public HTTPS URL Telegram posts updates to.")
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: SecretStr | None = Field(
        default=None, description="X-Telegram-Bot-Api-Secret-Token, shared by every webhook replica; required with --webhook."
    )
    questions_per_hour: int = Field(default=30, description="Questions one user may ask per hour.")
    group_questions_per_hour: int = Field(default=120, description="Questions one group may ask per hour, all members together.")
    llm_base_url: str | None = Field(
        default=None, description="An OpenAI-compatible API (e.g. http://localhost:11434/v1) for written answers."
    )
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    def webhook(self) -> tuple[str, str]:
        """Return the webhook's URL and secret; raise ConfigError naming what --webhook lacks."""
        if not self.webhook_url:
            raise ConfigError("--webhook needs LEDE_WEBHOOK_URL (the public https URL Telegram posts to).")
        if self.webhook_secret is None:
            # A secret made up at start-up differs per process: each replica's setWebhook would
            # lock the others out (Telegram then posts a secret they refuse with 403).
            raise ConfigError("--webhook needs LEDE_WEBHOOK_SECRET, the same for every replica "
                              "(make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))').")
        return self.webhook_url, self.webhook_secret.get_secret_value()

    def llm(self) -> LLMConfig | None:
        """Return the language model the answers may ask (LEDE_LLM_*), or None when none is set."""
        if not (self.llm_base_url and self.llm_model):
            return None
        api_key = self.llm_api_key.get_secret_value() if self.llm_api_key else None
        return LLMConfig(self.llm_base_url, self.llm_model, api_key)

    _ids_listed = field_validator("admin_ids", mode="before")(settings.comma_separated)
