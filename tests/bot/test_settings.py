"""Every setting is documented in .env.example, and the example file itself loads."""

from __future__ import annotations

import re

from newsbot.bot.settings import BotSettings
from newsbot.ingest.settings import IngestSettings
from newsbot.retrieval.settings import RetrievalSettings
from tests.support.stores import ROOT

CLASSES = (RetrievalSettings, BotSettings, IngestSettings)


def documented() -> set[str]:
    text = (ROOT / ".env.example").read_text("utf-8")
    return set(re.findall(r"^(NEWSBOT_[A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_every_setting_is_in_env_example_and_the_readme():
    readme = (ROOT / "README.md").read_text("utf-8")
    for cls in CLASSES:
        for name in cls.model_fields:
            variable = f"NEWSBOT_{name.upper()}"
            assert variable in documented(), f"{variable} missing from .env.example"
            assert variable in readme, f"{variable} missing from the README's settings"


def test_env_example_copied_to_env_loads(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text("utf-8"), "utf-8")
    monkeypatch.chdir(tmp_path)
    for name in list(__import__("os").environ):
        if name.startswith("NEWSBOT_"):
            monkeypatch.delenv(name)
    retrieval = RetrievalSettings()
    assert retrieval.chroma_server == "" and retrieval.llm == "none"
    assert BotSettings().telegram_token.get_secret_value() == ""
    assert IngestSettings().ingest_batch_chunks > 0


def test_chroma_host_and_port_name_a_server():
    settings = RetrievalSettings(_env_file=None, chroma_host="chroma.example", chroma_port=9000)
    assert settings.chroma_server == "http://chroma.example:9000"
    assert RetrievalSettings(_env_file=None).chroma_server == ""
