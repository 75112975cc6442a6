"""Turn benchmark measurements into the report: derived rates, targets, JSON, Markdown, PNG."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

SERVING_RSS_LIMIT_MB = 1536


def rate(count: float, seconds: float) -> float | None:
    return round(count / seconds, 2) if seconds > 0 else None


def median_of(rounds: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def assemble(
    ingest: dict[str, Any],
    serve: dict[str, Any],
    cli: dict[str, Any],
    rss: list[dict[str, Any]],
    scale: dict[str, Any],
    n_articles: int,
) -> dict[str, Any]:
    """Combine the children's measurements into the report, with each target checked."""
    rounds = ingest["rounds"]
    ours_s, raw_s = median_of(rounds, "ours_s"), median_of(rounds, "raw_s")
    chunks, tokens = ingest["chunks"], ingest["tokens"]
    report: dict[str, Any] = {
        "articles": n_articles,
        "chunks": chunks,
        "tokens": tokens,
        "ingest": {
            "seconds": round(ours_s, 3),
            "articles_per_s": rate(n_articles, ours_s),
            "chunks_per_s": rate(chunks, ours_s),
            "tokens_per_s": rate(tokens, ours_s),
            "raw_encode_s": round(raw_s, 3),
            "raw_encode_chunks_per_s": rate(chunks, raw_s),
            "vs_raw_encode": round(statistics.median(r["raw_s"] / r["ours_s"] for r in rounds), 3),
            "peak_rss_mb": ingest["ingest_peak_rss_mb"],
            "tokenize_all_chunks_s": ingest.get("tokenize_s"),
            "rounds": rounds,
            "report": ingest["report"],
        },
        "reingest": {
            "unchanged_s": round(ingest["reingest_unchanged_s"], 3),
            "unchanged_fraction_of_first": round(
                ingest["reingest_unchanged_s"] / rounds[0]["ours_s"], 4
            ),
            "changed_s": round(ingest["reingest_changed_s"], 3),
            "changed_report": ingest["reingest_changed_report"],
        },
        "answers": serve,
        "cli": cli,
        "scaling": {"query": scale, "ingest_rss": rss},
    }
    if "tutorial_s" in rounds[0]:
        tutorial_s = median_of(rounds, "tutorial_s")
        report["tutorial"] = {
            "seconds": round(tutorial_s, 3),
            "articles_per_s": rate(n_articles, tutorial_s),
            "chunks": ingest.get("tutorial_chunks"),
            "hit_at_5": ingest.get("tutorial_hit_at_5"),
            "ours_vs_tutorial": round(
                statistics.median(r["tutorial_s"] / r["ours_s"] for r in rounds), 3
            ),
        }
    report["targets"] = targets(report)
    return report


def serving_rss(answers: dict[str, Any]) -> float | None:
    """Peak RSS while serving (before the bench's own extra keyword build, when known)."""
    return answers.get("serving_peak_rss_mb") or answers.get("process_peak_rss_mb")


def targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    """Check each target of the issue against what was measured (None: not measured)."""
    rows = [
        ("ingest ≥ 0.9× raw encode", r["ingest"]["vs_raw_encode"], ">=", 0.9),
        ("ingest ≥ 1.5× tutorial", r.get("tutorial", {}).get("ours_vs_tutorial"), ">=", 1.5),
        (
            "unchanged re-ingest ≤ 2 % of first",
            r["reingest"]["unchanged_fraction_of_first"],
            "<=",
            0.02,
        ),
        ("warm answer p95 ≤ 100 ms (this corpus)", r["answers"]["answer"]["p95_ms"], "<=", 100),
        ("newsbot --help ≤ 0.5 s", r["cli"]["help_s"], "<=", 0.5),
        ("cold ask ≤ model load + 1 s", r["cli"]["cold_ask_over_model_s"], "<=", 1.0),
        (
            "serving peak RSS ≤ 1.5 GB (MiB)",
            serving_rss(r["answers"]),
            "<=",
            SERVING_RSS_LIMIT_MB,
        ),
    ]
    levels = r["scaling"]["query"]["levels"]
    top = next((lv for lv in levels if lv["chunks"] >= 1_000_000), None)
    rows.append(
        (
            "store query p95 ≤ 300 ms at 1M chunks (worse of as-of and one-week windows)",
            max(top["query"]["p95_ms"], top.get("narrow", top["query"])["p95_ms"]) if top else None,
            "<=",
            300,
        )
    )
    for kind in ("embedded", "server"):
        rss = [x for x in r["scaling"]["ingest_rss"] if x.get("store", "embedded") == kind]
        if not rss:
            continue
        growth = rss[-1]["peak_rss_mb"] / rss[0]["peak_rss_mb"] if len(rss) > 1 else None
        sizes = f" {rss[0]['articles']:,}→{rss[-1]['articles']:,} articles," if growth else ""
        label = f"ingest RSS flat{sizes} {kind} store (ratio ≤ 1.1)"
        rows.append((label, round(growth, 3) if growth else None, "<=", 1.1))
    out = []
    for name, value, op, limit in rows:
        met = None if value is None else (value >= limit if op == ">=" else value <= limit)
        out.append({"target": name, "value": value, "limit": limit, "met": met})
    return out


