"""Recall and precision of the agency recognizer (corpus.agencies) on real agency names.

    python bench/agencies.py [--show-errors] [--part tune|held]

Names: bench/agencies_names.tsv (real names from the five clean provincial plans, the five
bundled OCR plans as OCR wrote them, and official names of existing bodies from commune to
ministry), each with its gold canonical name. A fixed part of the names (by a hash of the
gold name, about 30%) is held aside: its errors are never shown while tuning, only its
figures (`--part held` prints them).

Each name is read in three forms, inside a short clause of the kind plans use (chosen by
a hash: "X chủ trì thực hiện.", "Giao X theo dõi, báo cáo.", "| X | Quý IV/2026 |", …):
  accented  — as written;
  plain     — without diacritics, as users type on phones;
  ocr       — through a noisy channel (below).
Negatives: phrases from the clean plans where a head word stands in lower case
("cơ sở dữ liệu", "xã hội số", "ban hành", "trung tâm dữ liệu") and so is not a name;
any agency found in them is a false positive.

OCR channel (documented, seeded per name): each letter with a mark loses all marks with
p=0.55, becomes one of the confusions the bundled scans show with p=0.25 (ố→6/é, ộ→9/g,
ơ→o/é, â→i/d, ă→i, đ→d, Đ→P, ư→w/u, ệ→¢/é, ả/ạ→a/4, ồ→d, ờ→d) and stays with p=0.2;
letters without marks: l→1 (p=0.03), o→6 (0.02); a space between two words vanishes with
p=0.04 (OCR glues words).

Scores per part and form:
  recall     — the gold name found, its canonical name equal to gold with accents folded;
  spelt      — of those found, the display name equal to gold exactly (accents, capitals);
  precision  — found names equal to gold (folded) over all names found, negatives included.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.agencies import find_agencies  # noqa: E402
from corpus.normalize import fold, search_form, strip_marks  # noqa: E402

TEMPLATES = [
    "{} chủ trì thực hiện.",
    "Giao {} theo dõi, báo cáo kết quả.",
    "- {};",
    "| {} | Quý IV/2026 |",
    "Đề nghị {} phối hợp triển khai.",
    "Cơ quan chủ trì: {}",
]
CONFUSE = {"ố": "6é", "ộ": "9g", "ơ": "oé", "ờ": "dó", "â": "id", "ă": "i", "đ": "d",
           "Đ": "P", "ư": "wu", "ệ": "¢é", "ả": "a4", "ạ": "a4", "ồ": "d",
           "ề": "é", "ế": "é", "ị": "i", "ọ": "o", "ớ": "é", "ợ": "o", "ậ": "a", "ấ": "a"}
NEG_HEADS = r"(?:sở|bộ|ban|hội|trung tâm|đoàn|tổ|trường|đài|cục|phòng|viện|trạm)"


def held(gold: str) -> bool:
    return int(hashlib.md5(gold.encode()).hexdigest()[0], 16) < 5


def ocr_noise(text: str, seed: str) -> str:
    rng = random.Random(seed)
    out = []
    for ch in unicodedata.normalize("NFC", text):
        base = strip_marks(ch)
        if base != ch:
            r = rng.random()
            if r < 0.55:
                ch = base
            elif r < 0.80:
                ch = rng.choice(CONFUSE.get(ch.lower(), base))
        elif ch == "l" and rng.random() < 0.03:
            ch = "1"
        elif ch == "o" and rng.random() < 0.02:
            ch = "6"
        elif ch == " " and rng.random() < 0.04:
            ch = ""
        out.append(ch)
    return "".join(out)


def load_names() -> list[tuple[str, str, str]]:
    rows = []
    seen = set()
    for line in (ROOT / "bench" / "agencies_names.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        source, _level, written, gold = line.split("\t")
        if written in seen:
            continue
        seen.add(written)
        rows.append((source, written, gold))
    return rows


def negatives() -> list[str]:
    """Phrases of the clean plans with a head word in lower case (not a name)."""
    out: list[str] = []
    real = ROOT.parent / "shared" / "corpus" / "real"
    if not real.exists():
        real = Path("/work/shared/corpus/real")
    for path in sorted(real.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for m in re.finditer(rf"(?:^|[\s(])((?:\w+ ){{0,2}}{NEG_HEADS} (?:\w+ ){{1,3}}\w+)",
                                 line):
                phrase = m.group(1)
                head = re.search(NEG_HEADS, phrase)
                if head and not re.search(r"\b(các|Các)\b", phrase) and \
                        not any(c.isupper() for c in phrase):
                    out.append(phrase)
    uniq = sorted(set(out))
    return uniq[::max(1, len(uniq) // 150)]


def items():
    for source, written, gold in load_names():
        t = TEMPLATES[int(hashlib.md5(written.encode()).hexdigest(), 16) % len(TEMPLATES)]
        part = "held" if held(gold) else "tune"
        is_ocr = source.startswith("bundled")
        forms = {"accented": written, "plain": strip_marks(written),
                 "ocr": written if is_ocr else ocr_noise(written, written)}
        for form, text in forms.items():
            if is_ocr and form == "plain":
                continue
            yield part, form, t.format(text), gold
    for phrase in negatives():
        part = "held" if held(phrase) else "tune"
        yield part, "negative", phrase, ""
        yield part, "negative", strip_marks(phrase), ""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show-errors", action="store_true", help="errors of the tuning part")
    ap.add_argument("--part", choices=["tune", "held", "both"], default="both")
    args = ap.parse_args()
    stats: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    names = set()
    for part, form, text, gold in items():
        if gold:
            names.add(gold)
        found = [a.name for a in find_agencies(search_form(text))]
        ok = [n for n in found if gold and fold(n) == fold(gold)]
        for key in ((part, form), (part, "all")):
            s = stats[key]  # gold, recalled, spelt, predicted, correct predictions
            s[0] += bool(gold)
            s[1] += bool(ok)
            s[2] += bool(ok) and gold in found
            s[3] += len(found)
            s[4] += len(ok)
        if args.show_errors and part == "tune" and (
                (gold and (not ok or gold not in found)) or len(found) > len(ok)):
            print(f"[{form}] {text!r}\n    gold={gold!r} found={found}")
    print(f"{len(names)} distinct gold names; items per part and form:")
    print(f"{'part':5} {'form':9} {'names':>5} {'recall':>7} {'spelt':>6} {'precision':>9} "
          f"{'found':>6}")
    for part in ("tune", "held"):
        if args.part not in (part, "both"):
            continue
        for form in ("accented", "plain", "ocr", "negative", "all"):
            g, r, sp, p, c = stats[(part, form)]
            if not (g or p) and form != "negative":
                continue
            rec = f"{r / g:.3f}" if g else "-"
            spelt = f"{sp / r:.3f}" if r else "-"
            prec = f"{c / p:.3f}" if p else "1.000"
            print(f"{part:5} {form:9} {g:5d} {rec:>7} {spelt:>6} {prec:>9} {p:6d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
