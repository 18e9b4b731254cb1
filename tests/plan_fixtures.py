"""One small plan, built at test time in every format a commune has: text, DOCX (with Word
numbering and a task table), a text PDF (two pages, running header and footer, a ruled
table), a scanned PDF (the pages drawn as images), a TCVN3 text file, and broken files.

Nothing binary is committed: each builder writes its file into a temporary directory.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

LOCALITY = "Tân Phú"
NUMBER = "12/KH-UBND"
HEADER_LEFT = ["ỦY BAN NHÂN DÂN", "XÃ TÂN PHÚ", "Số: 12/KH-UBND"]
HEADER_RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                "Tân Phú, ngày 05 tháng 3 năm 2025"]
TABLE_HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp",
                "Thời gian hoàn thành"]
TABLE_ROWS = [
    ["1", "Triển khai nền tảng họp trực tuyến kết nối đến nhà văn hóa các thôn",
     "Văn phòng HĐND và UBND", "Công an xã", "Tháng 6/2025"],
    ["2", "Tổ chức tập huấn kỹ năng số cơ bản cho cán bộ, công chức của xã",
     "Phòng Nội vụ", "Phòng Văn hóa - Xã hội", "Tháng 10/2025"],
    ["3", "Xây dựng cơ sở dữ liệu đất đai và bản đồ số quy hoạch của xã",
     "Phòng Kinh tế", "Văn phòng HĐND và UBND", "Năm 2026"],
    ["4", "Phủ sóng Wi-Fi miễn phí tại các điểm sinh hoạt cộng đồng",
     "Phòng Kinh tế", "Đoàn Thanh niên", "Thường xuyên"],
]


@dataclass(frozen=True)
class Item:
    """kind: title | h1 | h2 | para | bullet | pagebreak | table | signature."""

    kind: str
    text: str = ""


# The plan, page by page. Headings carry the numbers a reader sees; the DOCX builder
# strips them and lets Word's numbering produce them again.
PAGE_1 = [
    Item("title", "KẾ HOẠCH"),
    Item("para", "Triển khai Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột "
                 "phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc "
                 "gia trên địa bàn xã Tân Phú"),
    Item("h1", "I. MỤC ĐÍCH, YÊU CẦU"),
    Item("h2", "1. Mục đích"),
    Item("para", "Quán triệt đầy đủ, sâu sắc nội dung Nghị quyết số 57-NQ/TW đến toàn thể "
                 "cán bộ, công chức và Nhân dân; tạo chuyển biến mạnh mẽ về nhận thức và hành "
                 "động trong phát triển khoa học, công nghệ và chuyển đổi số của xã."),
    Item("h2", "2. Yêu cầu"),
    Item("para", "Xác định rõ nhiệm vụ, cơ quan chủ trì, cơ quan phối hợp và thời gian hoàn "
                 "thành; bảo đảm thiết thực, hiệu quả, phù hợp với điều kiện của địa phương."),
    Item("h1", "II. NHIỆM VỤ VÀ GIẢI PHÁP"),
    Item("h2", "1. Số hóa hồ sơ, tài liệu lưu trữ của xã"),
    Item("para", "Rà soát, số hóa toàn bộ hồ sơ, tài liệu lưu trữ còn giá trị của Ủy ban "
                 "nhân dân xã để khai thác trên môi trường mạng."),
    Item("bullet", "Cơ quan chủ trì: Văn phòng HĐND và UBND xã."),
    Item("bullet", "Cơ quan phối hợp: Phòng Kinh tế."),
    Item("bullet", "Thời gian hoàn thành: Tháng 9/2025."),
    Item("h2", "2. Xây dựng phong trào Bình dân học vụ số"),
    Item("para", "Tổ chức phong trào học tập kỹ năng số cho người dân tại các thôn, ưu tiên "
                 "người cao tuổi và hộ kinh doanh nhỏ."),
    Item("bullet", "Cơ quan chủ trì: Phòng Văn hóa - Xã hội."),
    Item("bullet", "Cơ quan phối hợp: Đoàn Thanh niên."),
    Item("bullet", "Thời gian hoàn thành: Tháng 12/2025."),
]
PAGE_2 = [
    Item("h1", "III. TỔ CHỨC THỰC HIỆN"),
    Item("h2", "1. Phòng Văn hóa - Xã hội"),
    Item("para", "Chủ trì theo dõi, đôn đốc việc thực hiện Kế hoạch; tổng hợp báo cáo định kỳ "
                 "6 tháng (trước ngày 15/6) và hằng năm (trước ngày 15/12) gửi Ủy ban nhân "
                 "dân xã."),
    Item("h2", "2. Các cơ quan, đơn vị liên quan"),
    Item("para", "Căn cứ chức năng, nhiệm vụ được giao, chủ động triển khai các nhiệm vụ "
                 "trong Kế hoạch và Phụ lục kèm theo."),
    Item("signature", ""),
    Item("h1", "PHỤ LỤC"),
    Item("para", "DANH MỤC NHIỆM VỤ TRỌNG TÂM"),
    Item("para", "(Kèm theo Kế hoạch số 12/KH-UBND ngày 05/3/2025 của UBND xã Tân Phú)"),
    Item("table", ""),
]
SIGNATURE_LEFT = ["Nơi nhận:", "- Thường trực Đảng ủy xã;", "- Lưu: VT."]
SIGNATURE_RIGHT = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An"]


def _item_lines(item: Item) -> list[str]:
    if item.kind == "bullet":
        return [f"- {item.text}"]
    if item.kind == "signature":
        return [*SIGNATURE_LEFT, *SIGNATURE_RIGHT]
    if item.kind == "table":
        return [" | ".join(r) for r in [TABLE_HEADER, *TABLE_ROWS]]
    return [item.text]


def plan_text() -> str:
    """The plan as a text file: a blank line between paragraphs, and a line starting with
    one space opening page 2 (the convention of the bundled OCR plans)."""
    lines = [f"{a}    {b}" for a, b in zip(HEADER_LEFT, HEADER_RIGHT, strict=True)] + [""]
    for page, items in enumerate((PAGE_1, PAGE_2)):
        for n, item in enumerate(items):
            for line in _item_lines(item):
                lines.append((" " if page and n == 0 and line == _item_lines(item)[0]
                              else "") + line)
            lines.append("")
    return "\n".join(lines) + "\n"


def prose_pages() -> list[list[str]]:
    """Page texts without the table, for the scan (one string per printed line)."""
    first = [*HEADER_LEFT, *HEADER_RIGHT, ""]
    pages = []
    for items in (PAGE_1, PAGE_2[:6]):
        lines = [] if pages else list(first)
        for item in items:
            lines += _item_lines(item)
        pages.append(lines)
    return pages


# ---- text and TCVN3 ------------------------------------------------------------------------
# Independent of corpus.legacy: the classic TCVN3 (ABC) letters, lowercase only (capitals
# with a tone mark are drawn by the capital fonts from the same codes).
_TCVN3_UNI = ("áàảãạăắằẳẵặâấầẩẫậđéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵ"
              "ĂÂĐÊÔƠƯ")
_TCVN3_ABC = ("¸µ¶·¹¨¾»¼½Æ©ÊÇÈÉË®ÐÌÎÏÑªÕÒÓÔÖÝ×ØÜÞãßáâä«èåæçé¬íêëìîóïñòô\u00adøõö÷ùýúûüþ"
              "¡¢§£¤¥¦")


def to_tcvn3(text: str) -> bytes:
    """Vietnamese text in TCVN3 bytes; capitals with marks fall back to the lowercase code,
    as they do in files typed with the .VnTimeH fonts."""
    table = dict(zip(_TCVN3_UNI, _TCVN3_ABC, strict=True))
    out = []
    for ch in text:
        if ch in table:
            out.append(table[ch])
        elif ch.lower() in table and not ch.isascii():
            out.append(table[ch.lower()])
        else:
            out.append(ch)
    return "".join(out).encode("latin-1")


def write_text(path: Path) -> Path:
    path.write_text(plan_text(), encoding="utf-8")
    return path


def write_tcvn3(path: Path) -> Path:
    path.write_bytes(to_tcvn3(plan_text()))
    return path


# ---- DOCX ----------------------------------------------------------------------------------
def _strip_label(text: str) -> str:
    return text.split(" ", 1)[1] if text.split(" ", 1)[0].endswith(".") else text


def _add_numbering(doc) -> tuple[str, str]:
    """A heading list (I., 1.) and a bullet list in numbering.xml; their numIds."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = doc.part.numbering_part.element
    levels = ('<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>'
              '<w:lvlText w:val="%1."/></w:lvl>'
              '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
              '<w:lvlText w:val="%2."/></w:lvl>')
    bullet = ('<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
              '<w:lvlText w:val="-"/></w:lvl>')
    for aid, body in (("901", levels), ("902", bullet)):
        numbering.insert(0, parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">{body}</w:abstractNum>'))
    for nid, aid in (("901", "901"), ("902", "902")):
        numbering.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/></w:num>'))
    return "901", "902"


def _number(paragraph, num_id: str, ilvl: int) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/>'
                         f'<w:numId w:val="{num_id}"/></w:numPr>'))


