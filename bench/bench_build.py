"""Benchmark: build the whole corpus in all three formats, and the same pages with MkDocs, in one run.

Run by hand: `.venv/bin/python bench/bench_build.py [--runs N] [--corpus DIR] [--scratch DIR]`.
Prints the median time of each side over N runs and the ratios. Both sides write real files into a
temporary folder under --scratch; MkDocs builds a generated project whose docs/ holds every corpus page
(plugins off, so neither side builds a search index).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from scenario.model import Scenario
from scenario.readers import read_scenario
from scenario.validate import validate
from scenario.writers import katacoda, killercoda, site

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DEFAULT_SCRATCH = Path(__file__).resolve().parent.parent / ".bench"  # git-ignored


def scenario_roots(corpus: Path) -> list[Path]:
    """Every folder with an index.json or scenario.yaml under `corpus`."""
    found = {path.parent for pattern in ("index.json", "scenario.yaml") for path in corpus.rglob(pattern)}
    return sorted(found)


ALL_FORMATS = (katacoda, killercoda, site)


def build_corpus(roots: list[Path], out: Path, writers: tuple[ModuleType, ...] = ALL_FORMATS) -> int:
    """Read, validate and write every scenario with `writers`; return the number of pages built."""
    pages = 0
    for number, root in enumerate(roots):
        result = read_scenario(root)
        scenario: Scenario | None = result.scenario
        if scenario is None:
            continue
        validate(scenario)
        for writer in writers:
            writer.write(scenario, out / str(number) / writer.__name__.rsplit(".", 1)[1])
        pages += len(scenario.pages)
    return pages


def mkdocs_project(roots: list[Path], corpus: Path, folder: Path) -> tuple[Path, int]:
    """A MkDocs project whose docs/ are the corpus pages; returns its mkdocs.yml and the page count."""
    docs = folder / "docs"
    pages = 0
    for root in roots:
        scenario = read_scenario(root).scenario
        if scenario is None:
            continue
        for page in scenario.pages:
            if page.text_path:
                target = docs / root.relative_to(corpus) / page.text_path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(page.markdown)
                pages += 1
    (docs / "index.md").write_text("# Corpus\n")
    config = folder / "mkdocs.yml"
    config.write_text(f"site_name: Corpus\ndocs_dir: {docs}\nsite_dir: {folder / 'site'}\nplugins: []\n")
    return config, pages


def run_mkdocs(config: Path) -> None:
    """One `mkdocs build`, in process (like our build, no interpreter start-up is timed)."""
    mkdocs_build(load_config(config_file=str(config)))


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls."""
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Time both builds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--scratch",
        type=Path,
        default=DEFAULT_SCRATCH,
        help="where both sides write (default: .bench/ in the repository; /dev/shm takes the disk out)",
    )
    args = parser.parse_args()
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    roots = scenario_roots(args.corpus)
    args.scratch.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.scratch) as temporary:
        work = Path(temporary)

        def ours() -> int:
            return build_corpus(roots, work / "ours")

        def ours_site() -> int:
            return build_corpus(roots, work / "site-only", (site,))

        config, mkdocs_pages = mkdocs_project(roots, args.corpus, work / "mkdocs")
        our_pages = ours()  # warm-up: imports, template compilation
        run_mkdocs(config)
        ours_time = median_seconds(ours, args.runs)
        site_time = median_seconds(ours_site, args.runs)
        mkdocs_time = median_seconds(lambda: run_mkdocs(config), args.runs)
    runs = f"(median of {args.runs})"
    print(f"corpus: {len(roots)} scenarios, {our_pages} pages ({mkdocs_pages} Markdown files for MkDocs)")
    print(f"written under {args.scratch}")
    print(f"build.py build, 3 formats, validated: {ours_time * 1000:8.1f} ms  {runs}")
    print(f"build.py build, site only, validated: {site_time * 1000:8.1f} ms  {runs}")
    print(f"mkdocs build, same pages, HTML only:  {mkdocs_time * 1000:8.1f} ms  {runs}")
    print(f"ratio site only / mkdocs:   {site_time / mkdocs_time:.2f}")
    print(f"ratio 3 formats / mkdocs:   {ours_time / mkdocs_time:.2f}")


if __name__ == "__main__":
    main()
