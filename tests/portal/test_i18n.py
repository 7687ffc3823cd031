"""The portal speaks the customer's language: English and German."""

import gettext
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail

from apps.cases.models import CaseStatus
from apps.cases.services import case_transition
from apps.customers.services import customer_update
from apps.portal.links import confirm_link
from apps.tenants.models import Tenant
from tests.cases.factories import CaseFactory
from tests.conftest import client_for
from tests.portal.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_a_german_customer_sees_the_case_page_in_german(world):
    customer_update(actor=None, customer=world.customer, changes={"locale": "de"})
    case = CaseFactory(customer=world.customer, subject="Lampe kaputt")
    case_transition(actor=world.actors.agent_a, case=case, to_status=CaseStatus.RESOLVED)

    response = signed_in(world.customer).get(f"/portal/cases/{case.reference}/")

    page = response.content.decode()
    assert response["Content-Language"] == "de"
    assert '<html lang="de"' in page
    for german in (
        "Ist das für Sie gelöst?",
        "Ja, es ist gelöst",
        "Gelöst, bitte bestätigen",
        "Meine Anliegen",
    ):
        assert german in page
    assert "Is this solved for you?" not in page


def test_a_visitor_gets_the_language_their_browser_asks_for(world):
    page = client_for(world.tenant_a).get("/portal/sign-in/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")

    assert "Code schicken" in page.content.decode()


def test_without_a_browser_preference_the_tenant_default_applies(world):
    Tenant.objects.filter(pk=world.tenant_a.pk).update(default_locale="de")

    page = client_for(world.tenant_a).get("/portal/sign-in/", HTTP_ACCEPT_LANGUAGE="fr")

    assert "Code schicken" in page.content.decode()


def test_a_visitor_can_switch_the_language(world):
    client = client_for(world.tenant_a)

    client.post("/portal/language/", {"language": "de", "next": "/portal/track/"})
    page = client.get("/portal/track/", HTTP_ACCEPT_LANGUAGE="en")

    assert "Bestellung verfolgen" in page.content.decode()


def test_the_customers_own_language_wins_after_sign_in(world):
    customer_update(actor=None, customer=world.customer, changes={"locale": "de"})

    page = signed_in(world.customer).get("/portal/", HTTP_ACCEPT_LANGUAGE="en")

    assert "Hallo, Emma" in page.content.decode()


def test_the_sign_in_code_reaches_a_german_customer_in_german(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    customer_update(actor=None, customer=world.customer, changes={"locale": "de"})

    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.tenant_a).post("/portal/sign-in/", {"address": "emma@example.test"})

    email = mail.outbox[0]
    assert "ist Ihr Anmeldecode für Alpha Ltd" in email.subject
    assert "Hallo Emma," in email.body and "Er gilt einmal, 10 Minuten lang." in email.body


def _po_entries(path) -> dict[str, str]:
    """msgid → msgstr (first plural form) of a .po file, continuation lines joined."""
    entries, current, field = {}, {"msgid": "", "msgstr": ""}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ", "msgstr[0] ")):
            field = line.split(" ", 1)[0].replace("[0]", "")
            current[field] = line.split(" ", 1)[1].strip('"')
        elif line.startswith('"') and field:
            current[field] += line.strip('"')
        elif not line.strip():
            if current["msgid"]:
                entries[current["msgid"]] = current["msgstr"]
            current, field = {"msgid": "", "msgstr": ""}, None
        else:  # a comment, msgid_plural or a further plural form
            field = None
    return entries


def test_every_string_has_a_german_translation_and_the_catalogue_is_compiled():
    folder = settings.BASE_DIR / "locale" / "de" / "LC_MESSAGES"
    po = _po_entries(folder / "django.po")
    text = (folder / "django.po").read_text(encoding="utf-8")

    assert po and not [msgid for msgid, msgstr in po.items() if not msgstr]
    assert "#, fuzzy" not in text
    with open(folder / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert catalogue.gettext("Sign in") == "Anmelden"
    # The .mo holds every entry of the .po (+ the header): recompiled after the last edit.
    assert len({key if isinstance(key, str) else key[0] for key in catalogue._catalog}) == len(po) + 1


def test_a_link_in_a_message_opens_in_the_language_of_the_customer_it_was_sent_to(world):
    customer_update(actor=None, customer=world.customer, changes={"locale": "de"})
    case = case_transition(
        actor=world.actors.agent_a, case=CaseFactory(customer=world.customer), to_status=CaseStatus.RESOLVED
    )

    page = client_for(world.tenant_a).get(urlsplit(confirm_link(case)).path, HTTP_ACCEPT_LANGUAGE="en")

    assert "Ist das für Sie gelöst?" in page.content.decode()
