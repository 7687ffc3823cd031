"""The tenant's brand colour, made safe to read: text on it, and a shade of it fit for text on white.

WCAG 2 asks for a contrast ratio of at least 4.5:1 for normal text. A light brand colour (yellow,
mint) used as link colour on white would fail, so links use the brand colour darkened just enough.
"""

from functools import lru_cache

WHITE = (1.0, 1.0, 1.0)
INK = "#14171c"
MIN_TEXT_CONTRAST = 4.5


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    return tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


def _hex(rgb: tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in rgb)


def _luminance(rgb: tuple[float, ...]) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@lru_cache(maxsize=256)
def brand_palette(brand: str) -> dict[str, str]:
    """`brand` (buttons, header accent), `ink` (text on the brand colour) and `text` (the brand
    colour as text or links on white, darkened until it reads at 4.5:1)."""
    rgb = _rgb(brand)
    ink = "#ffffff" if contrast(rgb, WHITE) >= contrast(rgb, _rgb(INK)) else INK
    text = rgb
    while contrast(text, WHITE) < MIN_TEXT_CONTRAST:
        text = tuple(channel * 0.92 for channel in text)
    return {"brand": brand.lower(), "ink": ink, "text": _hex(text)}
