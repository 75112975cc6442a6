"""Alerts against a judge: ingest articles in date order, follow topics, score what alerts.

Each topic follows from an empty store; the articles are then ingested one publication day
at a time (quiet days pooled until a batch holds `min_batch` articles), and after each
batch one alert pass runs, as the bot's loop would. An alert counts as right when the
judge listed its story for the topic. The judge's lists (examples/alert_topics.jsonl) hold
the articles that are about the topic or give it a section of their own (a news round-up
with a paragraph on it); a passing mention does not count. Finally copies of some alerted
articles (same text, another URL) are ingested: a copy of a story must not alert again.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from newsbot.bot.alerting import TELEGRAM_PASS, alert_pass, current_seq, open_state
from newsbot.ingest.indexer import Indexer
from newsbot.retrieval.newsbot import Newsbot
from newsbot.retrieval.settings import RetrievalSettings
from newsbot.store.chroma_store import Store
from newsbot.store.writer import open_writer

COPIES = 10  # alerted articles copied under a new URL at the end


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def batches(articles: list[dict[str, Any]], min_batch: int) -> Iterator[list[dict[str, Any]]]:
    """Whole publication days in date order; quiet days pooled until a batch is big enough."""
    days: dict[str, list[dict[str, Any]]] = {}
    for article in articles:
        days.setdefault(article.get("published_at") or "9999", []).append(article)
    batch: list[dict[str, Any]] = []
    for day in sorted(days):
        batch += days[day]
        if len(batch) >= min_batch:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest(settings: RetrievalSettings, newsbot: Newsbot, rows: Iterable[dict[str, Any]]) -> None:
    """Ingest rows the way another process would, then let the serving store see them."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "batch.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        with open_writer(settings, newsbot.embedder) as store:
            Indexer(store).ingest([str(path)])
    newsbot.store.reopen()


def collect(newsbot: Newsbot, chats: dict[int, str], most: int) -> dict[str, list[str]]:
    """Run one alert pass; return the stories alerted per topic (and clear the outbox)."""
    follows, _ = open_state(newsbot)
    alert_pass(newsbot, TELEGRAM_PASS, most=most)
    found: dict[str, list[str]] = {}
    for alert in follows.outbox():
        found.setdefault(chats[alert.chat], []).append(alert.story)
        follows.sent(alert.id)
    return found


def score(judged: dict[str, set[str]], alerted: dict[str, list[str]]) -> dict[str, Any]:
    per_topic: dict[str, dict[str, Any]] = {}
    tp = fp = fn = 0
    for topic, wanted in judged.items():
        got = set(alerted.get(topic, []))
        hits = len(got & wanted)
        tp, fp, fn = tp + hits, fp + len(got - wanted), fn + len(wanted - got)
        per_topic[topic] = {
            "judged": len(wanted),
            "alerted": len(got),
            "right": hits,
            "precision": round(hits / len(got), 3) if got else None,
            "recall": round(hits / len(wanted), 3) if wanted else None,
            "false_alerts": sorted(got - wanted),
            "missed": sorted(wanted - got),
        }
    precisions = [t["precision"] for t in per_topic.values() if t["precision"] is not None]
    recalls = [t["recall"] for t in per_topic.values() if t["recall"] is not None]
    return {
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
        "macro_precision": round(sum(precisions) / len(precisions), 3) if precisions else None,
        "macro_recall": round(sum(recalls) / len(recalls), 3) if recalls else None,
        "alerts": tp + fp,
        "right": tp,
        "judged": tp + fn,
        "topics": per_topic,
    }


