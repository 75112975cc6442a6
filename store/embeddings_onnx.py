"""Run the embedding model on ONNX Runtime: exported once from sentence-transformers, cached."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

import numpy as np

from newsbot.core.errors import ConfigError

log = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def cache_root() -> Path:
    """Return where exported models are kept (XDG_CACHE_HOME/newsbot/onnx)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsbot" / "onnx"


def export_dir(model_dir: Path) -> Path:
    """Name the cache folder after the model's path and its weights' size and time."""
    weights = sorted(model_dir.glob("*.safetensors")) + sorted(model_dir.glob("*.bin"))
    stamp = "|".join(f"{w.name}:{w.stat().st_size}:{w.stat().st_mtime_ns}" for w in weights)
    key = hashlib.sha1(f"{model_dir.resolve()}|{stamp}".encode()).hexdigest()[:16]
    return cache_root() / key


def export(model_dir: Path, target: Path, quantize: bool) -> Path:
    """Export the transformer to ONNX (and int8 when asked) unless the cache has it already."""
    fp32 = target / "model.onnx"
    # per-channel int8 keeps vectors much closer to fp32 than per-tensor int8 at the same
    # speed; the name says which one is cached.
    wanted = target / ("model-int8-per-channel.onnx" if quantize else "model.onnx")
    if wanted.exists():
        return wanted
    target.mkdir(parents=True, exist_ok=True)
    if not fp32.exists():
        log.warning("preparing the embedding model for ONNX Runtime, once: %s", target)
        _export_fp32(model_dir, fp32)
    if quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = wanted.with_suffix(".tmp.onnx")
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # its "consider pre-processing" advice is for images
        try:
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            root.setLevel(level)
        os.replace(tmp, wanted)
    return wanted


def _export_fp32(model_dir: Path, path: Path) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder; nothing to fetch
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # No "Loading weights" bar in a chat.
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    model = SentenceTransformer(str(model_dir), device="cpu")
    transformer = cast(torch.nn.Module, model[0].auto_model).eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module):
            super().__init__()
            self.inner = inner  # registered, so its weights export as weights, not constants

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    sample = model.tokenizer(["a sample", "another sample text"], padding=True, return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=path.parent)
    os.close(fd)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter is deprecated, still exact
        torch.onnx.export(
            LastHidden(transformer),
            tuple(sample[name] for name in INPUTS),
            tmp,
            input_names=list(INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, path)


class OnnxEncoder:
    """Tokenizes with the model's tokenizer.json, runs ONNX Runtime, pools and normalises."""

    def __init__(
        self, model_dir: str, quantize: bool = False, device: str = "cpu", threads: int = 0
    ):
        path = Path(model_dir)
        if not (path / "tokenizer.json").is_file():
            raise ConfigError(
                f"the onnx backend needs a local sentence-transformers folder with "
                f"tokenizer.json; {model_dir!r} is not one (use NEWSBOT_EMBEDDING_BACKEND=torch)"
            )
        import onnxruntime as ort
        from tokenizers import Tokenizer

        pooling = json.loads((path / "1_Pooling" / "config.json").read_text())
        if not (pooling.get("pooling_mode_mean_tokens") or pooling.get("pooling_mode_cls_token")):
            raise ConfigError("the onnx backend supports mean or CLS pooling only")
        self.mean = bool(pooling.get("pooling_mode_mean_tokens"))
        self.dimensions = int(pooling["word_embedding_dimension"])
        config = json.loads((path / "sentence_bert_config.json").read_text())
        self.max_tokens = int(config.get("max_seq_length", 256))
        self.counter = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.counter.no_truncation()
        self.counter.no_padding()
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.no_padding()
        try:
            onnx_file = export(path, export_dir(path), quantize)
        except OSError as error:
            raise ConfigError(
                f"cannot prepare the ONNX model in {export_dir(path)}: {error}; make "
                "XDG_CACHE_HOME writable or set NEWSBOT_EMBEDDING_BACKEND=torch"
            ) from error
        options = ort.SessionOptions()
        if threads > 0:
            options.intra_op_num_threads = threads
        # Busy-waiting threads only steal CPU from the rest of the machine between batches.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        providers = ["CPUExecutionProvider"]
        if device in ("cuda", "auto") and "CUDAExecutionProvider" in ort.get_available_providers():
            providers.insert(0, "CUDAExecutionProvider")
        self.session = ort.InferenceSession(str(onnx_file), options, providers=providers)
        self.input_names = {i.name for i in self.session.get_inputs()}
        log.info("onnx embedding model %s on %s", onnx_file, providers[0])

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Count word pieces of each text, no special tokens."""
        encoded = self.counter.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encoded]

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 16,
        run: Callable[[dict[str, np.ndarray]], np.ndarray] | None = None,
        pad_to: int = 1,
    ) -> np.ndarray:
        """Embed texts as unit vectors, batching texts of similar length together.

        run: another runtime for the same transformer (torch, for bulk work), given the same
        inputs and returning the last hidden state; pad_to: pad each batch to a multiple of
        this many tokens, so that a runtime that prepares kernels per shape sees few shapes.
        """
        run = run or self._run
        encoded = self.tokenizer.encode_batch(list(texts))
        order = np.argsort([len(e.ids) for e in encoded], kind="stable")
        out = np.zeros((len(encoded), self.dimensions), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = max(len(encoded[i].ids) for i in rows)
            width = min(-(-width // pad_to) * pad_to, self.max_tokens)
            feed = {name: np.zeros((len(rows), width), dtype=np.int64) for name in INPUTS}
            for r, i in enumerate(rows):
                e = encoded[i]
                n = len(e.ids)
                feed["input_ids"][r, :n] = e.ids
                feed["attention_mask"][r, :n] = e.attention_mask
                feed["token_type_ids"][r, :n] = e.type_ids
            hidden = run(feed)
            if self.mean:
                mask = feed["attention_mask"][..., None].astype(np.float32)
                pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            else:
                pooled = hidden[:, 0]
            out[rows] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return out

    def _run(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        inputs = {k: v for k, v in feed.items() if k in self.input_names}
        hidden: np.ndarray = self.session.run(None, inputs)[0]
        return hidden