def _layout_table(doc, left: list[str], right: list[str]) -> None:
    table = doc.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)


def write_docx(path: Path, page_break: bool = True, header_footer: bool = True) -> Path:
    import docx
    from docx.enum.text import WD_BREAK

    doc = docx.Document()
    heads, bullets = _add_numbering(doc)
    if header_footer:
        doc.sections[0].header.paragraphs[0].text = "ĐẦU TRANG: không phải nội dung"
        doc.sections[0].footer.paragraphs[0].text = "CHÂN TRANG: không phải nội dung"
    _layout_table(doc, HEADER_LEFT, HEADER_RIGHT)
    for page, items in enumerate((PAGE_1, PAGE_2)):
        if page and page_break:
            doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        for item in items:
            _docx_item(doc, item, heads, bullets)
    doc.save(str(path))
    return path


def _docx_item(doc, item: Item, heads: str, bullets: str) -> None:
    if item.kind == "h1" and item.text != "PHỤ LỤC":
        _number(doc.add_paragraph(_strip_label(item.text), style="Heading 1"), heads, 0)
    elif item.kind == "h2":
        _number(doc.add_paragraph(_strip_label(item.text), style="Heading 2"), heads, 1)
    elif item.kind == "bullet":
        _number(doc.add_paragraph(item.text), bullets, 0)
    elif item.kind == "signature":
        _layout_table(doc, SIGNATURE_LEFT, SIGNATURE_RIGHT)
    elif item.kind == "table":
        table = doc.add_table(rows=0, cols=len(TABLE_HEADER))
        table.style = "Table Grid"
        for row in [TABLE_HEADER, *TABLE_ROWS]:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    elif item.kind == "title":
        doc.add_paragraph(item.text, style="Title")
    else:
        doc.add_paragraph(item.text)


