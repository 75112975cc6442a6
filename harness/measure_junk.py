"""Count page furniture that reaches chunks: `python -m newsbot.harness.measure_junk FILE.jsonl`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from collections import Counter
from pathlib import Path

from newsbot.core.errors import InputError
from newsbot.ingest.chunking import chunk_article
from newsbot.ingest.clean import normalise
from newsbot.ingest.readers.jsonl import TEXT_KEYS, first, to_article

# Fixed phrases that mark junk, independent of the cleaning rules they measure.
JUNK_PHRASES = {
    "cookie banner": r"(?:we|this site) uses? cookies|cookie (?:policy|settings)|"
    r"accept (?:all )?cookies",
    "ad feedback": r"how relevant is this ad",
    "share widget": r"share (?:this|on (?:facebook|twitter|x|linkedin|whatsapp)|via email)",
    "newsletter prompt": r"sign up (?:for|here|now|to)|newsletter|to your inbox|in your inbox",
    "subscribe prompt": r"subscribe (?:to|now|today)|become a (?:digital )?subscriber",
    "comments widget": r"leave a (?:reply|comment)",
    "read more / click here": r"\bread more\b|\bclick here\b",
    "social follow": r"follow (?:us|\w+(?: \w+){0,4}) on (?:twitter|facebook|instagram)",
    "copyright line": r"all rights reserved",
}
PATTERNS = {name: re.compile(rx, re.IGNORECASE) for name, rx in JUNK_PHRASES.items()}


def junk_in(text: str) -> list[str]:
    return [name for name, rx in PATTERNS.items() if rx.search(text)]


def measure(path: Path, limit: int | None = None) -> dict[str, object]:
    """Chunk every record with and without junk removal; count chunks that carry junk."""
    from newsbot.store.embeddings import Embedder

    embedder = Embedder(device="cpu")
    count = embedder.count_tokens
    totals: dict[str, Counter[str]] = {mode: Counter() for mode in ("raw", "cleaned")}
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if limit and number > limit:
                break
            try:
                record = json.loads(line)
                cleaned = to_article(record, f"{path}:{number}", str(path))
            except (json.JSONDecodeError, InputError):
                continue
            raw = dataclasses.replace(
                cleaned, text=normalise(str(first(record, TEXT_KEYS)), drop_junk=False)
            )
            for mode, article in (("raw", raw), ("cleaned", cleaned)):
                tally = totals[mode]
                tally["articles"] += 1
                tally["characters"] += len(article.text)
                for chunk in chunk_article(article, count, max_tokens=embedder.max_tokens):
                    kinds = junk_in(chunk.text)
                    tally["chunks"] += 1
                    tally["chunks with junk"] += bool(kinds)
                    for kind in kinds:
                        tally[kind] += 1
    return {mode: dict(tally) for mode, tally in totals.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path, help="a JSON Lines file of articles")
    parser.add_argument("--limit", type=int, help="only the first N lines")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.path, args.limit), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
