"""What each message says: organizations' messages in their language (outreach/translations/*/messages.json),
coordinators' in English (the staff screens' language). Pure functions of plain values, so the admin page can
preview every template in every language without a database.

Every value that came from data (names, references, numbers, reasons) is isolated by `bidi.isolate`: escaped
and in <bdi> in HTML, between U+2068 and U+2069 in plain text. Templates never receive a restock link, and
an organization's message is built from that organization's own request or shipment only.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from outreach import i18n
from outreach.catalog import language_of, material_of
from outreach.messages.bidi import isolate

ORGANIZATION_KINDS = ("submitted", "approved", "rejected", "shipped", "delivered")
Block = str | list[str]  # a paragraph, or a bulleted list


@dataclass(frozen=True)
class Line:
    material: str
    item_language: str
    packs: int
    requested: int | None = None  # set when fewer packs were approved than asked for
    reason: str | None = None


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class OrganizationNotice:
    kind: str  # one of ORGANIZATION_KINDS
    organization: str
    reference: str
    lines: tuple[Line, ...] = ()
    reason: str | None = None
    unsubscribe_url: str | None = None


@dataclass(frozen=True)
class CoordinatorNotice:
    subject: str  # a str.format template; values in `values` are isolated
    paragraphs: tuple[str, ...]
    values: dict[str, object] = field(default_factory=dict)
    items: tuple[str, ...] = ()  # bullet lines, already plain data (isolated as a whole)
    link: str | None = None


def item_name(material: str, language: str) -> str:
    """An item in the coordinators' English: "Flyer · Bangla"."""
    return f"{material_of(material).name} · {language_of(language).english}"


def fill(template: str, as_html: bool, **values: object) -> str:
    """A trusted template with isolated values; in HTML the template itself is escaped too."""
    shell = html.escape(template, quote=False) if as_html else template
    return shell.format(**{name: isolate(value, as_html=as_html) for name, value in values.items()})


def _t(key: str, lang: str, as_html: bool, **values: object) -> str:
    return fill(i18n.t(key, lang), as_html, **values)


def _line(line: Line, lang: str, as_html: bool) -> str:
    item = i18n.item_label(line.material, line.item_language, lang)
    if line.requested is not None and line.requested != line.packs:
        text = _t("mail.line_reduced", lang, as_html, item=item, packs=line.packs, requested=line.requested)
    else:
        text = _t("mail.line", lang, as_html, item=item, packs=line.packs)
    if line.reason:
        text += " " + _t("mail.reason", lang, as_html, reason=line.reason)
    return text


def _organization_blocks(notice: OrganizationNotice, lang: str, as_html: bool) -> list[Block]:
    blocks: list[Block] = [
        _t("mail.greeting", lang, as_html, name=notice.organization),
        _t(f"mail.{notice.kind}.intro", lang, as_html, reference=notice.reference),
    ]
    if notice.reason:
        blocks.append(_t("mail.reason", lang, as_html, reason=notice.reason))
    if notice.lines:
        blocks.append(_t("mail.lines", lang, as_html))
        blocks.append([_line(line, lang, as_html) for line in notice.lines])
    blocks.append(_t("mail.signoff", lang, as_html))
    return blocks


def for_organization(notice: OrganizationNotice, lang: str) -> Rendered:
    lang = i18n.normalize(lang)
    subject = i18n.t(f"mail.{notice.kind}.subject", lang, reference=notice.reference)
    footer = [_t("mail.footer", lang, True, name=notice.organization)]
    text_footer = [_t("mail.footer", lang, False, name=notice.organization)]
    if notice.unsubscribe_url:
        label = html.escape(i18n.t("mail.unsubscribe", lang))
        footer.append(f'<a href="{html.escape(notice.unsubscribe_url)}">{label}</a>')
        text_footer.append(f"{i18n.t('mail.unsubscribe', lang)}: {notice.unsubscribe_url}")
    return Rendered(
        subject=subject,
        text=_text(_organization_blocks(notice, lang, False), text_footer),
        html=_html(lang, subject, _organization_blocks(notice, lang, True), footer),
    )


def for_coordinator(notice: CoordinatorNotice) -> Rendered:
    subject = notice.subject.format(**{k: str(v) for k, v in notice.values.items()})

    def blocks(as_html: bool) -> list[Block]:
        out: list[Block] = [fill(p, as_html, **notice.values) for p in notice.paragraphs]
        if notice.items:
            out.append([isolate(item, as_html=as_html) for item in notice.items])
        return out

    footer_html, footer_text = [], []
    if notice.link:
        footer_html.append(f'<a href="{html.escape(notice.link)}">Open KYR Tracker</a>')
        footer_text.append(f"Open KYR Tracker: {notice.link}")
    footer_html.append("Change what you receive on the Messages page, under My notifications.")
    footer_text.append(footer_html[-1])
    return Rendered(
        subject, _text(blocks(False), footer_text), _html("en", subject, blocks(True), footer_html)
    )


def _text(blocks: Sequence[Block], footer: Sequence[str]) -> str:
    parts = [
        "\n".join(f"- {item}" for item in block) if isinstance(block, list) else block for block in blocks
    ]
    return "\n\n".join([*parts, "--", *footer]) + "\n"


_STYLE = (
    "font-family:'Noto Sans','Noto Sans Arabic','Noto Nastaliq Urdu','Noto Sans Bengali','Noto Sans Hebrew',"
    "'Noto Sans CJK SC',Arial,sans-serif;font-size:16px;line-height:1.6;color:#1f2328;max-width:560px;"
    "margin:0 auto;padding:24px"
)


def _html(lang: str, subject: str, blocks: Sequence[Block], footer: Sequence[str]) -> str:
    """The HTML part: `lang` and `dir` on the document and the body, inline styles only (mail clients)."""
    direction = i18n.direction(lang)
    body = "\n".join(
        "<ul>" + "".join(f"<li>{item}</li>" for item in block) + "</ul>"
        if isinstance(block, list)
        else f"<p>{block}</p>"
        for block in blocks
    )
    foot = "".join(f"<p>{part}</p>" for part in footer)
    return (
        f'<!doctype html>\n<html lang="{lang}" dir="{direction}">\n<head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(subject)}</title></head>\n"
        f'<body style="margin:0;background:#f6f8fa"><div lang="{lang}" dir="{direction}" style="{_STYLE}">'
        f'<div style="background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:20px 24px">'
        f'<div style="font-weight:600;color:#0b5394;margin-bottom:8px">Know Your Rights · KYR</div>\n{body}\n'
        f'</div><div style="font-size:13px;color:#57606a;padding:12px 4px">{foot}</div></div></body>\n</html>\n'
    )


# --- previews ------------------------------------------------------------------------------------------

SAMPLE_ORGANIZATION = "Masjid Al-Noor / مسجد النور"


def sample_notice(kind: str, lang: str) -> OrganizationNotice:
    """A made-up notice for the admin page's preview and the screenshots in docs/."""
    lines = (
        Line("flyer", lang, 4),
        Line("booklet", "en", 2, requested=3 if kind == "approved" else None),
    )
    return OrganizationNotice(
        kind=kind,
        organization=SAMPLE_ORGANIZATION,
        reference="KYR-7F3K-92QX",
        lines=lines,
        reason="Booklets run short until the next print run." if kind == "rejected" else None,
        unsubscribe_url="https://kyr.example.org/_kyr/mail/unsubscribe?token=sample",
    )


def preview(kind: str, lang: str) -> Rendered:
    return for_organization(sample_notice(kind, lang), lang)
