"""Package-level names that import their module on first use (PEP 562)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def lazy_names(package: str, homes: Mapping[str, str]) -> Callable[[str], object]:
    """Return a module `__getattr__` that imports each name from its home module when asked.

    The rooms export their main names at package level this way, so that importing the
    package (as `newsbot --help` does) loads none of Chroma, LangChain or torch.
    """

    def __getattr__(name: str) -> object:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        # Importing the home binds it on its package as a submodule attribute, which would
        # shadow an exported name of the same name (store.keyword_index): the export wins.
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
