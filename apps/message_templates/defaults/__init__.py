"""The default template set Tidings installs for every tenant: every trigger, English and German.

Emails and portal messages are written once per locale as a `Letter` (a subject and a sequence of
blocks: paragraphs, a details table, the order's items, link buttons); `build()` turns a letter
into the email text, the email HTML and the portal text, so the three always say the same thing.
SMS and voice are written by hand: an SMS stays in GSM-7 (no curly quotes or dashes) and within
two segments with sample data, and a voice script reads references out character by character.

The generated sources are ordinary template content: a tenant edits them like any other version.
Inline markup in paragraph text: `[[label|links.preferences]]` is a link (“label (URL)” in text).
"""

import html
import re
from dataclasses import dataclass, field

from apps.message_templates.triggers import (
    EMAIL_HTML,
    EMAIL_SUBJECT,
    EMAIL_TEXT,
    PORTAL_TEXT,
    REPLY,
    SMS_TEXT,
    TRIGGERS,
    VOICE_SCRIPT,
)

BRAND = "{{ company.brand_colour|default('#2563eb', true) }}"


@dataclass(frozen=True)
class P:
    """A paragraph; shown only when `when` (a template condition) holds, if given."""

    text: str
    when: str = ""


@dataclass(frozen=True)
class Details:
    """Label/value rows; a row with a condition shows only when it holds."""

    rows: tuple[tuple[str, str] | tuple[str, str, str], ...]


@dataclass(frozen=True)
class Items:
    """The order's items, as a list in text and a table in HTML."""

    heading: str
    item_label: str
    quantity_label: str
    price_label: str


@dataclass(frozen=True)
class Buttons:
    """Links shown as buttons in HTML (the first one filled) and as “label: URL” lines in text."""

    links: tuple[tuple[str, str], ...]
    when: str = ""


Block = P | Details | Items | Buttons


@dataclass(frozen=True)
class Letter:
    subject: str
    blocks: tuple[Block, ...]
    sms: str
    voice: str


@dataclass(frozen=True)
class Chrome:
    """What every message of a locale shares: greeting, closing lines, footer."""

    lang: str
    greeting: str
    contact: str
    sign_off: str
    reply_sign_off: str
    footer: str


@dataclass(frozen=True)
class DefaultTemplate:
    key: str
    trigger: str
    name: str
    description: str
    versions: dict[str, dict[str, str]] = field(default_factory=dict)


# --- text --------------------------------------------------------------------------------------

_LINK = re.compile(r"\[\[(.+?)\|([a-z_.]+)\]\]")
_JINJA = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\[\[.+?\|[a-z_.]+\]\])", re.DOTALL)


def _conditional(lines: list[str], when: str) -> list[str]:
    # trim_blocks/lstrip_blocks remove a tag line entirely, so a false condition leaves no blank line.
    return [f"{{% if {when} %}}", *lines, "{% endif %}"] if when else lines


def _text_inline(text: str) -> str:
    return _LINK.sub(lambda m: f"{m.group(1)} ({{{{ {m.group(2)} }}}})", text)


def _block_text(block: Block) -> list[str]:
    if isinstance(block, P):
        return _conditional([_text_inline(block.text), ""], block.when)
    if isinstance(block, Details):
        lines = []
        for label, value, *when in block.rows:
            lines += _conditional([f"{label}: {value}"], when[0] if when else "")
        return [*lines, ""]
    if isinstance(block, Items):
        return [
            f"{block.heading}:",
            "{% for item in order.items %}",
            "- {{ item.quantity }} × {{ item.name }}: {{ item.price }}",  # noqa: RUF001  (a real times sign)
            "{% endfor %}",
            "",
        ]
    lines = [f"{label}: {{{{ {url} }}}}" for label, url in block.links]
    return _conditional([*lines, ""], block.when)


def _text(letter: Letter, chrome: Chrome, *, reply: bool, portal: bool) -> str:
    lines = [chrome.greeting, ""]
    for block in letter.blocks:
        lines += _block_text(block)
    if not portal:
        lines += [_text_inline(chrome.contact), "", chrome.reply_sign_off if reply else chrome.sign_off]
        lines += ["", "--", _text_inline(chrome.footer)]
    return "\n".join(lines).rstrip() + "\n"


# --- HTML --------------------------------------------------------------------------------------

TABLE = '<table role="presentation" cellpadding="0" cellspacing="0"'
BUTTON = "padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600;margin:0 8px 8px 0;"
FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"


def _html_inline(text: str) -> str:
    """Escape the static parts of a paragraph, keep template expressions, turn [[x|url]] into links."""
    out = []
    for part in _JINJA.split(text):
        link = _LINK.fullmatch(part)
        if link:
            label = html.escape(link.group(1), quote=False)
            out.append(f'<a href="{{{{ {link.group(2)} }}}}" style="color:{BRAND};">{label}</a>')
        elif part.startswith(("{{", "{%")):
            out.append(part)
        else:
            out.append(html.escape(part, quote=False).replace("\n", "<br>\n"))
    return "".join(out)


