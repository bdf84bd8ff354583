"""Templates: every kind in every language, right to left where it should be, values escaped and isolated."""

from __future__ import annotations

import pytest

from outreach import i18n
from outreach.catalog import LANGUAGE_CODES
from outreach.messages import bidi, templates
from outreach.messages.templates import Line, OrganizationNotice


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("kind", templates.ORGANIZATION_KINDS)
def test_every_template_renders_in_every_language(kind, lang):
    rendered = templates.preview(kind, lang)
    direction = "rtl" if lang in ("ar", "ur", "yi") else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in rendered.html
    assert f'<div lang="{lang}" dir="{direction}"' in rendered.html
    assert rendered.subject == i18n.t(f"mail.{kind}.subject", lang, reference="KYR-7F3K-92QX")
    assert i18n.t("mail.unsubscribe", lang) in rendered.text and "unsubscribe?token=sample" in rendered.html
    assert "\u2068KYR-7F3K-92QX\u2069" in rendered.text and "<bdi>KYR-7F3K-92QX</bdi>" in rendered.html


def test_typed_values_are_escaped_and_isolated():
    notice = OrganizationNotice(
        "rejected",
        organization='<script>alert("x")</script> & Sons',
        reference="KYR-AAAA-BBBB",
        reason="Out of <b>stock</b>",
        lines=(Line("flyer", "ur", 2),),
    )
    rendered = templates.for_organization(notice, "ur")
    assert "<script>" not in rendered.html and "<b>stock" not in rendered.html
    assert "<bdi>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons</bdi>" in rendered.html
    assert "\u2068Out of <b>stock</b>\u2069" in rendered.text  # plain text stays as typed
    assert bidi.isolate(42, as_html=False) == "\u206842\u2069"
    # One implementation: the shared helpers, so an isolated value is never wrapped twice.
    assert bidi.isolate(bidi.isolate("Hope", as_html=False), as_html=False) == "\u2068Hope\u2069"
    assert bidi.isolate("\u2068A & B\u2069", as_html=True) == "<bdi>A &amp; B</bdi>"
