"""Agencies in a text: a head noun and its name, read by a small grammar.

An agency name is a head noun ("Sở", "Phòng", "Trung tâm", "UBND", "Công an", "Hội" …)
followed by its name: words up to where the name ends — a verb of the clause ("chủ trì",
"phối hợp", "thực hiện" …), punctuation or a role boundary, or the next head noun. Names
joined by "và", "-" or an enumeration that "và" closes stay whole ("Sở Văn hóa, Thể thao
và Du lịch", "Văn phòng HĐND và UBND", "Phòng Tài chính - Kế hoạch"); a place after the
name belongs to it ("UBND tỉnh Bắc Ninh", "Công an xã"). Abbreviations ("Sở KH&CN",
"VP HĐND-UBND", "BQL KCN", "NHNN") are read through a data file of abbreviations.

Head nouns that are also ordinary words ("số" of "chuyển đổi số" folds to "so" like "Sở";
"bộ" of "cán bộ", "tổ" of "tổ chức", "hội" of "xã hội") are read as heads only when the
word after them starts a name seen in agency names ("Sở Tài chính", but not "số liệu"), and
not when they are the second half of a common word ("cán bộ", "giai đoạn").

Everything matches the search form (folded, OCR-repaired: `corpus.normalize.search_form`),
so accents and OCR slips do not matter. Known names (corpus/data/agency_names.tsv) are
matched with a few letters of slack, which OCR needs ("Uy ban Mit tran Té quéc",
"Phong Kinh té, Ha tang va PG thi"), and give the canonical spelling; other names are
spelt from the accented names the data files hold, the gazetteer (places) and, where
available, the reading model (corpus.reading.restore_diacritics).

The package, one stage a module, each using only the ones above it:
`tokens` (words and offsets of a search-form text), `lexicon` (head nouns, clause words,
the data files), `known_names` (known names with OCR slack), `place_spans` (the place after
a name), `grammar` (head noun, name, body), `naming` (display spelling), `recognize`
(`find_agencies`), `matching` (`canonical_agency`, `same_agency`, `COLLECTIVE`).
"""

from corpus.agencies.matching import COLLECTIVE, agency_names, canonical_agency, same_agency
from corpus.agencies.recognize import AgencyMatch, find_agencies

__all__ = ["COLLECTIVE", "AgencyMatch", "agency_names", "canonical_agency", "find_agencies",
           "same_agency"]