def _block_html(block: Block) -> list[str]:
    if isinstance(block, P):
        return _conditional([f'<p style="margin:0 0 16px;">{_html_inline(block.text)}</p>'], block.when)
    if isinstance(block, Details):
        rows = []
        for label, value, *when in block.rows:
            rows += _conditional(
                [
                    "  <tr>",
                    f'    <td style="padding:8px 14px;color:#64748b;width:42%;">{html.escape(label)}</td>',
                    f'    <td style="padding:8px 14px;font-weight:600;">{_html_inline(value)}</td>',
                    "  </tr>",
                ],
                when[0] if when else "",
            )
        return [
            f'{TABLE} style="width:100%;border-collapse:collapse;margin:4px 0 20px;'
            'background:#f1f5f9;border-radius:6px;">',
            *rows,
            "</table>",
        ]
    if isinstance(block, Items):
        cell = "padding:8px 0;border-bottom:1px solid #e2e8f0;"
        head = f"{cell}color:#64748b;font-weight:500;"
        return [
            f'<p style="margin:0 0 8px;font-weight:600;">{html.escape(block.heading)}</p>',
            f'{TABLE} style="width:100%;border-collapse:collapse;margin:0 0 20px;font-size:15px;">',
            "  <tr>",
            f'    <th align="left" style="{head}">{html.escape(block.item_label)}</th>',
            f'    <th align="center" style="{head}">{html.escape(block.quantity_label)}</th>',
            f'    <th align="right" style="{head}">{html.escape(block.price_label)}</th>',
            "  </tr>",
            "  {% for item in order.items %}",
            "  <tr>",
            f'    <td style="{cell}">{{{{ item.name }}}}</td>',
            f'    <td align="center" style="{cell}">{{{{ item.quantity }}}}</td>',
            f'    <td align="right" style="{cell}">{{{{ item.price }}}}</td>',
            "  </tr>",
            "  {% endfor %}",
            "</table>",
        ]
    buttons = []
    for index, (label, url) in enumerate(block.links):
        style = (
            f"background:{BRAND};color:#ffffff;border:2px solid {BRAND};"
            if index == 0
            else f"background:#ffffff;color:{BRAND};border:2px solid {BRAND};"
        )
        buttons.append(
            f'<a href="{{{{ {url} }}}}" style="display:inline-block;{style}{BUTTON}">{html.escape(label)}</a>'
        )
    return _conditional(['<p style="margin:8px 0 20px;">', *buttons, "</p>"], block.when)


def _html(letter: Letter, chrome: Chrome, *, reply: bool) -> str:
    body = []
    for block in letter.blocks:
        body += _block_html(block)
    sign_off = _html_inline(chrome.reply_sign_off if reply else chrome.sign_off)
    lines = [
        "<!doctype html>",
        f'<html lang="{chrome.lang}">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_html_inline(letter.subject)}</title></head>",
        f'<body style="margin:0;padding:0;background:#f1f5f9;{FONT};">',
        f'{TABLE} width="100%" style="background:#f1f5f9;">',
        '<tr><td align="center" style="padding:24px 12px;">',
        f'{TABLE} width="600" '
        'style="max-width:600px;width:100%;background:#ffffff;border-radius:8px;overflow:hidden;">',
        f'<tr><td style="padding:20px 32px;border-top:6px solid {BRAND};font-size:19px;font-weight:700;'
        'color:#0f172a;">{{ company.name }}</td></tr>',
        '<tr><td style="padding:8px 32px 24px;font-size:16px;line-height:1.55;color:#1e293b;">',
        f'<p style="margin:0 0 16px;">{_html_inline(chrome.greeting)}</p>',
        *body,
        f'<p style="margin:0 0 16px;">{_html_inline(chrome.contact)}</p>',
        f'<p style="margin:0;">{sign_off}</p>',
        "</td></tr>",
        '<tr><td style="padding:16px 32px;background:#f8fafc;font-size:13px;line-height:1.5;color:#64748b;">',
        _html_inline(chrome.footer),
        "</td></tr>",
        "</table>",
        "</td></tr>",
        "</table>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def build(letter: Letter, chrome: Chrome, *, reply: bool = False) -> dict[str, str]:
    """All six content fields of a version from one letter."""
    return {
        EMAIL_SUBJECT: letter.subject,
        EMAIL_TEXT: _text(letter, chrome, reply=reply, portal=False),
        EMAIL_HTML: _html(letter, chrome, reply=reply),
        SMS_TEXT: letter.sms.strip() + "\n",
        VOICE_SCRIPT: letter.voice.strip() + "\n",
        PORTAL_TEXT: _text(letter, chrome, reply=reply, portal=True),
    }


# Reply templates shipped by default: key -> (name, description).
REPLIES = {
    "reply.request_information": (
        "Ask for more information",
        "Asks the customer for the details needed to continue with the case.",
    ),
    "reply.still_working": (
        "Still working on it",
        "Reassures the customer that the case is in hand while it takes longer.",
    ),
    "reply.feedback_response": (
        "Response to negative feedback",
        "Thanks the customer for critical feedback and commits to a follow-up within one business day.",
    ),
}


def _default_templates() -> list[DefaultTemplate]:
    from apps.message_templates.defaults import de, en

    locales = {"en": en, "de": de}
    templates = []
    for key, trigger in TRIGGERS.items():
        if trigger.key == REPLY:
            continue
        versions = {code: build(module.LETTERS[key], module.CHROME) for code, module in locales.items()}
        templates.append(DefaultTemplate(key, key, trigger.name, trigger.description, versions))
    for key, (name, description) in REPLIES.items():
        versions = {
            code: build(module.LETTERS[key], module.CHROME, reply=True) for code, module in locales.items()
        }
        templates.append(DefaultTemplate(key, REPLY, name, description, versions))
    return templates


DEFAULT_TEMPLATES = _default_templates()
