"""A synthetic corpus grown from the five real plans, for scale measurements.

Each synthetic plan is one of the real plans with its locality, plan number and agency
names replaced (consistently within the plan) and its text perturbed: percentages moved,
OCR-like letter noise, a few ordinary lines dropped. The five real plans are included as
they are, so the dev questions still have their answers in the big corpus.

    python bench/synth.py 1000 bench/out/scale-1000/plans
"""

from __future__ import annotations

import functools
import json
import random
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PLANS_DIR  # noqa: E402
from corpus.models import Document, Fact, Segment, content_id  # noqa: E402
from corpus.normalize import edit_distance, fold, strip_marks  # noqa: E402
from corpus.segment import segment_search_form  # noqa: E402
from retrieval.store import Store  # noqa: E402

VERSION = "synth-2"

# Syllables of real Vietnamese commune and ward names (accented; the OCR text gets them
# without marks, the sidecar with them).
SYLLABLES = [
    "An", "Bình", "Hòa", "Phú", "Tân", "Long", "Thạnh", "Mỹ", "Đông", "Tây", "Nam", "Bắc",
    "Trung", "Tiến", "Hưng", "Thịnh", "Phước", "Lộc", "Thuận", "Hiệp", "Quang", "Minh",
    "Thành", "Vĩnh", "Xuân", "Hải", "Sơn", "Lâm", "Hà", "Giang", "Hồng", "Phong", "Đức",
    "Nghĩa", "Lợi", "Thái", "Khánh", "Cường", "Định", "Yên", "Hậu", "Châu", "Kim", "Ngọc",
    "Thủy", "Lạc", "Hợp", "Điền", "Cát", "Trà",
]

# Agency names as the OCR text spells them, and what a synthetic plan may call them.
AGENCY_PATTERNS = [
    re.compile(r"Ph[oòó]ng\s+(?:VHXH|VEIXH|V[aiă]n\s*h[oóée]a(?:\s*-\s*X[aà4&]\s+h[oộ]i)?)"),
    re.compile(r"Ph[oòó]ng\s+Kinh\s+t[eéế]"),
    re.compile(r"Ph[oòó]ng\s+N[oộ]i\s+v[uụ]"),
    re.compile(r"V[aă]n\s+ph[oòó]ng\s+H[DĐ]ND\s*(?:v[aà]|&)\s*UBND"),
    re.compile(r"C[oô]ng\s+an\s+x[aã]"),
    re.compile(r"Tr[aạ]m\s+[yY]\s+t[eéế]"),
]
AGENCY_POOL = [
    "Phong Van hoa - Xa hoi", "Phong Kinh te", "Phong Noi vu", "Van phong HDND va UBND",
    "Cong an xa", "Tram Y te", "Phong Kinh te, Ha tang va Do thi",
    "Trung tam Phuc vu hanh chinh cong", "Doan Thanh nien", "Ban Chi huy Quan su xa",
]
# Phrases plans use interchangeably (OCR spelling), swapped now and then.
SYNONYMS = [("thuc hien", "trien khai"), ("trien khai", "thuc hien"), ("nang cao", "tang cuong"),
            ("day manh", "thuc day"), ("co quan", "don vi"), ("dia ban", "dia phuong"),
            ("kip thoi", "dung han"), ("hieu qua", "thiet thuc"), ("nguoi dan", "cong dan")]
_PERCENT = re.compile(r"(?<![\d.,])(\d{1,3})(\s?%)")
_HEADING = re.compile(r"^\s*(?:[IVX]+\.|\d+(?:\.\d+)*\.|[a-zđ]\)|PHU LUC|Phu luc)", re.I)
_NOISE = {"a": "4à3", "o": "60ô", "e": "é€", "i": "1l", "u": "ư", "c": "e"}
L_MARK, LU_MARK, N_MARK = "\x00L\x00", "\x00LU\x00", "\x00N\x00"


@dataclass
class Template:
    stem: str
    text: str  # with markers for locality / plan number
    meta: dict
    code_sep: str  # "/KH-UBND" or "-KH/ĐU"


def _lev(a: str, b: str, cap: int = 3) -> int:
    if abs(len(a) - len(b)) >= cap:
        return cap
    return edit_distance(a, b)


