"""Values isolated from the sentence around them (outreach/bidi.py), and how `t` and `t_html` use it."""

from __future__ import annotations

from outreach import i18n
from outreach.bidi import FSI, PDI, bdi, bdi_all, isolate, isolate_all, strip

PHONE = "(718) 555-1234"


def test_isolate_wraps_once_and_leaves_empty_alone():
    assert isolate(PHONE) == f"{FSI}{PHONE}{PDI}"
    assert isolate(isolate(PHONE)) == isolate(PHONE)
    assert isolate("") == ""
    assert isolate(42) == f"{FSI}42{PDI}"
    assert strip(isolate_all(["Grace Church Inc.", PHONE])) == f"Grace Church Inc. · {PHONE}"
    assert isolate_all(["a", "", "b"]) == f"{FSI}a{PDI} · {FSI}b{PDI}"


def test_bdi_escapes_first():
    assert bdi('<script>"x"</script>') == "<bdi>&lt;script&gt;&quot;x&quot;&lt;/script&gt;</bdi>"
    assert bdi(isolate("a")) == "<bdi>a</bdi>"
    assert bdi_all(["A & B", PHONE]) == f"<bdi>A &amp; B</bdi> · <bdi>{PHONE}</bdi>"


def test_t_isolates_values_in_right_to_left_languages_only():
    for lang in ("ar", "ur", "yi"):
        assert f"{FSI}{PHONE}{PDI}" in i18n.t("confirm.contact", lang, contact=PHONE)
    assert i18n.t("confirm.contact", "en", contact=PHONE) == f"Contact: {PHONE}"
    # Numbers are not isolated: they read correctly in a right-to-left sentence.
    assert FSI not in i18n.t("confirm.on_hand", "ar", packs=3)


def test_t_html_escapes_the_text_and_isolates_each_value():
    text = i18n.t_html("poster.instruction", "yi", organization="Grace <b>Church</b> Inc.")
    assert "<bdi>Grace &lt;b&gt;Church&lt;/b&gt; Inc.</bdi>" in text
    assert "<b>" not in text
