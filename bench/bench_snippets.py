"""Benchmark: the snippet scanner, the Markdown renderer and validation over every corpus page.

Run by hand: `.venv/bin/python bench/bench_snippets.py [--runs N] [--corpus DIR]`.
Prints, for each stage, the median time of one pass over the whole corpus, the time per page and the
throughput in pages and kilobytes per second; then plain Python-Markdown (no extension) on the same
pages for scale, and `validate()` on every corpus scenario.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import markdown

from scenario.markdown_ext import render_markdown
from scenario.readers import detect_format, read_scenario
from scenario.snippets import scan
from scenario.validate import validate

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def median_seconds(work: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls of `work`."""
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, seconds: float, pages: int, size: int) -> None:
    """One line of figures."""
    print(
        f"{name:<28} {seconds * 1000:8.1f} ms/pass  {seconds / pages * 1e6:8.0f} us/page  "
        f"{pages / seconds:8.0f} pages/s  {size / 1024 / seconds:8.0f} KiB/s"
    )


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    pages = [
        (str(p), p.read_text(encoding="utf-8", errors="replace")) for p in sorted(args.corpus.rglob("*.md"))
    ]
    size = sum(len(text.encode()) for _, text in pages)
    snippets = sum(len(scan(text, path).snippets) for path, text in pages)
    print(f"{len(pages)} pages, {size / 1024:.0f} KiB, {snippets} snippets; median of {args.runs} runs")
    report("scan()", median_seconds(lambda: [scan(t, p) for p, t in pages], args.runs), len(pages), size)
    report(
        "render_markdown()",
        median_seconds(lambda: [render_markdown(t, p) for p, t in pages], args.runs),
        len(pages),
        size,
    )
    report(
        "Python-Markdown alone",
        median_seconds(lambda: [markdown.markdown(t) for _, t in pages], args.runs),
        len(pages),
        size,
    )
    roots = sorted({p.parent for p in args.corpus.rglob("index.json") if detect_format(p.parent)})

    def read_and_validate() -> None:
        for root in roots:
            result = read_scenario(root)
            if result.scenario is not None:
                validate(result.scenario)

    seconds = median_seconds(read_and_validate, args.runs)
    print(
        f"{'read + validate':<28} {seconds * 1000:8.1f} ms/pass  "
        f"{seconds / len(roots) * 1000:8.2f} ms/scenario ({len(roots)} scenarios)"
    )


if __name__ == "__main__":
    main()