def table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[str]:
    """Render rows as a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]


def markdown(r: dict[str, Any]) -> str:
    """Render the report as a Markdown section: headline table, targets, scaling."""
    i, a, c, m, re_ = r["ingest"], r["answers"], r["cli"], r["machine"], r["reingest"]
    t = r.get("tutorial", {})
    headline = [
        (
            "ingest (ours)",
            f"{i['articles_per_s']} articles/s, {i['chunks_per_s']} chunks/s, "
            f"{i['tokens_per_s']} tokens/s ({i['seconds']} s)",
        ),
        (
            "raw `model.encode`, same chunks",
            f"{i['raw_encode_chunks_per_s']} chunks/s ({i['raw_encode_s']} s); "
            f"ours/raw = {i['vs_raw_encode']}; tokenizing them all once more: "
            f"{i.get('tokenize_all_chunks_s')} s",
        ),
        (
            "LangChain tutorial pipeline",
            f"{t.get('articles_per_s')} articles/s ({t.get('seconds')} s, {t.get('chunks')} "
            f"chunks); ours/tutorial = {t.get('ours_vs_tutorial')}",
        ),
        (
            "hit@5 ours / tutorial",
            f"{a.get('hit_at_5')} / {t.get('hit_at_5')} "
            f"({a.get('questions_with_gold')} questions with gold)",
        ),
        (
            "re-ingest unchanged",
            f"{re_['unchanged_s']} s ({re_['unchanged_fraction_of_first']:.2%} of first)",
        ),
        (f"re-ingest, {r['changed_articles']} article(s) changed (1 %)", f"{re_['changed_s']} s"),
        ("warm retrieval p50 / p95", f"{a['retrieval']['p50_ms']} / {a['retrieval']['p95_ms']} ms"),
        ("warm composition p50 / p95", f"{a['compose']['p50_ms']} / {a['compose']['p95_ms']} ms"),
        (
            "warm answer p50 / p95",
            f"{a['answer']['p50_ms']} / {a['answer']['p95_ms']} ms ({a['answer']['n']} questions)",
        ),
        (
            "open chain + keyword index: first process (builds, saves) / later ones (load); "
            "of a build: read all chunks / BM25",
            f"{a.get('open_s')} s / {a.get('reopen_s')} s; "
            f"{a.get('read_chunks_s')} s / {a['keyword_build_s']} s",
        ),
        ("`newsbot --help`", f"{c['help_s']} s"),
        (
            "cold `newsbot ask` / import + load model / import chromadb, LangChain's "
            "retriever and bm25s (no model)",
            f"{c['cold_ask_s']} s / {c['import_and_load_model_s']} s / "
            f"{c.get('import_libraries_s')} s",
        ),
        ("peak RSS: ingest / serving", f"{i['peak_rss_mb']} / {serving_rss(a)} MiB"),
    ]
    lines = [
        f"### {r['label']}: {r['articles']:,} articles, {r['chunks']:,} chunks, "
        f"{r['questions']} questions",
        "",
        f"Run {r['created']} on {m['cpus']} CPUs, load average {m['load_avg_start'][0]} at start "
        f"and {m['load_avg_end'][0]} at end; {r['seconds']} s in all. "
        f"Command: `{r['command']}`. Embedding backend: {r.get('backend', 'torch')}.",
        "",
        *table(("measure", "value"), headline),
        "",
    ]
    verdict = {True: "yes", False: "**no**", None: "not measured"}
    rows: list[tuple[Any, ...]] = [
        (x["target"], x["value"], verdict[x["met"]]) for x in r["targets"]
    ]
    lines += [*table(("target", "measured", "met"), rows), ""]

    def p50_p95(timing: dict[str, Any] | None) -> str:
        return f"{timing['p50_ms']} / {timing['p95_ms']} ms" if timing else "-"

    levels = [
        (
            f"{lv['chunks']:,}",
            p50_p95(lv["query"]),
            p50_p95(lv.get("narrow")),
            p50_p95(lv.get("chroma_filter")),
            f"{lv['add_rate_per_s']:,.0f}/s",
            f"{lv['peak_rss_mb']} MiB",
        )
        for lv in r["scaling"]["query"]["levels"]
    ]
    header: tuple[str, ...] = (
        "store size (synthetic)",
        "as-of window, ours: p50 / p95",
        "one-week window, ours",
        "Chroma's date filter",
        "adds",
        "peak RSS",
    )
    lines += table(header, levels)
    if r["scaling"]["query"]["stopped"]:
        lines.append(f"\n{r['scaling']['query']['stopped']}.")
    sizes = [
        (
            f"{x['articles']:,}",
            x.get("store", "embedded"),
            f"{x['chunks']:,}",
            x["seconds"],
            f"{x['peak_rss_mb']} MiB ({x['model_loaded_rss_mb']} MiB)",
        )
        for x in r["scaling"]["ingest_rss"]
    ]
    header = ("synthetic articles", "store", "chunks", "ingest s", "peak RSS (after model load)")
    lines += ["", *table(header, sizes)]
    if r.get("levers"):
        rows = [
            (
                x["lever"],
                x["chunks_per_s"],
                f"{x['query']['p50_ms']} / {x['query']['p95_ms']} ms",
                f"{x['load_s']} s",
                f"{x['process_peak_rss_mb']} MiB",
            )
            for x in r["levers"]
        ]
        header = ("embedding setting", "chunks/s", "question p50 / p95", "load", "peak RSS")
        lines += ["", *table(header, rows)]
    return "\n".join(lines) + "\n"


def update_markdown(path: Path, label: str, section: str) -> None:
    """Replace this label's generated section in the Markdown file, keeping everything else."""
    start, end = f"<!-- bench:{label}:start -->", f"<!-- bench:{label}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{section}{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def chart(r: dict[str, Any], path: Path) -> None:
    """Draw ingest speed, warm latency and query time by store size in one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(13, 4))
    i, t = r["ingest"], r.get("tutorial", {})
    names = ["ours", "raw encode", "tutorial"]
    values = [
        i["articles_per_s"] or 0,
        r["articles"] / i["raw_encode_s"] if i["raw_encode_s"] else 0,
        t.get("articles_per_s") or 0,
    ]
    left.bar(names, values, color=["tab:blue", "tab:gray", "tab:orange"])
    left.set_title("ingest, articles/s")
    a = r["answers"]
    parts = ["retrieval", "compose", "answer"]
    middle.bar([p + "\np50" for p in parts], [a[p]["p50_ms"] for p in parts], color="tab:blue")
    middle.bar([p + "\np95" for p in parts], [a[p]["p95_ms"] for p in parts], color="tab:cyan")
    middle.set_title("warm answer, ms")
    middle.tick_params(axis="x", labelsize=7)
    levels = r["scaling"]["query"]["levels"]
    right.plot(
        [lv["chunks"] for lv in levels], [lv["query"]["p95_ms"] for lv in levels], "o-", label="p95"
    )
    right.plot(
        [lv["chunks"] for lv in levels],
        [lv["query"]["p50_ms"] for lv in levels],
        "s--",
        label="p50",
    )
    right.set_xscale("log")
    right.set_title("store query (synthetic), ms")
    right.set_xlabel("chunks")
    right.legend()
    fig.suptitle(f"newsbot bench: {r['label']} ({r['created']})")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write_outputs(
    r: dict[str, Any], out_dir: Path, md_path: Path | None, chart_png: bool = True
) -> None:
    """Write bench-LABEL.json, the Markdown section and bench-LABEL.png."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"bench-{r['label']}.json").write_text(
        json.dumps(r, indent=2) + "\n", encoding="utf-8"
    )
    update_markdown(md_path or out_dir / "BENCHMARKS.md", r["label"], markdown(r))
    if chart_png:
        chart(r, out_dir / f"bench-{r['label']}.png")
