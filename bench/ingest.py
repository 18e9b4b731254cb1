"""Ingest throughput: pages per second through the real reading pipeline (load, metadata,
segments, facts), per format, and end to end into a fresh index with the real embedder.

DOCX and PDF copies of the bundled plans are generated (python-docx; fpdf2 with DejaVu
Sans) when corpus/loaders_docx.py / corpus/loaders_pdf.py exist; otherwise the format is
reported as "n/a (loader absent)".
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import time
from pathlib import Path

from bench.common import OUT, PLANS_DIR

_PAGE_START = re.compile(r"^ \S")
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def source_pages(text: str) -> list[list[str]]:
    """The plan text split into pages (a line starting with one space begins a page)."""
    pages: list[list[str]] = [[]]
    for i, line in enumerate(text.splitlines()):
        if i and _PAGE_START.match(line):
            pages.append([])
        pages[-1].append(line.strip())
    return pages


def make_docx(src: Path, dest: Path) -> None:
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    for n, page in enumerate(source_pages(src.read_text(encoding="utf-8"))):
        if n:
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for line in page:
            if line:
                d.add_paragraph(line)
    d.save(str(dest))


def make_pdf(src: Path, dest: Path) -> None:
    """One PDF page per source page (the font shrinks to fit the page's lines)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONT))
    for page in source_pages(src.read_text(encoding="utf-8")):
        pdf.add_page()
        height = min(5.0, 265 / max(1, len(page)))
        pdf.set_font("DejaVu", size=min(10.0, 2.3 * height))
        for line in page:
            pdf.cell(0, height, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(dest))


def loader_present(fmt: str) -> bool:
    return importlib.util.find_spec(f"corpus.loaders_{fmt}") is not None


def parse_rate(paths: list[Path], pages: int, repeat: int = 3) -> dict:
    from corpus.pipeline import read_plan

    best = float("inf")
    segs = loader_pages = 0
    errors: list[str] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        segs = loader_pages = 0
        for p in paths:
            try:
                plan = read_plan(p)
            except Exception as exc:  # noqa: BLE001 - reported, not fatal for the bench
                errors.append(f"{p.name}: {type(exc).__name__}: {exc}"[:200])
                continue
            segs += len(plan.segments)
            loader_pages += plan.document.pages
        best = min(best, time.perf_counter() - t0)
    return {"files": len(paths), "pages": pages, "loader_pages": loader_pages,
            "segments": segs, "seconds": round(best, 3),
            "pages_per_s": round(pages / best, 1) if best > 0 else None,
            "errors": sorted(set(errors))}


def end_to_end(src: Path, data_dir: Path) -> dict:
    """One plan into an empty data directory with the real embedder (embedding dominates)."""
    from retrieval import Index, Settings

    shutil.rmtree(data_dir, ignore_errors=True)
    settings = Settings(data_dir=data_dir, plans=[])
    t0 = time.perf_counter()
    index = Index.open(settings, sync=False)
    t1 = time.perf_counter()
    reports = index.ingest([src])
    t2 = time.perf_counter()
    pages = len(source_pages(src.read_text(encoding="utf-8")))
    segs = reports[0].segments
    return {"plan": src.name, "pages": pages, "segments": segs,
            "open_s": round(t1 - t0, 2), "ingest_s": round(t2 - t1, 2),
            "pages_per_s": round(pages / (t2 - t1), 2),
            "segments_per_s": round(segs / (t2 - t1), 1), "embedder": index.embedder.name}


def run(work: Path | None = None, e2e_plan: str = "xa-loc-tan_16-KH-UBND.txt") -> dict:
    work = work or OUT / "ingest"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    sources = sorted(PLANS_DIR.glob("*.txt"))
    pages = sum(len(source_pages(p.read_text(encoding="utf-8"))) for p in sources)
    out: dict[str, object] = {"text": parse_rate(sources, pages, repeat=2)}
    makers = {"docx": make_docx, "pdf": make_pdf}
    for fmt, make in makers.items():
        if not loader_present(fmt):
            out[fmt] = "n/a (loader absent)"
            continue
        files = []
        try:
            for src in sources:
                # the .meta.json sidecar travels with each copy, as it does for text plans
                dest = work / fmt / f"{src.stem}.{fmt}"
                dest.parent.mkdir(exist_ok=True)
                make(src, dest)
                side = src.with_suffix(".meta.json")
                if side.exists():
                    shutil.copy(side, dest.with_suffix(".meta.json"))
                files.append(dest)
        except ImportError as exc:
            out[fmt] = f"n/a (cannot generate: {exc.name} missing)"
            continue
        out[fmt] = parse_rate(files, pages, repeat=1)
    out["end_to_end"] = end_to_end(PLANS_DIR / e2e_plan, work / "data")
    return out
