"""The import rules of ARCHITECTURE.md, checked on every product module (no import is run)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ("core", "store", "ingest", "retrieval", "bot", "harness")
# What each room may import of newsbot: its own modules and the rooms below it.
ALLOWED = {
    "core": {"core"},
    "store": {"core", "store"},
    "ingest": {"core", "store", "ingest"},
    "retrieval": {"core", "store", "retrieval"},
    "bot": {"core", "store", "ingest", "retrieval", "bot"},
    "harness": {"core", "store", "ingest", "retrieval", "bot", "harness"},
}
# Inside retrieval: reading the question, then searching, then composing the answer; the
# facade (newsbot.py) and the news features sit on top.
RETRIEVAL_ORDER = [
    "settings",
    "question",
    "search",
    "answer",
    "newsbot",
    "topic_words",
    "topics",
    "alerts",
    "timeline",
]
# Libraries whose types stay inside the rooms (or files) that own them.
LIBRARY_HOMES = {
    "chromadb": ("store/", "harness/"),  # the harness measures Chroma itself too
    "tantivy": ("store/",),
    "langchain_core": ("retrieval/search/retriever.py", "retrieval/answer/", "harness/"),
    "langchain": ("retrieval/answer/", "harness/"),
    "langchain_openai": ("retrieval/answer/",),
    "langchain_ollama": ("retrieval/answer/",),
    "langchain_huggingface": ("harness/",),
    "langchain_text_splitters": ("harness/",),
    "langchain_chroma": ("harness/",),
    "telegram": ("bot/",),
    "lemminflect": ("retrieval/topics.py",),
}
# Rooms other rooms reach only through their package-level names (`from newsbot.store import`).
PACKAGE_LEVEL_ONLY_FROM = {"bot": {"store", "ingest", "retrieval"}}


def product_files() -> list[Path]:
    return sorted(p for room in ROOMS for p in (ROOT / room).rglob("*.py"))


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, at any depth (functions, TYPE_CHECKING blocks included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from newsbot.store import writer` imports a module too.
            found.extend((node.lineno, f"{node.module}.{a.name}") for a in node.names)
    return found


def room_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_each_room_imports_only_the_rooms_below_it():
    wrong = []
    for path in product_files():
        room = room_of(path)
        for line, module in imports_of(path):
            parts = module.split(".")
            if parts[0] != "newsbot" or len(parts) < 2 or parts[1] not in ROOMS:
                continue
            if parts[1] not in ALLOWED[room]:
                wrong.append(f"{where(path, line)}: {room} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_retrieval_reads_then_searches_then_answers():
    wrong = []
    for path in (ROOT / "retrieval").rglob("*.py"):
        part = path.relative_to(ROOT / "retrieval").parts[0].removesuffix(".py")
        if part not in RETRIEVAL_ORDER:
            continue
        rank = RETRIEVAL_ORDER.index(part)
        for line, module in imports_of(path):
            parts = module.split(".")
            if parts[:2] != ["newsbot", "retrieval"] or len(parts) < 3:
                continue
            target = parts[2]
            if target in RETRIEVAL_ORDER and RETRIEVAL_ORDER.index(target) > rank:
                wrong.append(f"{where(path, line)}: retrieval/{part} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_library_types_stay_in_the_rooms_that_own_them():
    wrong = []
    for path in product_files():
        relative = path.relative_to(ROOT).as_posix()
        for line, module in imports_of(path):
            homes = LIBRARY_HOMES.get(module.split(".")[0])
            if homes and not relative.startswith(homes):
                wrong.append(f"{where(path, line)}: {module} outside {', '.join(homes)}")
    assert not wrong, "\n".join(wrong)


def test_bot_uses_the_other_rooms_by_their_package_level_names():
    wrong = []
    for path in product_files():
        rooms = PACKAGE_LEVEL_ONLY_FROM.get(room_of(path), set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if parts[0] == "newsbot" and len(parts) > 2 and parts[1] in rooms:
                    wrong.append(f"{where(path, node.lineno)}: from {node.module} import …")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("package", ["newsbot.store", "newsbot.ingest", "newsbot.retrieval"])
def test_package_level_names_resolve(package):
    import importlib

    module = importlib.import_module(package)
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing


def test_help_imports_no_chroma_langchain_or_torch():
    code = (
        "import sys\n"
        "from newsbot.bot.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules}"
        " & {'chromadb', 'langchain_core', 'torch', 'sentence_transformers', 'telegram'})\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in done.stdout, done.stdout[-500:]
