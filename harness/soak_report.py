"""The soak run's report: its checks and figures, as a dict (for --json) and as a table."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from newsbot.harness.soak_checks import Check, alert_checks, rss_check, tally_alerts
from newsbot.harness.soak_load import Exchange
from newsbot.harness.stats import percentile

# Replies that say the question could not be answered now: a clear error, still a reply.
ERROR_MARKS = ("not reachable", "cannot reach", "something went wrong", "newsbot:")
SLOW_DOWN = "asking faster"
BROKEN_MARKS = ("Traceback", "unexpected error")
OUTAGE_GRACE_S = 10.0  # after the server is back, questions already failing may still say so


def kind_of(reply: str | None) -> str:
    """Classify a reply: none, broken (a traceback shown), error, rate-limited or answer."""
    if not reply:
        return "none"
    if any(mark in reply for mark in BROKEN_MARKS):
        return "broken"
    if any(mark in reply for mark in ERROR_MARKS):
        return "error"
    if SLOW_DOWN in reply:
        return "rate-limited"
    return "answer"


def side(exchanges: Sequence[Exchange]) -> dict[str, Any]:
    """Counts and question latency of one front end's exchanges."""
    kinds = Counter(kind_of(e.reply) for e in exchanges)
    questions = [e for e in exchanges if e.kind == "question" and kind_of(e.reply) == "answer"]
    latencies = [e.latency for e in questions if e.latency is not None]
    return {
        "messages": len(exchanges),
        "by_kind": dict(Counter(e.kind for e in exchanges)),
        "replies": dict(kinds),
        "answers_served": len(questions),
        "latency_p50_s": round(percentile(latencies, 50), 3),
        "latency_p95_s": round(percentile(latencies, 95), 3),
        "latency_max_s": round(max(latencies, default=0.0), 3),
    }


def errors_outside_outages(exchanges: Sequence[Exchange], faults: Any) -> int:
    """Error replies sent while the store was up: an outage explains only its own window."""
    windows = [
        (f.at, f.at + f.down_s + OUTAGE_GRACE_S) for f in faults.done if f.kind == "chroma-restart"
    ]
    outside = 0
    for e in exchanges:
        if kind_of(e.reply) != "error":
            continue
        at = e.sent + (e.latency or 0.0)
        if not any(start <= at <= end for start, end in windows):
            outside += 1
    return outside


def rss_series(samples: Sequence[tuple[float, int]], points: int = 30) -> list[list[float]]:
    """The RSS over the run in `points` steps: [seconds since the first sample, median MiB]."""
    if not samples:
        return []
    start, end = samples[0][0], samples[-1][0]
    step = max((end - start) / points, 1.0)
    buckets: dict[int, list[int]] = {}
    for at, kib in samples:
        buckets.setdefault(min(int((at - start) / step), points - 1), []).append(kib)
    return [
        [round(n * step), round(statistics.median(kibs) / 1024, 1)]
        for n, kibs in sorted(buckets.items())
    ]


def reply_check(exchanges: Sequence[Exchange]) -> Check:
    missing = [e for e in exchanges if kind_of(e.reply) in {"none", "broken"}]
    detail = f"{len(exchanges) - len(missing)} of {len(exchanges)} messages answered"
    if missing:
        first = missing[0]
        detail += f"; e.g. {first.who} {first.text!r}: {first.reply!r}"
    return Check("every message gets a reply", not missing, detail)