# ---- PDF -----------------------------------------------------------------------------------
FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
]


def unicode_font() -> Path | None:
    """A TTF with Vietnamese glyphs (DejaVu Sans, Debian package fonts-dejavu-core)."""
    for c in FONT_CANDIDATES:
        if Path(c).exists():
            return Path(c)
    if shutil.which("fc-match"):
        out = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True,
                             text=True, check=False).stdout.strip()
        if out.endswith(".ttf") and Path(out).exists():
            return Path(out)
    return None


def write_pdf(path: Path, password: str | None = None) -> Path:
    from fpdf import FPDF

    class Plan(FPDF):
        def header(self) -> None:
            self.set_font("dv", size=9)
            self.cell(0, 6, "UBND xã Tân Phú - Kế hoạch số 12/KH-UBND", align="C")
            self.ln(10)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("dv", size=9)
            self.cell(0, 8, f"Trang {self.page_no()}", align="C")

    pdf = Plan(format="A4")
    font = unicode_font()
    assert font is not None
    pdf.add_font("dv", fname=str(font))
    pdf.set_auto_page_break(True, margin=20)
    if password:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    for page, items in enumerate((PAGE_1, PAGE_2)):
        pdf.add_page()
        if not page:
            pdf.set_font("dv", size=11)
            for a, b in zip(HEADER_LEFT, HEADER_RIGHT, strict=True):
                pdf.cell(80, 6, a)
                pdf.cell(0, 6, b, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        for item in items:
            _pdf_item(pdf, item)
    pdf.output(str(path))
    return path


def _pdf_item(pdf, item: Item) -> None:
    pdf.set_font("dv", size=11)
    if item.kind == "table":
        with pdf.table(col_widths=(8, 60, 32, 32, 28), text_align="LEFT",
                       first_row_as_headings=False) as table:
            for row in [TABLE_HEADER, *TABLE_ROWS]:
                r = table.row()
                for text in row:
                    r.cell(text)
        return
    for line in _item_lines(item):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


# ---- scans ---------------------------------------------------------------------------------
def render_page(lines: list[str], dpi: int = 300):
    """One A4 page of text drawn as a grayscale image, as a scanner would give it."""
    from PIL import Image, ImageDraw, ImageFont

    font_path = unicode_font()
    assert font_path is not None
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(font_path), size=int(dpi * 12 / 72))
    margin, y, step = int(dpi * 0.9), int(dpi * 0.9), int(dpi * 12 / 72 * 1.5)
    for line in lines:
        for part in _wrap(line, font, width - 2 * margin):
            draw.text((margin, y), part, fill=0, font=font)
            y += step
    return img


