"""What the answer engine returns: the JSON contract of `run_bot.py ask --json`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Intent = Literal["who", "when", "target", "what", "list", "unknown"]
MAX_REPLY_CHARS = 2000  # one Zalo message


class Citation(BaseModel):
    document: str  # "Kế hoạch 79/KH-UBND – UBND phường Trần Liễu"
    section: str
    page: int
    quote: str  # the reading copy of the clause (proper Vietnamese)
    nguyen_van: str = ""  # the clause as the plan's file has it (the OCR text itself)


class Answer(BaseModel):
    question: str
    intent: Intent
    found: bool
    headline: str
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    elapsed_ms: float = 0.0
    # Not part of the JSON contract: the next clauses, for "more sources" buttons.
    more: list[Citation] = Field(default_factory=list, exclude=True)
    segment_ids: list[str] = Field(default_factory=list, exclude=True)
    rest: list[str] = Field(default_factory=list, exclude=True)  # list lines not shown ("tiếp")

    def contract(self) -> dict:
        """Exactly the keys of the evaluation contract, in order."""
        return {
            "question": self.question,
            "intent": self.intent,
            "found": self.found,
            "headline": self.headline,
            "answer": self.answer,
            "citations": [c.model_dump() for c in self.citations],
            "elapsed_ms": round(self.elapsed_ms, 1),
        }


class Query(BaseModel):
    """A question understood: intent and slots."""

    text: str
    search: str  # search form of the question, normalised (intents.normalize)
    typed: str = ""  # search form of the question as typed (abbreviations kept)
    intent: Intent = "unknown"
    also: list[str] = Field(default_factory=list)  # a second thing asked ("… và hạn khi nào")
    when_kind: str = ""  # date | deadline | frequency | year
    report_period: str = ""  # "khi nào phải báo cáo 6 tháng?" -> "6 thang" (detect.period_key)
    role: str = ""  # chu_tri | phoi_hop | theo_doi | ky | ""
    roles: list[str] = Field(default_factory=list)  # every role asked ("ai chủ trì, ai phối hợp")
    titles: list[str] = Field(default_factory=list)  # posts asked of ("ai làm trưởng ban")
    localities: list[str] = Field(default_factory=list)  # document ids named by locality
    doc_ids: list[str] = Field(default_factory=list)  # documents named by plan number
    years: list[int] = Field(default_factory=list)
    agency: str = ""  # canonical agency named in the question
    terms: list[str] = Field(default_factory=list)  # content words (search form)
    alts: dict[str, list[str]] = Field(default_factory=dict)  # term -> words that may stand for it
    phrases: list[str] = Field(default_factory=list)  # quoted names, search form
    asked: list[str] = Field(default_factory=list)  # nouns asked for ("chuong trinh" nào)
    about: str = ""  # asked of the plan itself: "date" | "issuer" | "number" | "title"
    # target questions: the indicator's head noun ("tỷ lệ thanh toán …" -> thanh, toan)
    indicator_head: tuple[str, str] | None = None
    # deadline lists: the next N days ("sắp đến hạn trong 30 ngày tới"), or a span of dates,
    # first and last day ISO ("hạn tháng 12/2025" -> 2025-12-01, 2025-12-31)
    all_targets: bool = False  # "chỉ tiêu năm 2030 của xã X": every target of the year
    due_days: int | None = None
    due_span: tuple[str, str] | None = None
    due_from_today: bool = False  # "từ nay đến cuối năm 2026": the span starts today
    overdue: bool = False  # "việc nào đã quá hạn?"
    duties: bool = False  # "Sở X làm gì?": the duties of the agency named