def _mark_locality(text: str, locality: str) -> tuple[str, list[str]]:
    """Replace the locality's OCR spellings ("Léc Tan", "LOC TAN", "Lje Tén") by markers."""
    key = fold(locality)
    n = len(key.split())
    found: list[str] = []
    out_lines = []
    for line in text.split("\n"):
        toks = list(re.finditer(r"[^\s,.;:()]+", line))
        spans = []
        i = 0
        while i <= len(toks) - n:
            cand = line[toks[i].start():toks[i + n - 1].end()]
            f = fold(cand)
            if f[:1] == key[:1] and _lev(f, key) <= (1 if len(key) < 7 else 2) \
                    and all(t.group()[:1].isupper() for t in toks[i:i + n]):
                spans.append((toks[i].start(), toks[i + n - 1].end(), cand.isupper()))
                found.append(cand)
                i += n
            else:
                i += 1
        for a, b, upper in reversed(spans):
            line = line[:a] + (LU_MARK if upper else L_MARK) + line[b:]
        out_lines.append(line)
    return "\n".join(out_lines), found


def _mark(text: str, meta: dict) -> str:
    """The plan's locality and own number replaced by markers."""
    text, _ = _mark_locality(text, meta["locality"])
    digits = re.match(r"(\d+)", meta["number"])
    assert digits is not None
    # the plan's own number wherever it is written ("16 /KH-UBND", "$é:16/KH-UBND")
    return re.sub(rf"(?:(?<=S6)|(?<![\d/])){digits.group(1)}"
                  r"(?=\s*[-/]\s*[I1l]?KH\s*[-/]\s*[A-ZĐ]{2,5})", N_MARK, text)


def load_templates(plans_dir: Path = PLANS_DIR) -> list[Template]:
    out = []
    for path in sorted(plans_dir.glob("*.txt")):
        meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
        num = re.match(r"(\d+)(.*)", meta["number"])
        assert num is not None
        out.append(Template(path.stem, _mark(path.read_text(encoding="utf-8"), meta), meta,
                            num.group(2)))
    return out


def locality_names(count: int, seed: int = 57) -> list[str]:
    rng = random.Random(seed)
    pairs = [f"{a} {b}" for a, b in product(SYLLABLES, SYLLABLES) if a != b]
    rng.shuffle(pairs)
    names = pairs[:count]
    while len(names) < count:  # beyond 2,450 pairs: three-syllable names
        a, b, c = rng.sample(SYLLABLES, 3)
        name = f"{a} {b} {c}"
        if name not in names:
            names.append(name)
    return names


def _noise_word(word: str, rng: random.Random) -> str:
    idx = [i for i, c in enumerate(word) if c in _NOISE]
    if not idx:
        return word
    i = rng.choice(idx)
    return word[:i] + rng.choice(_NOISE[word[i]]) + word[i + 1:]


def _perturb(text: str, rng: random.Random) -> str:
    """Lines of a plan as another commune writes them: phrases swapped, OCR-like letter
    noise, percentages moved, now and then an ordinary line dropped."""
    lines = []
    for line in text.split("\n"):
        body = line.strip()
        if body and not _HEADING.match(body) and len(body) > 30 and rng.random() < 0.02:
            continue  # an ordinary line dropped
        if body and rng.random() < 0.8:  # most lines differ from the source plan's
            for a, b in SYNONYMS:
                if a in line and rng.random() < 0.5:
                    line = line.replace(a, b, 1)
            words = line.split(" ")
            alpha = [k for k, w in enumerate(words) if w.isalpha() and len(w) > 1]
            for k in rng.sample(alpha, min(len(alpha), rng.randint(1, 3))):
                words[k] = _noise_word(words[k], rng)
            line = " ".join(words)
        line = _PERCENT.sub(lambda m: f"{max(1, min(100, int(m.group(1)) + rng.randint(-10, 10)))}"
                            f"{m.group(2)}" if rng.random() < 0.5 else m.group(0), line)
        lines.append(line)
    return "\n".join(lines)


