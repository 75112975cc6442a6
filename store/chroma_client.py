"""Open and free Chroma clients (embedded or of a `chroma run` server); check their answers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar, cast
from urllib.parse import urlparse

from newsbot.core.errors import StoreError
from newsbot.store.settings import StoreSettings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI, ServerAPI
    from chromadb.api.client import Client

T = TypeVar("T")


@contextmanager
def store_errors(action: str, where: str) -> Iterator[None]:
    """Turn Chroma's and the HTTP client's failures into one actionable StoreError."""
    try:
        yield
    except StoreError:
        raise
    except Exception as error:
        raise store_error(action, where, error) from error


def store_error(action: str, where: str, error: Exception) -> StoreError:
    """Say in one line what failed; a server that did not answer is named as such."""
    transport = unreachable(error)
    if transport is not None:
        return StoreError(
            f"the article store at {where} is not reachable ({transport}); start it or "
            "check NEWSBOT_CHROMA_URL, then try again"
        )
    return StoreError(f"cannot {action} the article store at {where}: {error}")


def unreachable(error: BaseException) -> BaseException | None:
    """The failure to reach a server that caused this error, if one did."""
    import httpx

    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, ConnectionError | TimeoutError | httpx.TransportError):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def included(column: list[T] | None) -> list[T]:
    """Return a column of a read that asked for it (Chroma leaves out only the others)."""
    if column is None:
        raise StoreError("Chroma left out a column the read asked for")
    return column


def open_client(settings: StoreSettings, fresh: bool = False) -> ClientAPI:
    """Open the embedded store under data_dir, or a `chroma run` server when a URL is set.

    Chroma shares one embedded System per path within a process, and that System's vector
    index never sees other processes' writes. `fresh` opens a System of its own, as of now;
    clients opened earlier keep the one they had.
    """
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings

    chroma_settings = Settings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_server:
            url = urlparse(settings.chroma_server)
            return chromadb.HttpClient(
                host=url.hostname or "localhost",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        if fresh:
            with SharedSystemClient._refcount_lock:
                SharedSystemClient._identifier_to_system.pop(str(settings.chroma_dir), None)
                SharedSystemClient._identifier_to_refcount.pop(str(settings.chroma_dir), None)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as error:
        where = settings.chroma_server or str(settings.chroma_dir)
        raise store_error("open", where, error) from error


def _server_of(client: ClientAPI) -> ServerAPI:
    """The System's API a client was bound to when it was made."""
    # Chroma's factories make a Client but declare only the ClientAPI it implements.
    return cast("Client", client)._server


def forget_system(client: ClientAPI) -> None:
    """Drop Chroma's process-wide reference to a client's System, so it is freed with the client."""
    from chromadb.api.shared_system_client import SharedSystemClient

    server = _server_of(client)
    with SharedSystemClient._refcount_lock:
        registry = SharedSystemClient._identifier_to_system
        for key, system in list(registry.items()):
            if any(part is server for part in system._instances.values()):
                registry.pop(key, None)
                SharedSystemClient._identifier_to_refcount.pop(key, None)


def stop_client(client: ClientAPI) -> None:
    """Free a fresh embedded client's System (its vector index in memory) once it is unused."""
    forget_system(client)
    with contextlib.suppress(Exception):
        _server_of(client).stop()