def build_report(
    soak: Any, result: dict[str, Any], codes: dict[str, int | None], start_s: float, total_s: float
) -> dict[str, Any]:
    """Run the checks on what the run left and gather its figures."""
    actions, mutator, faults = result["actions"], result["mutator"], result["faults"]
    alerted, outbox = result["alerts"]
    tally = tally_alerts(
        result["inbox"].alerts, alerted, outbox, actions.follows, mutator, result["load_end"]
    )
    unclean = {name: code for name, code in codes.items() if code != 0}
    checks = [
        reply_check(actions.exchanges),
        Check(
            "no process died",
            not soak.deaths and not unclean,
            "; ".join(soak.deaths)[:600]
            or (f"exit codes at the end: {unclean}" if unclean else "all ran to the end, exit 0"),
        ),
        Check(
            "every fault survived",
            faults.failure is None and all(f.recovered for f in faults.done),
            faults.failure or f"{len(faults.done)} faults, each recovered from",
        ),
        *alert_checks(tally),
        *result["settled"],
        rss_check("bot", soak.rss["bot"]),
    ]
    begin = result["load_end"] - result["load_s"]
    telegram = [e for e in actions.exchanges if e.who == "telegram"]
    chat = [e for e in actions.exchanges if e.who == "chat"]
    chat_rss = rss_check("chat", soak.rss["chat"])
    return {
        "passed": all(c.ok for c in checks),
        "checks": [asdict(c) for c in checks],
        "seconds": {
            "start": round(start_s, 1),
            "load": round(result["load_s"], 1),
            "total": round(total_s, 1),
        },
        "chats": soak.chats,
        "telegram": {
            **side(telegram),
            "errors_outside_outages": errors_outside_outages(telegram, faults),
            "unsolicited": actions.unsolicited,
        },
        "chat": {**side(chat), "errors_outside_outages": errors_outside_outages(chat, faults)},
        "faults": [
            {
                "kind": f.kind,
                "at_s": round(f.at - begin, 1),
                "down_s": round(f.down_s, 1),
                "recovered": f.recovered,
            }
            for f in faults.done
        ],
        "writes": dict(Counter(c.op for c in mutator.changes)),
        "writer": {
            "mode": soak.writer,
            "starts": result["writer_starts"],
            "passes": result["writer_passes"],
            "failed_passes": result["writer_failed_passes"],
        },
        "alerts": {
            "delivered": tally.delivered,
            "queued": tally.queued,
            "owed": tally.owed,
            "follows": len(actions.follows),
        },
        "rss": {
            "bot": rss_check("bot", soak.rss["bot"]).detail,
            "chat": chat_rss.detail,
            "bot_mib_over_time": rss_series(soak.rss["bot"]),
            "chat_mib_over_time": rss_series(soak.rss["chat"]),
        },
        "exit_codes": codes,
    }


def table(report: dict[str, Any]) -> str:
    """The report for a terminal: the checks, then the figures."""
    lines = ["check                                  result  detail"]
    for check in report["checks"]:
        mark = "ok" if check["ok"] else "FAIL"
        lines.append(f"{check['name'][:38]:<38} {mark:<7} {check['detail']}")
    secs = report["seconds"]
    lines += [
        "",
        f"load {secs['load']:.0f}s ({secs['start']:.0f}s to start, {secs['total']:.0f}s in all),"
        f" {report['chats']} Telegram chats and one `newsbot chat`",
        "",
        "front end  messages  answers  errors (store up)  rate-limited  p50 s  p95 s  max s",
    ]
    for name in ("telegram", "chat"):
        s = report[name]
        replies = s["replies"]
        lines.append(
            f"{name:<10} {s['messages']:>8} {s['answers_served']:>8} "
            f"{replies.get('error', 0):>7} ({s['errors_outside_outages']:>2}) "
            f"{replies.get('rate-limited', 0):>18} "
            f"{s['latency_p50_s']:>6.2f} {s['latency_p95_s']:>6.2f} {s['latency_max_s']:>6.2f}"
        )
    faults = Counter(f["kind"] for f in report["faults"])
    survived = Counter(f["kind"] for f in report["faults"] if f["recovered"])
    lines += ["", "fault            injected  survived"]
    for kind in sorted(faults):
        lines.append(f"{kind:<16} {faults[kind]:>8} {survived[kind]:>9}")
    writes = ", ".join(f"{n} {op}" for op, n in sorted(report["writes"].items()))
    alerts = report["alerts"]
    lines += [
        "",
        f"corpus changes: {writes or 'none'}; writer ({report['writer']['mode']}): "
        f"{report['writer']['passes']} passes, {report['writer']['failed_passes']} failed, "
        f"{report['writer']['starts']} starts",
        f"alerts: {alerts['delivered']} delivered, {alerts['queued']} queued by the bot, "
        f"{alerts['owed']} owed to {alerts['follows']} follows",
        f"bot RSS: {report['rss']['bot']}",
        f"chat RSS: {report['rss']['chat']}",
        "",
        "PASSED" if report["passed"] else "FAILED",
    ]
    return "\n".join(lines)
