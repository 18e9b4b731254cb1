"""The official gazetteer (corpus.places): spelling, provinces, places named in a text."""

from __future__ import annotations

import pytest

from corpus import places


def test_gazetteer_holds_the_2025_units() -> None:
    assert len(places.provinces()) == 34
    assert sum(1 for u in places.units() if not u.is_province) == 3321


@pytest.mark.parametrize(("name", "kind", "province", "official"), [
    ("Loc Tan", "xã", "Đồng Nai", "Lộc Tấn"),  # the bundled plan's "Lộc Tân" was a misreading
    ("an hao", "xã", "Gia Lai", "Ân Hảo"),
    ("Loc Ten", "xã", "Đồng Nai", "Lộc Tấn"),  # an OCR slip, within the province
    ("TRAN LIEU", "phường", "", "Trần Liễu"),
    ("bac ninh", "tỉnh", "", "Bắc Ninh"),
])
def test_official_spelling(name, kind, province, official) -> None:
    unit = places.official(name, kind, province)
    assert unit is not None and unit.name == official


def test_official_is_none_when_several_provinces_fit() -> None:
    assert places.official("Tân Phú", "xã") is None
    assert places.official("Tân Phú", "xã", "Đồng Nai").province == "Đồng Nai"


def test_find_places_with_or_without_marks() -> None:
    found = places.find_places("Kế hoạch của xã Tân Phú có gì?")
    assert [(p.full, p.province, p.marked) for p in found] == [("xã Tân Phú", "", True)]
    assert {u.province for u in found[0].units} >= {"Đồng Nai", "Nghệ An", "Tây Ninh"}
    assert [p.full for p in places.find_places("ke hoach cua xa tan phu")] == ["xã Tân Phú"]
    plain = places.find_places("ke hoach cua tan phu")
    assert [p.name for p in plain] == ["Tân Phú"] and not plain[0].marked


def test_province_named_in_the_text_decides() -> None:
    found = places.find_places("xã Tân Phú, tỉnh Đồng Nai")
    assert [(p.full, p.province) for p in found] == [("xã Tân Phú", "Đồng Nai"),
                                                       ("tỉnh Đồng Nai", "Đồng Nai")]
    assert [p.full for p in places.find_places("UBND TP.HCM")] == ["thành phố Hồ Chí Minh"]


def test_common_words_are_not_read_as_places() -> None:
    # "thống nhất" is a word and the name of communes: only with a marker or capitals
    assert not places.find_places("thống nhất phương án chuyển đổi số")
    assert [p.full for p in places.find_places("xã Thống Nhất")] == ["xã Thống Nhất"]
    assert not places.find_places("phát triển kinh tế số quốc gia")


def test_unit_label() -> None:
    unit = places.official("Phong Thổ", "xã")
    assert unit.label() == "xã Phong Thổ, tỉnh Lai Châu"
