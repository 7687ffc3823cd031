"""SMS length, encoding and segment count, as carriers bill them.

An SMS travels in GSM-7 (the GSM 03.38 alphabet, 7 bits a character) when every character is in
the basic table or its extension table; one character outside both switches the *whole message* to
UCS-2 (16 bits a character). That is why a single curly quote (U+201C, U+2019), an en dash
(U+2013), an ellipsis (U+2026) or a non-breaking space (U+00A0, easily pasted from a word processor)
can more than double the number of segments, and the cost. Extension-table characters
(€ [ ] { } ^ ~ | \\ and form feed) stay in GSM-7 but are sent as an escape plus the character, so
each counts 2.

A message that does not fit one SMS (160 GSM-7 septets / 70 UCS-2 code units) is split into
concatenated segments; each carries a 6-byte header, leaving 153 septets or 67 code units. A
segment never splits an escape sequence or a UTF-16 surrogate pair, so such a character that does
not fit moves whole to the next segment.
"""

from typing import NamedTuple

GSM7 = "GSM-7"
UCS2 = "UCS-2"

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE_LIMIT = {GSM7: 160, UCS2: 70}
SEGMENT_LIMIT = {GSM7: 153, UCS2: 67}


class SmsStats(NamedTuple):
    length: int  # septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2
    encoding: str
    segments: int


def non_gsm_characters(text: str) -> list[str]:
    """Characters that force UCS-2, each once, in order of appearance."""
    seen: dict[str, None] = {}
    for char in text:
        if char not in GSM7_BASIC and char not in GSM7_EXTENSION:
            seen.setdefault(char, None)
    return list(seen)


def _units(text: str, encoding: str) -> list[int]:
    """The width of each character in the message's encoding."""
    if encoding == GSM7:
        return [2 if char in GSM7_EXTENSION else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def _segment_count(units: list[int], limit: int) -> int:
    segments, used = 1, 0
    for width in units:
        if used + width > limit:
            segments, used = segments + 1, 0
        used += width
    return segments


def sms_stats(text: str) -> SmsStats:
    """(length, encoding, segments) of an SMS body."""
    encoding = UCS2 if non_gsm_characters(text) else GSM7
    units = _units(text, encoding)
    length = sum(units)
    if length == 0:
        return SmsStats(0, encoding, 0)
    if length <= SINGLE_LIMIT[encoding]:
        return SmsStats(length, encoding, 1)
    return SmsStats(length, encoding, _segment_count(units, SEGMENT_LIMIT[encoding]))


def describe_character(char: str) -> str:
    """A readable name for a character that forces UCS-2 (invisible ones spelled out)."""
    names = {"\xa0": "non-breaking space", "\t": "tab", "\u200b": "zero-width space"}
    return names.get(char, char) + f" (U+{ord(char):04X})"
