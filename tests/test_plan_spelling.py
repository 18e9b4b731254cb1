"""A body the question names with its place, as the loaded plan spells it
(intents.plan_terms.plans_spelling)."""

from __future__ import annotations

import pytest
from plan_fixtures import engine_over

from corpus.normalize import fold

PLAN = """ỦY BAN NHÂN DÂN
TỈNH PHÚ THỌ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 46/KH-UBND
Phú Thọ, ngày 05 tháng 9 năm 2025

KẾ HOẠCH

Bảo đảm an toàn thông tin mạng tỉnh Phú Thọ giai đoạn 2026 - 2030

I. TỔ CHỨC THỰC HIỆN

1. Công an tỉnh

a) Chủ trì kiểm tra, đánh giá an toàn hệ thống thông tin của các cơ quan nhà nước hằng năm.

b) Hướng dẫn xử lý sự cố an ninh mạng trên địa bàn tỉnh.

2. Sở Khoa học và Công nghệ

Chủ trì bồi dưỡng kỹ năng an toàn thông tin cho cán bộ, công chức cấp xã.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):  # noqa: ANN201
    return engine_over(tmp_path_factory.mktemp("spelling"), "phu-tho-46.txt", PLAN)


def test_a_body_named_with_its_place_is_the_plans_body_with_its_level(engine) -> None:
    # "Công an Phú Thọ": the place set aside leaves "Công an", which the plan names only as
    # "Công an tỉnh"
    query = engine.understand("cong an phu tho lam nhung viec gi")
    assert fold(query.agency) == "cong an tinh"
    answer = engine.ask("cong an phu tho lam nhung viec gi")
    assert answer.found and "kiem tra" in fold(answer.headline + answer.answer)


def test_a_body_the_plan_names_as_asked_stays(engine) -> None:
    query = engine.understand("So Khoa hoc va Cong nghe Phu Tho lam gi")
    assert fold(query.agency) == "so khoa hoc va cong nghe"