def _wrap(text: str, font, max_width: int) -> list[str]:
    if not text:
        return [""]
    out, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if font.getlength(trial) > max_width and cur:
            out.append(cur)
            cur = word
        else:
            cur = trial
    return [*out, cur]


def degrade(img, seed: int = 57):
    """What a office scanner adds: a slight skew, blur and specks (deterministic)."""
    import random

    from PIL import ImageFilter

    rng = random.Random(seed)
    img = img.rotate(0.4, fillcolor=255, resample=3).filter(ImageFilter.GaussianBlur(1.1))
    px = img.load()
    for _ in range(img.width * img.height // 400):
        x, y = rng.randrange(img.width), rng.randrange(img.height)
        px[x, y] = rng.choice((0, 90, 200))
    return img


def write_scanned_pdf(path: Path, dpi: int = 300) -> Path:
    pages = [degrade(render_page(lines, dpi)) for lines in prose_pages()]
    pages[0].save(str(path), save_all=True, append_images=pages[1:], resolution=dpi)
    return path


def write_scan_png(path: Path, dpi: int = 300) -> Path:
    degrade(render_page(prose_pages()[0], dpi)).save(str(path))
    return path


# ---- broken files --------------------------------------------------------------------------
def write_zip_bomb(path: Path, size: int = 8 * 1024 * 1024) -> Path:
    """A .docx whose document.xml would inflate to `size` bytes (zeros compress ~1000:1)."""
    chunk = b"0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            for _ in range(size // len(chunk)):
                f.write(chunk)
    return path


def engine_over(root: Path, name: str, text: str):  # noqa: ANN201 - intents.AnswerEngine
    """The real engine (SQLite, FAISS, the deterministic fake embedder) over one plan
    written for a test, saved as `name` under `root`; no bundled plan."""
    from intents import AnswerEngine
    from retrieval import Settings

    plan = root / name
    plan.write_text(text, encoding="utf-8")
    engine = AnswerEngine.open(Settings(data_dir=root / "data", embedder="fake", plans=[]),
                               sync=False)
    engine.ingest([plan])
    return engine
