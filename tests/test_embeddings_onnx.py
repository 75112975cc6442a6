"""The ONNX backend gives the torch backend's vectors and token counts, exported on first use."""

from __future__ import annotations

import numpy as np

TEXTS = [
    "Harbor City's two battery-electric ferries cost $38.5 million.",
    "Short.",
    "The council voted 5-2 to raise the property tax rate by 2.9 percent. " * 20,
]


def test_onnx_backend_matches_torch(embedder, tmp_path, monkeypatch):
    from retrieval.embeddings import Embedder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    onnx = Embedder(backend="onnx", batch_size=2)
    assert onnx.count_tokens(TEXTS) == embedder.count_tokens(TEXTS)
    assert (onnx.max_tokens, onnx.dimensions) == (embedder.max_tokens, embedder.dimensions)
    vectors = onnx.encode(TEXTS)
    expected = embedder.encode(TEXTS)
    assert vectors.shape == expected.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (vectors * expected).sum(axis=1).min() > 0.9999
    assert list((tmp_path / "newsbot" / "onnx").glob("*/model.onnx"))
