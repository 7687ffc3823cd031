"""Worked examples of SMS length, encoding and segments (GSM 03.38, concatenated SMS)."""

import pytest

from apps.message_templates.sms import GSM7, UCS2, non_gsm_characters, sms_stats


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_fits_160_in_one_sms_and_153_per_segment_after(length, segments):
    assert sms_stats("a" * length) == (length, GSM7, segments)


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_fits_70_in_one_sms_and_67_per_segment_after(length, segments):
    assert sms_stats("ж" * length) == (length, UCS2, segments)


def test_empty_text_is_no_sms():
    assert sms_stats("") == (0, GSM7, 0)


@pytest.mark.parametrize("char", ["€", "[", "]", "{", "}", "^", "~", "|", "\\", "\f"])
def test_extension_characters_count_twice_and_stay_gsm7(char):
    assert sms_stats(char) == (2, GSM7, 1)


def test_eighty_euro_signs_fill_exactly_one_sms():
    assert sms_stats("€" * 80) == (160, GSM7, 1)


def test_an_extension_character_never_straddles_two_segments():
    # 152 septets, then "€" (2) would need septets 153-154 of a 153-septet segment: it moves whole.
    text = "a" * 152 + "€" + "a" * 10
    assert sms_stats(text) == (164, GSM7, 2)
    assert sms_stats("a" * 152 + "€" + "a" * 152) == (306, GSM7, 3)


def test_german_umlauts_and_sharp_s_are_gsm7():
    assert sms_stats("Grüße aus Köln, Ärger mit Öl und Übermaß")[1] == GSM7


@pytest.mark.parametrize("stray", ["\u201c", "\u201d", "\u2019", "\u2013", "\u2026", "\xa0"])
def test_one_stray_typographic_character_forces_ucs2_and_doubles_the_cost(stray):
    plain = "Your order has shipped. " * 6  # 144 characters: one GSM-7 SMS
    assert sms_stats(plain) == (144, GSM7, 1)
    assert sms_stats(plain + stray) == (145, UCS2, 3)


def test_emoji_count_two_utf16_units_and_are_not_split():
    assert sms_stats("👍") == (2, UCS2, 1)
    assert sms_stats("a" * 66 + "👍" + "a") == (69, UCS2, 1)
    assert sms_stats("a" * 66 + "👍" + "a" * 5) == (73, UCS2, 2)


def test_non_gsm_characters_are_listed_once_in_order():
    assert non_gsm_characters("\u201cHi\u201d \u2013 \u201cyou\u201d") == ["\u201c", "\u201d", "\u2013"]
