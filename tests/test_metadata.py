"""Plan metadata: with the sidecar (optional overrides) and from the header alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PLAN_KEYS, plan_path, sidecar

from corpus.loaders import LoadError, decode_text, load_document
from corpus.metadata import extract_metadata
from corpus.models import Block, Document, LoadedDocument
from corpus.normalize import fold
from corpus.pipeline import read_plan

RAW_NUMBER = {
    "an_hao": "15-KH/ĐU",
    "binh_tan": "27-KH/ĐU",
    "tran_lieu": "79/KH-UBND",
    "loc_tan": "16/KH-UBND",
    "phong_tho": "80/KH-UBND",
}
# What the header of each scan allows: An Hảo's day is illegible ("ngay osthang 10"),
# Lộc Tân's day and month were left blank ("ngay M thang Y nim 2025").
RAW_DATE = {
    "an_hao": "10/2025",
    "binh_tan": "19/11/2025",
    "tran_lieu": "02/10/2025",
    "loc_tan": "2025",
    "phong_tho": "03/10/2025",
}
ISSUER_BODY = {
    "an_hao": "Đảng ủy",
    "binh_tan": "Đảng ủy",
    "tran_lieu": "UBND",
    "loc_tan": "UBND",
    "phong_tho": "UBND",
}


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_meta_matches_sidecar(parsed, key: str) -> None:
    meta = parsed[key].document.meta
    side = sidecar(key)
    assert meta.number == side["number"]
    assert meta.locality == side["locality"]
    assert meta.issuer == side["issuer"]
    assert meta.locality_kind == side["locality_kind"]
    if "date" in side:
        assert meta.date == side["date"]


@pytest.fixture(scope="module")
def raw_meta(tmp_path_factory):
    """Metadata of each plan copied without its .meta.json: the extractor alone."""
    out = {}
    for key in PLAN_KEYS:
        d = tmp_path_factory.mktemp(f"raw_{key}")
        dst = d / plan_path(key).name
        shutil.copy(plan_path(key), dst)
        assert not dst.with_suffix(".meta.json").exists()
        out[key] = read_plan(dst).document.meta
    return out


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_raw_number_exact(raw_meta, key: str) -> None:
    assert raw_meta[key].number == RAW_NUMBER[key]
    assert raw_meta[key].number == sidecar(key)["number"]


# the official spelling (gazetteer) and province of each bundled plan's locality: the OCR
# header has no marks; "Lộc Tân" and "An Hảo" were misreadings of Lộc Tấn and Ân Hảo
RAW_PLACE = {
    "an_hao": ("xã", "Ân Hảo", "Gia Lai"),
    "binh_tan": ("xã", "Bình Tân", "Đồng Nai"),
    "tran_lieu": ("phường", "Trần Liễu", "Hải Phòng"),
    "loc_tan": ("xã", "Lộc Tấn", "Đồng Nai"),
    "phong_tho": ("xã", "Phong Thổ", "Lai Châu"),
}


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_raw_locality_official_with_province(raw_meta, key: str) -> None:
    meta = raw_meta[key]
    assert (meta.locality_kind, meta.locality, meta.province) == RAW_PLACE[key]
    assert meta.locality == sidecar(key)["locality"]
    assert meta.issuer == sidecar(key)["issuer"]
    assert meta.kind == "Kế hoạch" and not meta.warning


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_raw_date(raw_meta, key: str) -> None:
    assert raw_meta[key].date == RAW_DATE[key]
    if "date" in sidecar(key):
        assert raw_meta[key].date == sidecar(key)["date"]


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_raw_issuer_names_body_and_locality(raw_meta, key: str) -> None:
    meta = raw_meta[key]
    assert meta.issuer.startswith(ISSUER_BODY[key])
    assert fold(meta.issuer).endswith(fold(f"{meta.locality_kind} {meta.locality}"))


def test_raw_title_of_phong_tho(raw_meta) -> None:
    assert fold(raw_meta["phong_tho"].title).startswith("phat trien khoa hoc, cong nghe")
    assert "2026 - 2030" in raw_meta["phong_tho"].title


def test_label_names_kind_number_and_issuer(raw_meta) -> None:
    doc = Document(id="x", path="/tmp/a.txt", sha256="x", meta=raw_meta["tran_lieu"])
    assert doc.label() == "Kế hoạch 79/KH-UBND – UBND phường Trần Liễu"
    bare = Document(id="y", path="/tmp/dir/bien-ban.txt", sha256="y",
                    meta=raw_meta["tran_lieu"].model_copy(update={"issuer": "", "locality": "",
                                                                  "locality_kind": ""}))
    assert "/tmp" not in bare.label()  # never the file path


def _meta(text: str):
    blocks = [Block(text=t, line=i + 1) for i, t in enumerate(text.splitlines())]
    return extract_metadata(LoadedDocument(path="/nonexistent/x.txt", sha256="x",
                                           format="txt", blocks=blocks))


HEADERS = [
    ("CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
     "Số: 03/NQ-CP\nHà Nội, ngày 09 tháng 01 năm 2025\n\nNGHỊ QUYẾT\nBan hành Chương trình "
     "hành động của Chính phủ\n\nCHÍNH PHỦ\nCăn cứ Luật Tổ chức Chính phủ;",
     ("Nghị quyết", "03/NQ-CP", "Chính phủ", "", "", "09/01/2025")),
    ("THỦ TƯỚNG CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 06/QĐ-TTg\n"
     "Hà Nội, ngày 02 tháng 01 năm 2025\nQUYẾT ĐỊNH\nPhê duyệt Đề án",
     ("Quyết định", "06/QĐ-TTg", "Thủ tướng Chính phủ", "", "", "02/01/2025")),
    ("UBND TỈNH BẮC NINH\nSỞ Y TẾ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 55/KH-SYT\n"
     "Bắc Ninh, ngày 5 tháng 3 năm 2025\nKẾ HOẠCH\nChuyển đổi số ngành y tế",
     ("Kế hoạch", "55/KH-SYT", "Sở Y tế tỉnh Bắc Ninh", "Bắc Ninh", "Bắc Ninh", "05/03/2025")),
    ("TỈNH ỦY NGHỆ AN\nĐẢNG CỘNG SẢN VIỆT NAM\nSố 328-KH/TU\n"
     "Nghệ An, ngày 24 tháng 4 năm 2025\nKẾ HOẠCH\nhành động thực hiện Nghị quyết 57",
     ("Kế hoạch", "328-KH/TU", "Tỉnh ủy Nghệ An", "Nghệ An", "Nghệ An", "24/04/2025")),
    ("ĐOÀN ĐẠI BIỂU QUỐC HỘI TỈNH ĐỒNG NAI\nSố: 3260-KH/ĐĐQH15\nngày 2 tháng 5 năm 2025\n"
     "KẾ HOẠCH\nGiám sát chuyên đề",
     ("Kế hoạch", "3260-KH/ĐĐQH15", "Đoàn đại biểu Quốc hội tỉnh Đồng Nai", "Đồng Nai",
      "Đồng Nai", "02/05/2025")),
    # a name six provinces have: the province the first page names decides
    ("ĐẢNG ỦY XÃ TÂN PHÚ\nĐẢNG CỘNG SẢN VIỆT NAM\nTân Phú, ngày 3 tháng 6 năm 2025\n"
     "Số 12-CTr/ĐU\nCHƯƠNG TRÌNH HÀNH ĐỘNG\nthực hiện Nghị quyết 57\n"
     "Căn cứ Kế hoạch của Ban Thường vụ Tỉnh ủy Đồng Nai;",
     ("Chương trình", "12-CTr/ĐU", "Đảng ủy xã Tân Phú", "Tân Phú", "Đồng Nai", "03/06/2025")),
]


@pytest.mark.parametrize(("text", "want"), HEADERS)
def test_header_of_any_issuer(text: str, want: tuple) -> None:
    m = _meta(text)
    assert (m.kind, m.number, m.issuer, m.locality, m.province, m.date) == want
    assert not m.warning


def test_body_sentence_never_gives_the_locality() -> None:
    m = _meta("UBND TỈNH BẮC NINH\nSỞ NỘI VỤ\nSố: 9/KH-SNV\nKẾ HOẠCH\nChuyển đổi số\n\n"
              "Căn cứ Kế hoạch của UBND phường Bắc Giang và phường Kinh Bắc;")
    assert (m.issuer, m.locality, m.locality_kind) == ("Sở Nội vụ tỉnh Bắc Ninh", "Bắc Ninh",
                                                        "tỉnh")


def test_decision_that_issues_a_plan_and_its_signer() -> None:
    m = _meta("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH\nSố: 2820/QĐ-UBND\n"
              "Thành phố Hồ Chí Minh, ngày 19 tháng 11 năm 2025\n\nQUYẾT ĐỊNH\n\n"
              "BAN HÀNH KẾ HOẠCH TRIỂN KHAI ĐỀ ÁN DỮ LIỆU\n\nQUYẾT ĐỊNH:\n"
              "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch triển khai.\n"
              "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An")
    assert (m.kind, m.issues, m.number) == ("Quyết định", "Kế hoạch", "2820/QĐ-UBND")
    assert (m.issuer, m.province) == ("UBND thành phố Hồ Chí Minh", "Hồ Chí Minh")
    assert m.title == "Ban hành kế hoạch triển khai đề án dữ liệu"
    assert m.signer == "Nguyễn Văn An"


def test_meeting_note_is_not_a_plan() -> None:
    m = _meta("BIÊN BẢN HỌP\nThời gian: 8 giờ ngày 3/6/2025\n"
              "Thành phần: Phòng Văn hóa - Xã hội, Công an xã\nNội dung: bàn việc chuyển đổi số")
    assert m.warning and "không phải một kế hoạch" in m.warning


REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
REAL_META = {
    "tinh-bac-ninh_144-KH-UBND": ("144/KH-UBND", "UBND tỉnh Bắc Ninh", "Bắc Ninh", "24/11/2025"),
    "tinh-dong-thap_617-KH-UBND": ("617/KH-UBND", "UBND tỉnh Đồng Tháp", "Đồng Tháp",
                                   "01/12/2025"),
    "tinh-nghe-an_987-KH-UBND": ("987/KH-UBND", "UBND tỉnh Nghệ An", "Nghệ An", "20/11/2025"),
    "tp-ha-noi_308-KH-UBND": ("308/KH-UBND", "UBND thành phố Hà Nội", "Hà Nội", "17/11/2025"),
    "tp-hcm_2820-QD-UBND": ("2820/QĐ-UBND", "UBND thành phố Hồ Chí Minh", "Hồ Chí Minh",
                            "19/11/2025"),
}


@pytest.mark.parametrize("stem", sorted(REAL_META))
def test_real_plans_header(stem: str) -> None:
    path = REAL / f"{stem}.txt"
    if not path.exists():
        pytest.skip("the real plans of ../shared are not here")
    m = extract_metadata(load_document(path))
    assert (m.number, m.issuer, m.locality, m.date) == REAL_META[stem]
    assert m.province == m.locality and m.title and "/" not in m.title[:1]
    assert Document(id="r", path=str(path), sha256="r", meta=m).label().startswith(
        f"{m.kind} {m.number} – UBND ")


def test_extract_metadata_on_loaded_document() -> None:
    meta = extract_metadata(load_document(plan_path("tran_lieu")))
    assert meta.number == "79/KH-UBND"
    assert meta.issuer == "UBND phường Trần Liễu"  # sidecar beside the bundled file


def test_loader_pages_follow_one_space_convention() -> None:
    doc = load_document(plan_path("loc_tan"))
    lines = plan_path("loc_tan").read_text(encoding="utf-8").splitlines()
    starts = sum(1 for i, t in enumerate(lines) if i > 0 and t.startswith(" ")
                 and not t.startswith("  ") and t.strip())
    assert doc.pages == starts + 1
    assert doc.blocks[0].page == 1
    assert doc.blocks[-1].page == doc.pages


def test_load_errors(tmp_path) -> None:
    with pytest.raises(LoadError, match="Không tìm thấy"):
        load_document(tmp_path / "missing.txt")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(LoadError, match="rỗng"):
        load_document(empty)
    odd = tmp_path / "plan.xyz"
    odd.write_text("abc", encoding="utf-8")
    with pytest.raises(LoadError, match="chưa hỗ trợ"):
        load_document(odd)


def test_decode_text_encodings() -> None:
    s = "Kế hoạch số 79/KH-UBND"
    assert decode_text(s.encode("utf-8")) == s
    assert decode_text(b"\xef\xbb\xbf" + s.encode("utf-8")) == s
    assert decode_text(s.encode("utf-16")) == s
    assert decode_text(s.encode("utf-16-le")) == s
