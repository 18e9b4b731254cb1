"""A headline does not quote a clause whose reading is OCR debris; the answer stands alone."""

from intents.compose import legible


def test_debris_is_not_legible() -> None:
    assert not legible("Tỷ Lệ cán bộ, công chức, viên . < 1 . — số số Số e số Ở Phòng Văn "
                       "hóa Các đơn vị liên Báo cáo 0, 0, 0, 0, 0, : Lý.")


def test_clauses_and_table_rows_are_legible() -> None:
    assert legible("Xây dựng kế hoạch tổ chức thực hiện chương trình đào tạo, bồi dưỡng "
                   "cho cán bộ, công chức, viên chức")
    # numbers, shares and cell bars count neither way
    assert legible("Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình | >70% | 90% | 100% | "
                   "Phòng Văn hóa - Xã hội")
    assert legible("")
