"""Settings of the answer: the store's, plus how many articles and which language model."""

from __future__ import annotations

from pydantic import SecretStr

from newsbot.store.settings import StoreSettings


class RetrievalSettings(StoreSettings):
    """Where articles are stored and how questions are answered."""

    top_k: int = 5  # articles quoted at most in one answer
    llm: str = "none"  # none (extractive) or provider:model, e.g. openai:gpt-4o-mini
    llm_base_url: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_timeout: float = 60.0
    llm_temperature: float = 0.0
    llm_style: str = "generative"  # generative (the model writes) or quote (it names the answer)