def _rename(marked: str, locality: str, number: int, agencies: list[str]) -> str:
    """Text with locality/number markers (see load_templates) for a new commune."""
    plain = strip_marks(locality)
    text = (marked.replace(L_MARK, plain).replace(LU_MARK, plain.upper())
            .replace(N_MARK, str(number)))
    for rx, new in zip(AGENCY_PATTERNS, agencies, strict=True):
        text = rx.sub(new, text)
    return text


def render(tpl: Template, locality: str, number: int, rng: random.Random) -> str:
    agencies = rng.sample(AGENCY_POOL, len(AGENCY_PATTERNS))
    return _perturb(_rename(tpl.text, locality, number, agencies), rng)


def generate(count: int, dest: Path, seed: int = 57, include_real: bool = True) -> dict:
    """`count` plans in `dest` (the five real ones first). Reuses a finished earlier run."""
    stamp = dest / ".synth.json"
    want = {"version": VERSION, "count": count, "seed": seed, "real": include_real}
    if stamp.exists() and json.loads(stamp.read_text()) == want:
        return want | {"reused": True}
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    templates = load_templates()
    made = 0
    if include_real:
        for path in sorted(PLANS_DIR.glob("*.txt")):
            shutil.copy(path, dest / path.name)
            shutil.copy(path.with_suffix(".meta.json"), dest / (path.stem + ".meta.json"))
            made += 1
    real = {fold(t.meta["locality"]) for t in templates}
    names = [n for n in locality_names(count + 10, seed) if fold(n) not in real]
    rng = random.Random(seed)
    i = 0
    manifest = []
    while made < count:
        tpl = templates[i % len(templates)]
        name = names[i]
        number = rng.randint(1, 999)
        kind = tpl.meta.get("locality_kind", "xã")
        body = tpl.meta["issuer"].rsplit(tpl.meta["locality"], 1)[0].strip()
        meta = {**tpl.meta, "locality": name, "issuer": f"{body} {name}".strip(),
                "number": f"{number}{tpl.code_sep}"}
        slug = "-".join(fold(f"{kind} {name}").split())
        stem = f"synth{i:05d}-{slug}_{number}{tpl.code_sep.replace('/', '-').replace('Đ', 'D')}"
        text = render(tpl, name, number, random.Random(seed * 1_000_003 + i))
        (dest / f"{stem}.txt").write_text(text, encoding="utf-8")
        (dest / f"{stem}.meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1),
                                                encoding="utf-8")
        manifest.append({"stem": stem, "source": tpl.meta["locality"], "locality": name})
        made += 1
        i += 1
    (dest / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False),
                                        encoding="utf-8")
    stamp.write_text(json.dumps(want))
    return want | {"reused": False}


def localised_questions(items: list[dict], plans_dir: Path, limit: int = 60,
                        seed: int = 7) -> list[str]:
    """Dev questions moved to synthetic plans: the real locality swapped for that of a
    synthetic plan grown from the same real plan (what users of a big deployment ask)."""
    manifest = plans_dir / "manifest.json"
    if not manifest.exists():
        return []
    by_source: dict[str, list[str]] = {}
    for row in json.loads(manifest.read_text(encoding="utf-8")):
        by_source.setdefault(row["source"], []).append(row["locality"])
    rng = random.Random(seed)
    out = []
    for it in items:
        for var in ("question", "question_plain"):
            q = it[var]
            for loc, names in by_source.items():
                form = next((f for f in (loc, strip_marks(loc), fold(loc)) if f in q), None)
                if form:
                    new = rng.choice(names)
                    out.append(q.replace(form, new if var == "question" else fold(new)))
                    break
    rng.shuffle(out)
    return out[:limit]


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    where = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"bench/out/scale-{n}/plans")
    print(generate(n, where))


def _segment_variant(seg: Segment, doc_id: str, marked: tuple[str, list[str], str | None,
                                                              str | None],
                     fill: Callable[[str], str], rng: random.Random) -> Segment | None:
    """A segment of the source plan as the synthetic plan has it: text renamed and
    perturbed, headings renamed only (a plan's headings stay one text across its
    segments), search form and id recomputed as the segmenter computes them."""
    text, path, group, header = marked
    new = _perturb(fill(text), rng).strip()
    if not new:
        return None
    path_ = [fill(h) for h in path]
    group_, header_ = (fill(group) if group else group), (fill(header) if header else header)
    return seg.model_copy(update={
        "id": content_id(doc_id, str(seg.line_start), new), "doc_id": doc_id, "text": new,
        "search": segment_search_form(path_, group_, header_, new), "heading_path": path_,
        "group": group_, "table_header": header_})


