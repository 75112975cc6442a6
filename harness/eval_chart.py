"""The chart of `newsbot eval`: hit@k, MRR and answers found beside published reference figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Published figures for the RealTimeQA dev questions (../shared/data/README.md).
REFERENCE = {
    "Google search ranking": {
        "hit_at_1": 0.489,
        "hit_at_5": 0.595,
        "hit_at_10": 0.611,
        "mrr_at_10": 0.536,
    },
    "GPT-3 + Google search": {"answer_found": 0.441, "answer_exact": 0.378},
}


def draw_chart(report: dict[str, Any], path: Path) -> None:
    """Bar chart of hit@k and answers found, beside the published reference figures."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    metrics = ["hit_at_1", "hit_at_5", "hit_at_10", "mrr_at_10", "answer_found"]
    labels = ["hit@1", "hit@5", "hit@10", "MRR@10", "answer found"]
    series = {"newsbot": report, **REFERENCE}
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for i, (name, values) in enumerate(series.items()):
        xs = [m + (i - (len(series) - 1) / 2) * width for m in range(len(metrics))]
        ys = [values.get(key) or 0.0 for key in metrics]
        bars = ax.bar(xs, ys, width, label=name)
        for bar, key in zip(bars, metrics, strict=True):
            if values.get(key) is not None:
                ax.annotate(
                    f"{values[key]:.2f}",
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center",
                    va="bottom",
                    fontsize=7,
                )
    ax.set_xticks(range(len(metrics)), labels)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("fraction of questions")
    ax.set_title(
        f"newsbot on {report['n_questions']} questions ({report['n_with_gold']} with gold); "
        "references: RealTimeQA dev"
    )
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
