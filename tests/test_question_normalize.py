"""The normalising stage of a question (intents.normalize) and the cues read after it."""

from __future__ import annotations

import sys

from intents.asking import asked_role, cue_form, detect_intents, when_kind
from intents.normalize import normalize, telex


def test_telex_left_over_is_decoded():
    n = normalize("thowif gian baos caos chir tieeu")
    assert n.text == "thời gian báo cáo chỉ tiêu"
    assert ("thowif", "thời") in n.changes


def test_english_words_abbreviations_and_syllables_stay():
    assert telex("tax", "", "") is None  # bogo would make it "tã"
    assert normalize("email online wifi").text == "email online wifi"
    assert telex("tran", "", "lieu") is None  # a syllable as typed
    # a weak Telex mark counts only with a neighbour it makes a word with
    assert normalize("tyr leej").text == "tỷ lệ"


def test_abbreviations_expand_by_context():
    assert normalize("kh 79 tran lieu").text.startswith("kế hoạch 79")
    assert normalize("so kh cn").text == "so khoa học công nghệ"
    assert normalize("ty le dvctt bn %").text == "ty le dịch vụ công trực tuyến bao nhiêu %"
    assert normalize("hs pho thong").text.startswith("học sinh")
    assert normalize("nop hs").text == "nop hồ sơ"
    assert normalize("dn ko dc ho tro").text == "doanh nghiệp không được ho tro"


def test_typed_form_is_kept_for_ocr_text():
    n = normalize("chi tieu KHCN")
    assert "khoa hoc cong nghe" in n.search
    assert "khcn" in n.typed_search and n.typed == "chi tieu KHCN"


def test_restoring_marks_is_optional_and_lazy():
    n = normalize("chi tieu dvctt")
    assert n.text == "chi tieu dịch vụ công trực tuyến"  # no restoration by default


def test_parsing_a_question_does_not_import_faiss():
    import subprocess

    code = ("import sys; from intents.detect import understand; "
            "print('faiss' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_cues_come_from_question_words_not_from_words_anywhere():
    # "phối hợp" in the task's name; the question word asks who leads
    q = cue_form("phoi hop trien khai van hoa so cong dong ai chu tri")
    assert detect_intents(q) == ["who"] and asked_role(q) == "chu_tri"
    assert asked_role(cue_form("chi tieu dien toan dam may ai phoi hop")) == "phoi_hop"
    # "AI" the technology is no "ai"
    assert detect_intents(cue_form("trien khai ung dung ai han khi nao")) == ["when"]
    assert detect_intents(cue_form("ung dung AI", "ứng dụng AI")) != ["who"]
    # a value asked about "theo dõi sức khỏe" is no who-question
    assert detect_intents(cue_form("ty le dan co so theo doi suc khoe tren may %")) == ["target"]
    # two things asked at once
    assert detect_intents(cue_form("ai chu tri va han khi nao")) == ["who", "when"]


def test_frequency_only_when_asked():
    assert when_kind("ke hoach chuyen doi so hang nam xay dung luc nao") == "deadline"
    assert when_kind("bao cao may thang mot lan") == "frequency"


def test_the_frame_of_a_message_is_no_part_of_the_question():
    # "cho mình hỏi … vậy ạ": "hỏi" is no "Hội", "ạ" no content
    assert normalize("cho minh hoi nghe an lap moi bn tram vay a").text == \
        "nghe an lap moi bao nhiêu tram"
    assert normalize("Anh ơi cho em hỏi xã Lộc Tân ai chủ trì ạ?").text == \
        "xã Lộc Tân ai chủ trì?"
    assert normalize("xin hoi kh 79 ban hanh ngay nao nhe").text == "kế hoạch 79 ban hanh ngay nao"
    # "Hội đồng nhân dân" opens with a "hỏi" of the frame's letters: it stays
    assert normalize("hoi dong nhan dan xa lam gi").text == "hoi dong nhan dan xa lam gi"
    # nothing left but the frame: kept as typed
    assert normalize("cho minh hoi a").text == "cho minh hoi a"


def test_may_asking_a_quantity_is_bao_nhieu():
    assert normalize("dong thap may ty dong ho tro").text == "dong thap bao nhiêu ty dong ho tro"
    assert normalize("giao dich khong dung tien mat 2030 may").text.endswith("2030 bao nhiêu")
    # "cấp độ mấy" asks a level, "máy tính" is a machine
    assert normalize("an toan thong tin cap do may").text.endswith("cap do may")
    assert normalize("may tinh cho can bo").text == "may tinh cho can bo"


def test_a_message_in_capitals_is_read_in_lower_case():
    # all capitals tell no acronym from a word: "AI" there is the question word
    n = normalize("BAC NINH AI CHU TRI CHI TIEU DAO TAO STEM?")
    assert n.text == "bac ninh ai chu tri chi tieu dao tao stem?"
    assert detect_intents(cue_form(n.search, n.typed)) == ["who"]
    # capitals inside an ordinary message keep their sense
    n = normalize("ung dung AI trong nong nghiep")
    assert "AI" in n.typed and cue_form(n.search, n.typed) == "ung dung a_i trong nong nghiep"