def _fact_variant(fact: Fact, doc_id: str, seg_ids: dict[str, str]) -> Fact | None:
    """The source plan's fact, pointed at the synthetic plan's segment (its text is not
    perturbed: this measures the volume of facts, not their content)."""
    seg_id = seg_ids.get(fact.segment_id)
    if seg_id is None:
        return None
    return fact.model_copy(update={"id": content_id(doc_id, fact.id), "doc_id": doc_id,
                                   "segment_id": seg_id})


def _synthetic_document(source: Document, meta: dict, name: str, number: int, seed: int,
                        i: int) -> Document:
    body = meta["issuer"].rsplit(meta["locality"], 1)[0].strip()
    code = re.match(r"\d+(.*)", meta["number"])
    assert code is not None
    return source.model_copy(update={
        "id": content_id("synthetic", str(seed), str(i)),
        "path": f"synthetic/{i:05d}-{'-'.join(fold(name).split())}.txt",
        "sha256": content_id("synthetic", str(seed), str(i), length=64),
        "meta": source.meta.model_copy(update={
            "locality": name, "issuer": f"{body} {name}".strip(),
            "number": f"{number}{code.group(1)}"})})


def generate_store(count: int, store: Store, manifest_dir: Path, seed: int = 57,
                   progress: Callable[[int], None] | None = None) -> dict:
    """`count` plans written straight into `store`, without plan files: the five real plans
    read by the real pipeline, then synthetic ones made segment by segment from theirs
    (the same renaming and noise as `generate`, applied per segment). Reading 10,000 plan
    files through the pipeline would take ~45 minutes (bench/RESULTS.md); this skips the
    reading, not the store, BM25, FAISS or the engine."""
    from corpus.pipeline import read_plan

    real = [read_plan(p) for p in sorted(PLANS_DIR.glob("*.txt"))]
    metas = [json.loads(p.with_suffix(".meta.json").read_text(encoding="utf-8"))
             for p in sorted(PLANS_DIR.glob("*.txt"))]
    for plan in real[:count]:
        store.replace_document(plan.document, plan.segments, plan.facts)
    marked = [[(_mark(s.text, m), [_mark(h, m) for h in s.heading_path],
                s.group and _mark(s.group, m), s.table_header and _mark(s.table_header, m))
               for s in plan.segments] for plan, m in zip(real, metas, strict=True)]
    known = {fold(m["locality"]) for m in metas}
    names = [n for n in locality_names(count + 10, seed) if fold(n) not in known]
    rng = random.Random(seed)
    manifest = []
    for i in range(max(0, count - len(real))):
        k = i % len(real)
        name, number = names[i], rng.randint(1, 999)
        fill = functools.partial(_rename, locality=name, number=number,
                                 agencies=rng.sample(AGENCY_POOL, len(AGENCY_PATTERNS)))
        doc = _synthetic_document(real[k].document, metas[k], name, number, seed, i)
        seg_rng = random.Random(seed * 1_000_003 + i)
        segs, ids = [], {}
        for seg, m in zip(real[k].segments, marked[k], strict=True):
            new = _segment_variant(seg, doc.id, m, fill, seg_rng)
            if new is not None:
                segs.append(new.model_copy(update={"order": len(segs)}))
                ids[seg.id] = new.id
        facts = [f for f in (_fact_variant(f, doc.id, ids) for f in real[k].facts) if f]
        store.replace_document(doc, segs, facts)
        manifest.append({"stem": doc.path, "source": metas[k]["locality"], "locality": name})
        if progress:
            progress(i)
    manifest_dir.mkdir(parents=True, exist_ok=True)
    (manifest_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False),
                                                encoding="utf-8")
    return {"version": VERSION + "-segments", "count": count, "seed": seed}
