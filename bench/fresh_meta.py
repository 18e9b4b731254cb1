"""Header metadata of plans the reader was never built on, scored field by field.

    python bench/fresh_meta.py DIR EXPECTED [--show tune]

DIR holds plan openings (text files, the way an official's own DOCX/PDF starts: header
block, kind, title, preamble). EXPECTED is a JSON-lines file, one item per file:
``{"file", "number", "kind", "issuer", "locality", "province", "date", "signer",
"is_plan", "issues_plan", "part"}`` written by hand before the reader was run on them
(``bench/fresh_meta_expected.jsonl`` keeps the values and each page's source address, not
its text). ``part`` is "tune" (read item by item while improving the reader), "held"
(scored in aggregate only), "late" and "late2" (gathered after the work, scored once, in
aggregate).

Each file goes through the reader that ingest uses (`load_document` then
`extract_metadata`, as `corpus.pipeline.read_plan` calls them). A field is right when it
equals the expected value up to case, marks and spacing ("186/KH-UBND" = "186/kh-ubnd");
``is_plan`` is right when the reader warns exactly on the files that are not plans;
``issues_plan`` is scored on the Quyết định files only. ``--show tune`` prints the wrong
fields of the tuning part; the held part is never printed item by item.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from corpus.loaders import load_document  # noqa: E402
from corpus.metadata import extract_metadata  # noqa: E402
from corpus.models import PlanMeta  # noqa: E402
from corpus.normalize import fold  # noqa: E402

FIELDS = ["number", "kind", "issuer", "locality", "province", "date", "signer", "is_plan",
          "issues_plan"]


def _same(a: str, b: str) -> bool:
    return "".join(fold(a).split()) == "".join(fold(b).split())


def read_meta(path: Path) -> PlanMeta:
    return extract_metadata(load_document(path))


def score_item(item: dict, meta: PlanMeta) -> dict[str, bool | None]:
    """Field -> right (None where the field is not scored for this item)."""
    got = {"number": meta.number, "kind": meta.kind, "issuer": meta.issuer,
           "locality": meta.locality, "province": meta.province, "date": meta.date,
           "signer": meta.signer}
    out: dict[str, bool | None] = {f: _same(got[f], item.get(f, "")) for f in got}
    out["is_plan"] = (not meta.warning) == bool(item["is_plan"])
    want = item.get("issues_plan")
    out["issues_plan"] = None if want is None else bool(meta.issues) == bool(want)
    return out


def run(folder: Path, expected: Path, show: str = "") -> dict[str, dict[str, tuple[int, int]]]:
    items = [json.loads(x) for x in expected.read_text(encoding="utf-8").splitlines() if x.strip()]
    tally: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for item in items:
        meta = read_meta(folder / item["file"])
        part = item.get("part", "tune")
        wrong = []
        for field, ok in score_item(item, meta).items():
            if ok is None:
                continue
            for key in (part, "all"):
                tally[key][field][0] += int(ok)
                tally[key][field][1] += 1
            if not ok:
                wrong.append(field)
        all_ok = not wrong
        for key in (part, "all"):
            tally[key]["ALL FIELDS"][0] += int(all_ok)
            tally[key]["ALL FIELDS"][1] += 1
        if show and part == show and wrong:
            print(f"- {item['file']}")
            for field in wrong:
                got = meta.model_dump().get(field, "")
                if field == "is_plan":
                    got = f"warning={meta.warning!r}"
                elif field == "issues_plan":
                    got = meta.issues
                print(f"    {field}: want {item.get(field)!r} got {got!r}")
    return {part: {f: (ok, n) for f, (ok, n) in fields.items()} for part, fields in tally.items()}


def report(result: dict[str, dict[str, tuple[int, int]]]) -> str:
    parts = [p for p in ("tune", "held", "late", "late2") if p in result] + ["all"]
    lines = ["| field | " + " | ".join(parts) + " |", "|---|" + "---|" * len(parts)]
    for field in [*FIELDS, "ALL FIELDS"]:
        cells = []
        for p in parts:
            ok, n = result[p].get(field, (0, 0))
            cells.append(f"{ok}/{n} ({ok / n:.2f})" if n else "–")
        lines.append(f"| {field} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("expected", type=Path)
    ap.add_argument("--show", choices=["tune"], default="",
                    help="print the wrong fields of the tuning part")
    args = ap.parse_args(argv)
    print(report(run(args.folder, args.expected, args.show)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
