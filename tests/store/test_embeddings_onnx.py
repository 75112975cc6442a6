"""The ONNX backends: torch's vectors and token counts, exported on first use; int8 kept apart."""

from __future__ import annotations

import numpy as np
import pytest

TEXTS = [
    "Harbor City's two battery-electric ferries cost $38.5 million.",
    "Short.",
    "The council voted 5-2 to raise the property tax rate by 2.9 percent. " * 20,
]


@pytest.fixture(scope="module")
def torch_embedder():
    from newsbot.store.embeddings import Embedder

    return Embedder(backend="torch")


def test_onnx_backend_matches_torch(torch_embedder, tmp_path, monkeypatch):
    from newsbot.store.embeddings import Embedder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    onnx = Embedder(backend="onnx", batch_size=2)
    assert onnx.count_tokens(TEXTS) == torch_embedder.count_tokens(TEXTS)
    assert (onnx.max_tokens, onnx.dimensions) == (
        torch_embedder.max_tokens,
        torch_embedder.dimensions,
    )
    vectors = onnx.encode(TEXTS)
    expected = torch_embedder.encode(TEXTS)
    assert vectors.shape == expected.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (vectors * expected).sum(axis=1).min() > 0.9999
    assert list((tmp_path / "newsbot" / "onnx").glob("*/model.onnx"))
    assert onnx.vector_space == torch_embedder.vector_space


def test_auto_backend_is_onnx_on_a_cpu_and_torch_where_onnx_cannot_serve(tmp_path):
    from newsbot.store.embeddings import bundled_model_path, resolve_backend

    bundled = bundled_model_path()
    assert resolve_backend("auto", "cpu", bundled) == "onnx"
    assert resolve_backend("auto", "mps", bundled) == "torch"
    assert resolve_backend("auto", "cpu", str(tmp_path)) == "torch"  # no tokenizer.json
    assert resolve_backend("torch", "cpu", bundled) == "torch"
    assert resolve_backend("onnx-int8", "cpu", bundled) == "onnx-int8"


def test_auto_embeds_bulk_work_on_torch_in_the_same_vector_space(torch_embedder):
    from newsbot.store.embeddings import Embedder

    auto = Embedder(device="cpu")
    assert (auto.backend, auto.bulk_backend) == ("onnx", "torch")
    auto.bulk_texts = 3  # a batch this size counts as bulk; questions stay on ONNX Runtime
    bulk = auto.encode(TEXTS)
    assert auto._sentence_transformer is not None  # torch loaded for the bulk call
    question = auto.encode(TEXTS[:1])
    expected = torch_embedder.encode(TEXTS)
    # bfloat16 where the CPU has it, fp32 elsewhere: the same space either way
    assert (bulk * expected).sum(axis=1).min() > 0.999
    assert float(question[0] @ expected[0]) > 0.9999
    assert auto.vector_space == torch_embedder.vector_space
    assert Embedder(backend="onnx").bulk_backend == "onnx"  # an explicit choice is kept


def test_int8_vectors_stay_close_but_a_store_never_mixes_them(torch_embedder, tmp_path):
    from newsbot.core.errors import StoreError
    from newsbot.retrieval.settings import RetrievalSettings
    from newsbot.store.chroma_store import Store
    from newsbot.store.embeddings import Embedder

    int8 = Embedder(backend="onnx-int8")
    vectors = int8.encode(TEXTS)
    cosine = (vectors * torch_embedder.encode(TEXTS)).sum(axis=1)
    assert cosine.min() > 0.95
    assert int8.vector_space != torch_embedder.vector_space

    settings = RetrievalSettings(_env_file=None, data_dir=tmp_path, chroma_url="")
    Store(settings, int8)
    assert Store(settings, int8).embedder is int8  # the same space opens again
    with pytest.raises(StoreError, match=r"int8 vectors.*NEWSBOT_EMBEDDING_BACKEND"):
        Store(settings, torch_embedder)


def test_auto_falls_back_to_torch_when_the_export_cannot_be_written(
    torch_embedder, tmp_path, monkeypatch, caplog
):
    import logging

    from newsbot.store.embeddings import Embedder

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    auto = Embedder()
    assert auto.backend == "onnx"
    with caplog.at_level(logging.WARNING):
        vectors = auto.encode(TEXTS[:2])
    assert auto.backend == "torch" and "running the model on torch" in caplog.text
    assert (vectors * torch_embedder.encode(TEXTS[:2])).sum(axis=1).min() > 0.9999
    from newsbot.core.errors import ConfigError

    with pytest.raises(ConfigError, match="NEWSBOT_EMBEDDING_BACKEND=torch"):  # asked by name
        Embedder(backend="onnx").encode(TEXTS[:1])


def test_a_process_that_ends_during_the_background_load_waits_for_it():
    """Ctrl-D at a chat's first prompt: the process ends while the model still loads."""
    import subprocess
    import sys

    # atexit runs its handlers last registered first, so this one looks after the embedder's.
    script = """
import atexit, threading
from newsbot.store.embeddings import Embedder

def still_loading():
    print("loading:", any(t.name == "newsbot-model-load" for t in threading.enumerate()))

atexit.register(still_loading)
Embedder().load_in_background()
"""
    ended = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert ended.returncode == 0, ended.stderr[-500:]
    assert ended.stdout.strip() == "loading: False"
