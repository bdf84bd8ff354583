"""The public restock page (AppTest): languages incl. right-to-left, token cases, bad input, idempotency."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from outreach import config, i18n, inventory, organizations
from outreach.bidi import isolate
from outreach.models import RestockRequest
from outreach.restock import links as restock_links
from outreach.restock import submission as restock
from outreach.ui import state
from outreach.ui.widgets import escape_markdown
from tests.pages.conftest import open_page, page_text, shown_by_streamlit

PAGE = "pages/restock.py"
ORG_NAME = "Beacon <script>alert(1)</script> Church"


@pytest.fixture
def linked(page_db):
    sessions, ref = page_db
    org = organizations.create_organization(
        sessions, name=ORG_NAME, borough="Queens", languages=["es", "en"], preferred_language="es", actor="t"
    )
    token = restock_links.issue_link(sessions, organization_id=org, actor="t")
    return sessions, ref, org, token


def stored(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(RestockRequest))


def packs_input(at, ref, material, language):
    return at.text_input(key=f"{state.RESTOCK_PACKS}_{ref.units[(material, language)]}")


def review(at):
    return at.form_submit_button[0].click().run()  # the form's only button: "Review my request"


def send(at):
    return next(
        b for b in at.button if b.label == i18n.t("confirm.send", at.session_state[state.RESTOCK_LANG])
    )


def test_spanish_by_default_then_confirm_and_send(linked):
    sessions, ref, org, token = linked
    at = open_page(PAGE, query={"t": token})
    assert not at.exception
    assert at.title[0].value == i18n.t("page.title", "es")
    assert at.selectbox(key=state.RESTOCK_LANG).value == "es"
    packs_input(at, ref, "flyer", "es").set_value("3")
    packs_input(at, ref, "booklet", "es").set_value("1")
    at.text_input(key=state.RESTOCK_CONTACT_NAME).set_value("Ana")
    review(at)
    text = page_text(at)
    assert (
        i18n.t("confirm.heading", "es") in text and "150" in text and "175" in text
    )  # 3×50 flyers, 175 pieces
    assert stored(sessions) == 0  # the confirmation step stores nothing
    send(at).click().run()
    assert stored(sessions) == 1
    with sessions() as session:
        request = session.scalar(select(RestockRequest))
    assert [code.value for code in at.code] == [request.reference]  # the confirmation number, copyable
    assert (request.language, request.contact_name) == ("es", "Ana")
    assert i18n.t("status.submitted", "es") in page_text(at)  # the history, with translated status names


def test_the_same_submission_twice_stores_one_request(linked):
    sessions, ref, org, token = linked
    at = open_page(PAGE, query={"t": token})
    packs_input(at, ref, "flyer", "es").set_value("2")
    review(at)
    key = at.session_state[state.RESTOCK_IDEMPOTENCY_KEY]
    send(at).click().run()
    first = at.session_state[state.RESTOCK_DONE]
    # A resubmitted form (e.g. the browser replays the click): same key, same draft.
    at.session_state[state.RESTOCK_STAGE] = "confirm"
    at.run()
    send(at).click().run()
    assert (
        at.session_state[state.RESTOCK_DONE] == first
        and at.session_state[state.RESTOCK_IDEMPOTENCY_KEY] == key
    )
    assert stored(sessions) == 1
    # "Make another request" starts a new form instance with a new key.
    next(b for b in at.button if b.key == state.RESTOCK_ANOTHER).click().run()
    assert at.session_state[state.RESTOCK_IDEMPOTENCY_KEY] != key


def test_the_organizations_name_is_shown_exactly_as_typed(page_db):
    sessions, _ref = page_db
    name = "Robert'); -- :church: ->"
    org = organizations.create_organization(sessions, name=name, borough=None, languages=["es"], actor="t")
    token = restock_links.issue_link(sessions, organization_id=org, actor="t")
    at = open_page(PAGE, query={"t": token})
    headings = [shown_by_streamlit(heading.value) for heading in at.subheader]
    assert headings[0] == name and headings.count(name) == 1  # later sections (delivery hours) have their own


def test_the_phone_number_is_checked_in_the_leaders_language_and_confirmed_as_stored(linked):
    sessions, ref, _org, token = linked
    at = open_page(PAGE, query={"t": token})
    packs_input(at, ref, "flyer", "es").set_value("1")
    at.text_input(key=state.RESTOCK_CONTACT_PHONE).input("555-0134")
    review(at)
    expected = i18n.t("error.phone_invalid", "es", phone="555-0134", example="(201) 555-0123")
    assert [shown_by_streamlit(error.value) for error in at.error] == [expected]
    assert at.text_input(key=state.RESTOCK_CONTACT_PHONE).value == "555-0134"  # kept, to be corrected
    at.text_input(key=state.RESTOCK_CONTACT_PHONE).input("718 555 0134")
    review(at)
    assert not at.error
    # The number is isolated (bidi.isolate), so it keeps its order in any sentence.
    assert i18n.t("confirm.contact", "es", contact=i18n.Words(isolate("+1 718-555-0134"))) in [
        shown_by_streamlit(line.value) for line in at.markdown
    ]
    send(at).click().run()
    with sessions() as session:
        assert session.scalar(select(RestockRequest.contact_phone)) == "+1 718-555-0134"


def test_back_from_the_confirmation_keeps_what_was_typed(linked):
    sessions, ref, org, token = linked
    at = open_page(PAGE, query={"t": token})
    at.multiselect(key=state.RESTOCK_ITEM_LANGS).set_value(["bn", "es"]).run()
    packs_input(at, ref, "booklet", "bn").set_value("3")
    at.text_input(key=state.RESTOCK_ON_HAND).set_value("1")
    at.text_input(key=state.RESTOCK_CONTACT_NAME).set_value("Rahim")
    review(at)
    assert i18n.t("confirm.heading", "es") in page_text(at) and "75" in page_text(at)  # 3 packs of 25
    next(b for b in at.button if b.key == state.RESTOCK_BACK).click().run()
    assert at.multiselect(key=state.RESTOCK_ITEM_LANGS).value == ["bn", "es"]
    assert packs_input(at, ref, "booklet", "bn").value == "3"
    assert at.text_input(key=state.RESTOCK_ON_HAND).value == "1"
    assert at.text_input(key=state.RESTOCK_CONTACT_NAME).value == "Rahim"
    assert stored(sessions) == 0


def test_arabic_is_right_to_left_with_errors_in_arabic(linked):
    sessions, ref, org, token = linked
    at = open_page(PAGE, query={"t": token})
    at.selectbox(key=state.RESTOCK_LANG).set_value("ar").run()
    assert any("direction: rtl" in md.value for md in at.markdown)
    assert at.title[0].value == i18n.t("page.title", "ar")
    review(at)  # nothing chosen
    assert at.error[0].value == i18n.t("error.empty", "ar").replace(".", "\\.")
    at.selectbox(key=state.RESTOCK_LANG).set_value("fr").run()
    assert not any("direction: rtl" in md.value for md in at.markdown)
    assert stored(sessions) == 0


def test_bengali_leader_sees_limits_in_bengali(linked):
    sessions, ref, org, token = linked
    at = open_page(PAGE, query={"t": token})
    at.selectbox(key=state.RESTOCK_LANG).set_value("bn").run()
    at.multiselect(key=state.RESTOCK_ITEM_LANGS).set_value(["bn"]).run()
    packs_input(at, ref, "flyer", "bn").set_value("500")
    review(at)
    # The limit is the app's number, in Bengali digits; "500" is what the leader typed, shown as typed.
    assert "প্যাকেট" in at.error[0].value and "500" in at.error[0].value and "৪০" in at.error[0].value
    packs_input(at, ref, "flyer", "bn").set_value("2")
    at.text_area(key=state.RESTOCK_NOTE).set_value("x" * 100_000)
    review(at)
    assert at.error[0].value.startswith("আপনার মন্তব্যে ১,০০,০০০")
    assert stored(sessions) == 0


def test_far_above_usual_is_a_warning_in_chinese(linked):
    sessions, ref, org, token = linked
    with sessions.begin() as session:
        from outreach.models import Organization

        session.get(Organization, org).usual_request_packs = 2
    at = open_page(PAGE, query={"t": token})
    at.selectbox(key=state.RESTOCK_LANG).set_value("zh").run()
    packs_input(at, ref, "flyer", "es").set_value("20")
    review(at)
    assert any("约 2 包" in warning.value for warning in at.warning)


def test_rate_limit_is_explained(linked, monkeypatch):
    sessions, ref, org, token = linked
    monkeypatch.setenv("KYR_RESTOCK_MAX_PER_HOUR", "1")
    config.settings.cache_clear()
    restock.submit_request(
        sessions, token=token, lines={ref.units[("flyer", "es")]: 1}, idempotency_key="k" * 10
    )
    at = open_page(PAGE, query={"t": token})
    packs_input(at, ref, "flyer", "es").set_value("1")
    review(at)
    send(at).click().run()
    assert at.error[0].value == i18n.t("error.rate_limited", "es", limit=1).replace(".", "\\.")
    assert stored(sessions) == 1


def test_script_tags_show_as_text(linked):
    sessions, ref, org, token = linked
    at = open_page(PAGE, query={"t": token})
    packs_input(at, ref, "flyer", "es").set_value("1")
    at.text_input(key=state.RESTOCK_CONTACT_NAME).set_value("<script>alert('name')</script>")
    at.text_area(key=state.RESTOCK_NOTE).set_value("<img src=x onerror=alert(2)>")
    review(at)
    html_blocks = [md.value for md in at.markdown if md.proto.allow_html]
    assert html_blocks and all("<script" not in block and "<img" not in block for block in html_blocks)
    assert any(md.value == "Beacon \\<script\\>alert\\(1\\)\\</script\\> Church" for md in at.subheader)
    assert "<img src=x onerror=alert(2)>" in [t.value for t in at.text]  # st.text: shown as typed


@pytest.mark.parametrize("case", ["unknown", "truncated", "revoked", "rotated"])
def test_dead_links_get_a_polite_message_and_nothing_else(linked, case):
    sessions, ref, org, token = linked
    url_token = {"unknown": "A" * 43, "truncated": token[:20]}.get(case, token)
    if case == "revoked":
        restock_links.revoke_link(sessions, organization_id=org, actor="t")
    if case == "rotated":
        restock_links.rotate_link(sessions, organization_id=org, actor="t")
    at = open_page(PAGE, query={"t": url_token})
    assert not at.exception
    assert at.warning[0].value == i18n.t("token.invalid", "en").replace(".", "\\.")
    assert "Beacon" not in page_text(at) and not at.text_input and not at.form
    at.selectbox(key=state.RESTOCK_LANG).set_value("ht").run()  # the language picker still works
    assert at.warning[0].value == i18n.t("token.invalid", "ht").replace(".", "\\.")


def test_missing_token_explains_how_to_get_one(page_db):
    at = open_page(PAGE)
    assert at.info[0].value == i18n.t("token.missing", "en").replace(".", "\\.")
    at = open_page(PAGE, query={"lang": "yi"})
    assert at.info[0].value == i18n.t("token.missing", "yi").replace(".", "\\.")
    assert any("direction: rtl" in md.value for md in at.markdown)


def test_history_shows_only_this_organizations_requests(linked):
    sessions, ref, org, token = linked
    other = organizations.create_organization(
        sessions, name="Other Temple", borough=None, languages=["zh"], actor="t"
    )
    theirs = restock.submit_request(
        sessions,
        organization_id=other,
        channel="phone",
        actor="cora",
        lines={ref.units[("flyer", "zh")]: 1},
        idempotency_key="other-key-1",
        contact_name="Their Contact",
    )
    mine = restock.submit_request(
        sessions,
        token=token,
        lines={ref.units[("booklet", "es")]: 2},
        idempotency_key="mine-key-1",
        contact_name="My Contact",
    )
    inventory.receive(
        sessions,
        unit_id=ref.units[("booklet", "es")],
        location_id=ref.main_depot,
        quantity=100,
        reference="r",
        actor="t",
    )
    at = open_page(PAGE, query={"t": token})
    text = page_text(at)
    assert mine.reference.replace("-", "\\-") in text and theirs.reference.replace("-", "\\-") not in text
    assert "Their Contact" not in text and "My Contact" not in text and "Other Temple" not in text


def test_a_negative_number_is_refused_in_spanish_where_the_leader_sees_it(linked):
    sessions, ref, org, token = linked
    at = open_page(PAGE, query={"t": token})
    assert at.selectbox(key=state.RESTOCK_LANG).value == "es"
    packs_input(at, ref, "flyer", "es").set_value("-1")
    review(at)
    expected = i18n.t("quantity.too_small", "es", field=("flyer", "es"), value="-1", minimum=1)
    assert [e.value for e in at.error] == [escape_markdown(expected)]  # an alert on the page, in Spanish
    assert "«-1»" in expected and "Volante" in expected
    assert at.session_state[state.RESTOCK_STAGE] == "form" and stored(sessions) == 0
    assert packs_input(at, ref, "flyer", "es").value == "-1"  # still there to correct


@pytest.mark.parametrize(
    ("typed", "key"),
    [("1.5", "quantity.not_whole"), ("1e6", "quantity.exponent"), ("3 packs", "quantity.not_number")],
)
def test_what_is_not_a_whole_number_of_packs_is_refused_and_named(linked, typed, key):
    sessions, ref, org, token = linked
    at = open_page(PAGE, query={"t": token})
    packs_input(at, ref, "flyer", "es").set_value(typed)
    review(at)
    expected = i18n.t(key, "es", field=("flyer", "es"), value=typed)
    assert [e.value for e in at.error] == [escape_markdown(expected)]
    assert at.session_state[state.RESTOCK_STAGE] == "form" and stored(sessions) == 0


def test_bengali_digits_on_the_bangla_form_are_read_as_ten_packs(linked):
    sessions, ref, org, token = linked
    at = open_page(PAGE, query={"t": token})
    at.selectbox(key=state.RESTOCK_LANG).set_value("bn").run()
    at.multiselect(key=state.RESTOCK_ITEM_LANGS).set_value(["bn"]).run()
    packs_input(at, ref, "flyer", "bn").set_value("১০")
    packs_input(at, ref, "booklet", "bn").set_value("০")  # zero, in Bengali: none of this one
    at.text_input(key=state.RESTOCK_ON_HAND).set_value("৩")
    review(at)
    assert not at.error, [e.value for e in at.error]
    unit = ref.units[("flyer", "bn")]
    item = i18n.item_label("flyer", "bn", "bn")
    line = i18n.t("confirm.line", "bn", item=item, packs=10, size=50, pieces=500)
    assert escape_markdown(line) in [md.value for md in at.markdown]
    assert at.session_state[state.RESTOCK_DRAFT].lines == {unit: 10}
    assert at.session_state[state.RESTOCK_DRAFT].on_hand_reported == 3
    send(at).click().run()
    with sessions() as session:
        request = session.scalar(select(RestockRequest))
    assert [(line.unit_id, line.packs_requested) for line in request.lines] == [(unit, 10)]


@pytest.mark.parametrize(("lang", "typed"), [("ar", "٣"), ("ur", "۳")])
def test_arabic_indic_and_urdu_digits_are_read(linked, lang, typed):
    sessions, ref, org, token = linked
    at = open_page(PAGE, query={"t": token})
    at.selectbox(key=state.RESTOCK_LANG).set_value(lang).run()
    packs_input(at, ref, "flyer", "es").set_value(typed)
    review(at)
    assert not at.error, [e.value for e in at.error]
    assert at.session_state[state.RESTOCK_DRAFT].lines == {ref.units[("flyer", "es")]: 3}


def test_an_organization_that_reads_traditional_chinese_gets_its_form_and_sends_chinese_stock(page_db):
    """繁體中文 opens the page (its own catalog), asks for the Chinese stock, and stores zh-Hant as the language."""
    sessions, ref = page_db
    org = organizations.create_organization(
        sessions,
        name="Chinatown 華埠浸信會",
        borough="Manhattan",
        languages=["zh", "en"],
        preferred_language="Traditional Chinese",  # as a coordinator or an import may write it
        actor="t",
    )
    assert organizations.get_organization(sessions, org).preferred_language == "zh-Hant"
    token = restock_links.issue_link(sessions, organization_id=org, actor="t")
    at = open_page(PAGE, query={"t": token})
    assert not at.exception
    picker = at.selectbox(key=state.RESTOCK_LANG)
    assert picker.value == "zh-Hant"
    assert {"简体中文", "繁體中文"} <= set(picker.options)
    assert at.title[0].value == "索取「了解您的權利」宣傳資料"
    assert at.multiselect(key=state.RESTOCK_ITEM_LANGS).value == ["zh", "en"]  # the stock stays Chinese
    flyers = packs_input(at, ref, "flyer", "zh")
    assert flyers.label == "單張 · 中文（包）"
    css = [md.value for md in at.markdown if "font-family" in md.value]
    assert css and "Noto Sans CJK TC" in css[0] and "Noto Sans CJK SC" not in css[0]
    flyers.set_value("2")
    review(at)
    text = page_text(at)
    assert "請核對您的申請" in text and "合共：2 包（100 份）" in text
    send(at).click().run()
    with sessions() as session:
        request = session.scalar(select(RestockRequest))
    assert request.language == "zh-Hant"
    assert "已收到" in page_text(at)
    at.selectbox(key=state.RESTOCK_LANG).set_value("zh").run()  # the leader may switch to Simplified
    assert at.title[0].value == "申领“了解您的权利”宣传资料"


def test_urdu_asks_for_the_served_nastaliq_font(linked):
    sessions, ref, org, token = linked
    at = open_page(PAGE, query={"t": token})
    assert not any("Nastaliq" in md.value for md in at.markdown)  # Spanish: no font to load
    at.selectbox(key=state.RESTOCK_LANG).set_value("ur").run()
    css = next(md.value for md in at.markdown if "@font-face" in md.value)
    assert 'url("/app/static/fonts/noto-nastaliq-urdu/NotoNastaliqUrdu-Regular.ttf")' in css
    assert 'font-family: "Noto Nastaliq Urdu"' in css and "line-height: 2.1" in css
    assert at.title[0].value == i18n.t("page.title", "ur")