def run(
    articles_path: Path,
    topics_path: Path,
    data_dir: Path,
    min_batch: int = 5,
    most: int = 5,
    rescore: bool = False,
    log: Any = print,
) -> dict[str, Any]:
    """Run the evaluation on a fresh data dir (or score one it already ran on); report."""
    articles = read_jsonl(articles_path)
    topics = read_jsonl(topics_path)
    if not rescore and data_dir.exists() and any(data_dir.iterdir()):
        raise SystemExit(f"{data_dir} is not empty: the evaluation starts from an empty store")
    settings = RetrievalSettings(data_dir=data_dir, llm="none")
    embedder = settings.embedder()
    newsbot = Newsbot(settings, embedder=embedder, store=Store(settings, embedder, fresh=True))
    chats = {n: item["topic"] for n, item in enumerate(topics, start=1)}
    timing: dict[str, Any] = {}
    if not rescore:
        timing = follow_and_ingest(settings, newsbot, articles, chats, min_batch, most, log)
    # Stories are known by the stored article's id; the judge names the rows' own ids.
    _, stories = open_state(newsbot)
    own_id = {a.get("url"): a["id"] for a in articles}
    row_of = {s.story_id: own_id.get(s.lead.url, s.story_id) for s in stories.since(0)}
    follows, _ = open_state(newsbot)
    alerted: dict[str, list[str]] = {}
    for chat, story in follows.alerted():
        alerted.setdefault(chats[chat], []).append(row_of.get(story, story))
    judged = {item["topic"]: set(item["stories"]) for item in topics}
    report = score(judged, alerted)
    # Copies of the first COPIES right alerts, under new ids and URLs, in a later ingest.
    by_id = {a["id"]: a for a in articles}
    right = [s for t in judged for s in alerted.get(t, []) if s in judged[t]]
    copies = [
        {**by_id[aid], "id": f"{aid}-copy", "url": f"https://copies.example/{aid}"}
        for aid in list(dict.fromkeys(right))[:COPIES]
    ]
    if copies:
        ingest(settings, newsbot, copies)
    again = collect(newsbot, chats, most)
    report["copies"] = {
        "ingested": len(copies),
        "alerted": sum(len(v) for v in again.values()),
        "alerts": again,
    }
    report.update(
        articles=str(articles_path),
        topics_file=str(topics_path),
        min_batch=min_batch,
        alerts_per_topic=most,
        **timing,
    )
    return report


def follow_and_ingest(
    settings: RetrievalSettings,
    newsbot: Newsbot,
    articles: list[dict[str, Any]],
    chats: dict[int, str],
    min_batch: int,
    most: int,
    log: Any,
) -> dict[str, Any]:
    """Follow every topic from an empty store, then ingest batch by batch, a pass after each."""
    follows, _ = open_state(newsbot)
    since = current_seq(newsbot)
    for chat, topic in chats.items():
        follows.add(chat, chat, topic, since, limit=0)
    started = time.perf_counter()
    passes: list[float] = []
    alerts = 0
    for i, batch in enumerate(batches(articles, min_batch), start=1):
        ingest(settings, newsbot, batch)
        clock = time.perf_counter()
        alerts += sum(len(v) for v in collect(newsbot, chats, most).values())
        passes.append(time.perf_counter() - clock)
        if i % 10 == 0:
            log(f"alerts-eval: batch {i}, {alerts} alerts so far")
    return {
        "batches": len(passes),
        "seconds": round(time.perf_counter() - started, 1),
        "alert_pass_seconds_mean": round(sum(passes) / len(passes), 3),
        "alert_pass_seconds_max": round(max(passes), 3),
    }


def table(report: dict[str, Any]) -> str:
    lines = [f"{'topic':45} judged alerted right precision recall"]
    for topic, t in report["topics"].items():
        p = "-" if t["precision"] is None else f"{t['precision']:.2f}"
        r = "-" if t["recall"] is None else f"{t['recall']:.2f}"
        lines.append(
            f"{topic[:45]:45} {t['judged']:6} {t['alerted']:7} {t['right']:5} {p:>9} {r:>6}"
        )
    lines.append(
        f"all: precision {report['precision']} recall {report['recall']} "
        f"(macro {report['macro_precision']} / {report['macro_recall']}), "
        f"{report['alerts']} alerts; copies alerted {report['copies']['alerted']} "
        f"of {report['copies']['ingested']}"
    )
    return "\n".join(lines)
