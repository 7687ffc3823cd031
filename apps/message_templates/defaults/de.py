"""German default templates (formal “Sie”). SMS: GSM-7 only (umlauts and ß are in it; German quotes and dashes are not)."""

# The messages are prose: a sentence per source line reads better than wraps at 110 columns.
# ruff: noqa: E501

from apps.message_templates.defaults import Buttons, Chrome, Details, Items, Letter, P

CHROME = Chrome(
    lang="de",
    greeting="Guten Tag {{ customer.full_name }},",
    contact=(
        "Fragen? Antworten Sie einfach auf diese Nachricht"
        "{% if company.support_phone %} oder rufen Sie uns an: {{ company.support_phone }}{% endif %}."
    ),
    sign_off="Freundliche Grüße\nIhr Team von {{ company.name }}",
    reply_sign_off="Freundliche Grüße\n{% if agent.name %}{{ agent.name }}, {% endif %}{{ company.name }}",
    footer=(
        "Sie erhalten diese Nachricht als Kundin oder Kunde von {{ company.name }}. "
        "[[Wählen Sie, wie wir Sie kontaktieren|links.preferences]]."
    ),
)

GOODBYE = "Vielen Dank und auf Wiederhören."

LETTERS = {
    "order.confirmed": Letter(
        subject="Vielen Dank für Ihre Bestellung {{ order.number }}",
        blocks=(
            P(
                "vielen Dank für Ihre Bestellung. Sie ist bei uns eingegangen, und wir bereiten sie für Sie vor."
            ),
            Details(
                (
                    ("Bestellnummer", "{{ order.number }}"),
                    ("Bestelldatum", "{{ order.date }}", "order.date"),
                    ("Gesamtbetrag", "{{ order.total }}"),
                    ("Voraussichtliche Lieferung", "{{ order.expected_date }}", "order.expected_date"),
                )
            ),
            Items("Ihre Bestellung", "Artikel", "Menge", "Preis"),
            P("Sobald Ihre Bestellung unterwegs ist, geben wir Ihnen Bescheid."),
            Buttons((("Bestellung ansehen", "links.order"),)),
        ),
        sms=(
            "{{ company.name }}: Danke für Ihre Bestellung {{ order.number }}. Gesamtbetrag {{ order.total }}. "
            "Wir melden uns, sobald sie versandt ist. {{ links.order }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, dies ist ein automatischer Anruf von {{ company.name }}. "
            "Vielen Dank für Ihre Bestellung mit der Nummer {{ order.number|spell }}. "
            "Der Gesamtbetrag ist {{ order.total }}. "
            "{% if order.expected_date %}Wir liefern voraussichtlich am {{ order.expected_date }}. {% endif %}"
            "Die Einzelheiten haben wir Ihnen auch schriftlich geschickt. " + GOODBYE
        ),
    ),
    "order.processing_delayed": Letter(
        subject="Ihre Bestellung {{ order.number }} wird noch bearbeitet",
        blocks=(
            P(
                "die Bearbeitung Ihrer Bestellung {{ order.number }} dauert etwas länger als üblich. "
                "Wir kümmern uns darum; Sie müssen nichts weiter tun."
            ),
            P("Spätestens am {{ order.update_expected_by }} erhalten Sie von uns eine neue Nachricht."),
            P(
                "Nach heutigem Stand liefern wir weiterhin voraussichtlich am {{ order.expected_date }}.",
                when="order.expected_date",
            ),
            Details(
                (
                    ("Bestellnummer", "{{ order.number }}"),
                    ("Nächste Information bis", "{{ order.update_expected_by }}"),
                )
            ),
            Buttons((("Bestellung ansehen", "links.order"),)),
            P("Vielen Dank für Ihre Geduld."),
        ),
        sms=(
            "{{ company.name }}: Die Bearbeitung Ihrer Bestellung {{ order.number }} dauert länger als üblich. "
            "Nächste Info bis {{ order.update_expected_by }}. {{ links.order }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, dies ist ein automatischer Anruf von {{ company.name }} "
            "zu Ihrer Bestellung {{ order.number|spell }}. Die Bearbeitung dauert etwas länger als üblich. "
            "Spätestens am {{ order.update_expected_by }} melden wir uns wieder. "
            "Vielen Dank für Ihre Geduld und auf Wiederhören."
        ),
    ),
    "order.shipped": Letter(
        subject="Ihre Bestellung {{ order.number }} ist unterwegs",
        blocks=(
            P("gute Nachrichten: Ihre Bestellung {{ order.number }} wurde mit {{ order.carrier }} versandt."),
            P(
                "Sie kommt voraussichtlich am {{ order.expected_date }} bei Ihnen an.",
                when="order.expected_date",
            ),
            Details(
                (
                    ("Versanddienstleister", "{{ order.carrier }}"),
                    ("Sendungsnummer", "{{ order.tracking_number }}"),
                    ("Voraussichtliche Lieferung", "{{ order.expected_date }}", "order.expected_date"),
                )
            ),
            Buttons((("Sendung verfolgen", "order.tracking_url"), ("Bestellung ansehen", "links.order"))),
            P("Es kann einige Stunden dauern, bis der Versanddienstleister den ersten Status anzeigt."),
        ),
        sms=(
            "{{ company.name }}: Ihre Bestellung {{ order.number }} ist mit {{ order.carrier }} unterwegs. "
            "Sendungsnr. {{ order.tracking_number }}: {{ order.tracking_url }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, dies ist ein automatischer Anruf von {{ company.name }}. "
            "Ihre Bestellung {{ order.number|spell }} wurde versandt"
            "{% if order.carrier %}, mit {{ order.carrier }}{% endif %}. "
            "Ihre Sendungsnummer lautet {{ order.tracking_number|spell }}. "
            "Ich wiederhole: {{ order.tracking_number|spell }}. "
            "{% if order.expected_date %}Die Lieferung kommt voraussichtlich am {{ order.expected_date }}. {% endif %}"
            "Den Link zur Sendungsverfolgung haben wir Ihnen geschickt. " + GOODBYE
        ),
    ),
    "order.delivered": Letter(
        subject="Ihre Bestellung {{ order.number }} wurde zugestellt",
        blocks=(
            P(
                "Ihre Bestellung {{ order.number }} wurde zugestellt"
                "{% if order.delivered_at %} ({{ order.delivered_at }}){% endif %}."
            ),
            P("Hinweis des Versanddienstleisters: {{ order.delivery_note }}.", when="order.delivery_note"),
            P(
                "Fehlt etwas, ist etwas beschädigt oder finden Sie das Paket nicht? Antworten Sie auf diese "
                "Nachricht, und wir kümmern uns darum."
            ),
            Buttons((("Bestellung ansehen", "links.order"),)),
            P("Wir wünschen Ihnen viel Freude mit Ihrem Einkauf."),
        ),
        sms=(
            "{{ company.name }}: Ihre Bestellung {{ order.number }} wurde zugestellt."
            "{% if order.delivery_note %} {{ order.delivery_note }}.{% endif %}"
            " Stimmt etwas nicht? Antworten Sie auf diese SMS. {{ links.order }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, dies ist ein automatischer Anruf von {{ company.name }}. "
            "Ihre Bestellung {{ order.number|spell }} wurde zugestellt. "
            "{% if order.delivery_note %}Hinweis des Versanddienstleisters: {{ order.delivery_note }}. {% endif %}"
            "Wenn mit Ihrer Lieferung etwas nicht stimmt, antworten Sie bitte auf unsere Nachricht"
            "{% if company.support_phone %} oder rufen Sie uns an unter {{ company.support_phone }}{% endif %}. "
            + GOODBYE
        ),
    ),
    "order.delayed": Letter(
        subject="Ihre Bestellung {{ order.number }} verzögert sich: neuer Liefertermin",
        blocks=(
            P(
                "es tut uns leid: Ihre Bestellung {{ order.number }} verzögert sich, weil {{ order.delay_reason }}."
            ),
            P(
                "Der neue voraussichtliche Liefertermin ist {{ order.new_expected_date }}"
                "{% if order.previous_expected_date %} (bisher {{ order.previous_expected_date }}){% endif %}."
            ),
            Details(
                (
                    ("Bestellnummer", "{{ order.number }}"),
                    ("Neuer Liefertermin", "{{ order.new_expected_date }}"),
                )
            ),
            P(
                "Sie müssen nichts tun. Passt Ihnen der neue Termin nicht, antworten Sie auf diese Nachricht, "
                "und wir besprechen gemeinsam Ihre Möglichkeiten."
            ),
            Buttons((("Bestellung ansehen", "links.order"),)),
            P("Bitte entschuldigen Sie die Unannehmlichkeiten. Wir halten Sie auf dem Laufenden."),
        ),
        sms=(
            "{{ company.name }}: Ihre Bestellung {{ order.number }} verzögert sich leider, weil "
            "{{ order.delay_reason }}. Neuer Liefertermin: {{ order.new_expected_date }}. {{ links.order }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, dies ist ein automatischer Anruf von {{ company.name }}. "
            "Es tut uns leid: Ihre Bestellung {{ order.number|spell }} verzögert sich, weil {{ order.delay_reason }}. "
            "Der neue voraussichtliche Liefertermin ist {{ order.new_expected_date }}. "
            "Wenn Ihnen dieser Termin nicht passt, antworten Sie bitte auf unsere Nachricht. "
            "Bitte entschuldigen Sie die Unannehmlichkeiten. Auf Wiederhören."
        ),
    ),
    "case.acknowledged": Letter(
        subject="Wir haben Ihre Anfrage erhalten ({{ case.reference }})",
        blocks=(
            P(
                "vielen Dank für Ihre Nachricht. Wir haben Ihre Anfrage"
                "{% if case.subject %} „{{ case.subject }}“{% endif %} erhalten und unter der Vorgangsnummer "
                "{{ case.reference }} erfasst."
            ),
            P("Unsere erste Einschätzung: {{ case.initial_assessment }}."),
            P(
                "Wir rechnen mit einer Lösung bis {{ case.expected_resolution }}. "
                "Sollte sich daran etwas ändern, informieren wir Sie."
            ),
            Details(
                (
                    ("Vorgangsnummer", "{{ case.reference }}"),
                    ("Voraussichtliche Lösung", "{{ case.expected_resolution }}"),
                )
            ),
            Buttons((("Vorgang verfolgen", "links.case"),)),
            P("Bitte geben Sie die Vorgangsnummer {{ case.reference }} an, wenn Sie uns dazu kontaktieren."),
        ),
        sms=(
            "{{ company.name }}: Ihre Anfrage ist eingegangen, Vorgang {{ case.reference }}. "
            "Erste Einschätzung: {{ case.initial_assessment }}. "
            "Lösung bis {{ case.expected_resolution }}. {{ links.case }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, dies ist ein automatischer Anruf von {{ company.name }}. "
            "Wir haben Ihre Anfrage erhalten. Ihre Vorgangsnummer lautet {{ case.reference|spell }}. "
            "Unsere erste Einschätzung: {{ case.initial_assessment }}. "
            "Wir rechnen mit einer Lösung bis {{ case.expected_resolution }}. "
            "Ich wiederhole Ihre Vorgangsnummer: {{ case.reference|spell }}. " + GOODBYE
        ),
    ),
    "case.status_update": Letter(
        subject="Neuigkeiten zu Ihrem Vorgang {{ case.reference }}",
        blocks=(
            P(
                "hier der aktuelle Stand zu Ihrem Vorgang {{ case.reference }}"
                "{% if case.subject %} („{{ case.subject }}“){% endif %}: {{ case.update }}."
            ),
            P(
                "Es dauert länger als geplant, weil {{ case.delay_reason }}.",
                when="case.delay_reason",
            ),
            P("Als Nächstes: {{ case.next_steps }}.", when="case.next_steps"),
            Details(
                (
                    ("Vorgangsnummer", "{{ case.reference }}"),
                    ("Status", "{{ case.status }}", "case.status"),
                    ("Voraussichtliche Lösung", "{{ case.expected_resolution }}", "case.expected_resolution"),
                )
            ),
            Buttons((("Vorgang ansehen", "links.case"),)),
            P("Haben Sie Fragen oder möchten Sie etwas ergänzen? Antworten Sie einfach auf diese Nachricht."),
        ),
        sms=(
            "{{ company.name }}: Neues zu Vorgang {{ case.reference }}: {{ case.update }}."
            "{% if case.expected_resolution %} Lösung bis {{ case.expected_resolution }}.{% endif %}"
            " {{ links.case }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, dies ist ein automatischer Anruf von {{ company.name }} "
            "mit Neuigkeiten zu Ihrem Vorgang {{ case.reference|spell }}: {{ case.update }}. "
            "{% if case.delay_reason %}Es dauert länger als geplant, weil {{ case.delay_reason }}. {% endif %}"
            "{% if case.next_steps %}Als Nächstes: {{ case.next_steps }}. {% endif %}"
            "{% if case.expected_resolution %}Wir rechnen mit einer Lösung bis {{ case.expected_resolution }}. "
            "{% endif %}" + GOODBYE
        ),
    ),
    "case.delayed": Letter(
        subject="Ihr Vorgang {{ case.reference }} dauert länger als geplant",
        blocks=(
            P(
                "es tut uns leid: Ihr Vorgang {{ case.reference }}"
                "{% if case.subject %} („{{ case.subject }}“){% endif %} dauert länger als angekündigt, "
                "weil {{ case.delay_reason }}."
            ),
            P("Was das für Sie bedeutet: {{ case.delay_impact }}.", when="case.delay_impact"),
            P(
                "Wir rechnen jetzt mit einer Lösung bis {{ case.expected_resolution }}. "
                "Sollte sich daran etwas ändern, melden wir uns."
            ),
            Details(
                (
                    ("Vorgangsnummer", "{{ case.reference }}"),
                    ("Neue voraussichtliche Lösung", "{{ case.expected_resolution }}"),
                )
            ),
            Buttons((("Vorgang ansehen", "links.case"),)),
            P("Haben Sie Fragen oder möchten Sie etwas ergänzen? Antworten Sie einfach auf diese Nachricht."),
        ),
        sms=(
            "{{ company.name }}: Vorgang {{ case.reference }} verzögert sich, weil {{ case.delay_reason }}. "
            "Neue voraussichtliche Lösung: {{ case.expected_resolution }}. {{ links.case }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, dies ist ein automatischer Anruf von {{ company.name }} "
            "zu Ihrem Vorgang {{ case.reference|spell }}. Es tut uns leid: Er dauert länger als angekündigt, "
            "weil {{ case.delay_reason }}. "
            "{% if case.delay_impact %}Was das für Sie bedeutet: {{ case.delay_impact }}. {% endif %}"
            "Wir rechnen jetzt mit einer Lösung bis {{ case.expected_resolution }}. " + GOODBYE
        ),
    ),
    "case.handoff": Letter(
        subject="Ihr Vorgang {{ case.reference }} liegt jetzt bei unserem Team {{ case.team }}",
        blocks=(
            P(
                "wir haben Ihren Vorgang {{ case.reference }} an unser Team {{ case.team }} übergeben"
                "{% if case.handoff_reason %}, weil {{ case.handoff_reason }}{% endif %}."
            ),
            P("Sie müssen nichts tun: Das Team kennt den bisherigen Verlauf und macht direkt weiter."),
            P(
                "Wir rechnen weiterhin mit einer Lösung bis {{ case.expected_resolution }}.",
                when="case.expected_resolution",
            ),
            Buttons((("Vorgang ansehen", "links.case"),)),
            P(
                "Ihre Vorgangsnummer bleibt gleich. Antworten Sie auf diese Nachricht, wenn Sie etwas ergänzen möchten."
            ),
        ),
        sms=(
            "{{ company.name }}: Ihr Vorgang {{ case.reference }} liegt jetzt bei unserem Team {{ case.team }}, "
            "das direkt weitermacht. Sie müssen nichts tun. {{ links.case }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, dies ist ein automatischer Anruf von {{ company.name }}. "
            "Ihr Vorgang {{ case.reference|spell }} liegt jetzt bei unserem Team {{ case.team }}, "
            "das direkt weitermacht. Sie müssen nichts tun. " + GOODBYE
        ),
    ),
    "case.resolved": Letter(
        subject="Ihr Vorgang {{ case.reference }} ist gelöst: Passt alles?",
        blocks=(
            P(
                "wir haben Ihren Vorgang {{ case.reference }}"
                "{% if case.subject %} („{{ case.subject }}“){% endif %} abgeschlossen."
            ),
            P("Das haben wir getan: {{ case.resolution_summary }}."),
            P("Ist Ihr Anliegen damit gelöst? Bitte geben Sie uns mit einem Klick Bescheid:"),
            Buttons(
                (("Ja, gelöst", "links.confirm_solved"), ("Nein, ich brauche noch Hilfe", "links.not_solved"))
            ),
            P(
                "Hören wir innerhalb von {{ case.auto_close_days }} Tagen nichts von Ihnen, schließen wir den "
                "Vorgang. Mit einer Antwort auf diese Nachricht können Sie ihn wieder öffnen.",
                when="case.auto_close_days",
            ),
            P(
                "Wie zufrieden waren Sie mit uns? Die Bewertung dauert keine Minute und hilft uns, besser zu werden."
            ),
            Buttons((("Service bewerten", "links.csat"),)),
        ),
        sms=(
            "{{ company.name }}: Vorgang {{ case.reference }} ist gelöst. Passt alles? "
            "Ja: {{ links.confirm_solved }} Nein: {{ links.not_solved }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, dies ist ein automatischer Anruf von {{ company.name }}. "
            "Wir haben Ihren Vorgang {{ case.reference|spell }} gelöst. Das haben wir getan: "
            "{{ case.resolution_summary }}. Wir haben Ihnen eine Nachricht geschickt, in der Sie bestätigen können, "
            "ob Ihr Anliegen damit gelöst ist. " + GOODBYE
        ),
    ),
    "case.closed": Letter(
        subject="Ihr Vorgang {{ case.reference }} ist abgeschlossen",
        blocks=(
            P(
                "vielen Dank für Ihre Bestätigung, dass Ihr Anliegen gelöst ist. "
                "Wir haben Ihren Vorgang {{ case.reference }} geschlossen.",
                when="case.closed_because == 'confirmed'",
            ),
            P(
                "da wir seit der Lösung nichts mehr von Ihnen gehört haben, haben wir Ihren Vorgang "
                "{{ case.reference }} geschlossen.",
                when="case.closed_because == 'no_response'",
            ),
            P(
                "wir haben Ihren Vorgang {{ case.reference }} geschlossen.",
                when="case.closed_because not in ['confirmed', 'no_response']",
            ),
            P(
                "Tritt das Problem erneut auf, antworten Sie"
                "{% if case.reopen_days %} innerhalb von {{ case.reopen_days }} Tagen{% endif %} auf diese Nachricht, "
                "und wir öffnen den Vorgang wieder."
            ),
            P("Wie zufrieden waren Sie mit uns? Die Bewertung dauert keine Minute.", when="links.csat"),
            Buttons((("Service bewerten", "links.csat"),), when="links.csat"),
            P("Vielen Dank, dass Sie Kundin oder Kunde von {{ company.name }} sind."),
        ),
        sms=(
            "{{ company.name }}: Ihr Vorgang {{ case.reference }} ist abgeschlossen. Danke für Ihre Nachricht. "
            "Problem wieder da? Antworten Sie oder besuchen Sie {{ links.case }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, dies ist ein automatischer Anruf von {{ company.name }}. "
            "Ihr Vorgang {{ case.reference|spell }} ist abgeschlossen. Tritt das Problem erneut auf, antworten Sie "
            "auf unsere Nachricht, und wir öffnen ihn wieder. " + GOODBYE
        ),
    ),
    "customer.welcome": Letter(
        subject="Willkommen bei {{ company.name }}",
        blocks=(
            P("willkommen bei {{ company.name }}, und vielen Dank für Ihr Vertrauen."),
            P(
                "In Ihrem Kundenportal verfolgen Sie Ihre Bestellungen und Anfragen, schreiben uns eine Nachricht "
                "und legen fest, wie wir Sie informieren: per E-Mail, SMS, Anruf oder im Portal."
            ),
            Buttons((("Zum Kundenportal", "links.portal"),)),
            P("So erreichen Sie uns, wann immer Sie uns brauchen:"),
            Details(
                (
                    ("E-Mail", "{{ company.support_email }}", "company.support_email"),
                    ("Telefon", "{{ company.support_phone }}", "company.support_phone"),
                    ("Online", "{{ links.portal }}"),
                )
            ),
            P(
                "Ihre Kontakteinstellungen können Sie jederzeit ändern: [[Ihre Einstellungen|links.preferences]].",
                when="links.preferences",
            ),
        ),
        sms=(
            "Willkommen bei {{ company.name }}! Fragen? Antworten Sie auf diese SMS"
            "{% if company.support_phone %}, rufen Sie {{ company.support_phone }} an{% endif %}"
            " oder besuchen Sie {{ links.portal }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, und willkommen bei {{ company.name }}. "
            "Vielen Dank für Ihr Vertrauen. "
            "{% if company.support_phone %}Sie erreichen uns jederzeit unter {{ company.support_phone }}. {% endif %}"
            "Wir haben Ihnen eine Nachricht mit dem Link zu Ihrem Kundenportal geschickt. Dort verfolgen Sie "
            "Ihre Bestellungen und Anfragen und legen fest, wie wir Sie kontaktieren. " + GOODBYE
        ),
    ),
    "reply.request_information": Letter(
        subject="Ihr Vorgang {{ case.reference }}: Wir brauchen noch ein paar Angaben",
        blocks=(
            P(
                "vielen Dank für Ihre Nachricht zu Vorgang {{ case.reference }}. "
                "Damit wir Ihnen schnell helfen können, brauchen wir noch ein paar Angaben."
            ),
            P(
                "Könnten Sie uns alles schicken, was weiterhilft, zum Beispiel Ihre Bestellnummer, "
                "Fotos des Artikels oder die betreffenden Daten?"
            ),
            P("Sobald uns die Angaben vorliegen, bearbeiten wir Ihren Vorgang weiter."),
            Buttons((("Vorgang ansehen", "links.case"),)),
        ),
        sms=(
            "{{ company.name }}: Zu Ihrem Vorgang {{ case.reference }} brauchen wir noch ein paar Angaben. "
            "Bitte antworten Sie auf diese SMS oder besuchen Sie {{ links.case }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, hier ist {{ company.name }} zu Ihrem Vorgang "
            "{{ case.reference|spell }}. Damit wir Ihnen helfen können, brauchen wir noch ein paar Angaben. "
            "Bitte antworten Sie auf die Nachricht, die wir Ihnen geschickt haben. " + GOODBYE
        ),
    ),
    "reply.still_working": Letter(
        subject="Ihr Vorgang {{ case.reference }}: Wir sind dran",
        blocks=(
            P(
                "vielen Dank für Ihre Geduld. Wir arbeiten weiter an Ihrem Vorgang {{ case.reference }}"
                "{% if case.subject %} („{{ case.subject }}“){% endif %}."
            ),
            P("Es dauert etwas länger als erhofft, aber wir haben Ihr Anliegen nicht vergessen."),
            P(
                "Wir rechnen mit einer Lösung bis {{ case.expected_resolution }}.",
                when="case.expected_resolution",
            ),
            P("Sobald es Neuigkeiten gibt, melden wir uns. Bis dahin müssen Sie nichts tun."),
            Buttons((("Vorgang ansehen", "links.case"),)),
        ),
        sms=(
            "{{ company.name }}: Wir arbeiten weiter an Ihrem Vorgang {{ case.reference }} und melden uns, "
            "sobald es Neuigkeiten gibt. {{ links.case }}"
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, hier ist {{ company.name }} zu Ihrem Vorgang "
            "{{ case.reference|spell }}. Wir arbeiten weiter daran und melden uns, sobald es Neuigkeiten gibt. "
            + GOODBYE
        ),
    ),
    "reply.feedback_response": Letter(
        subject="Vielen Dank für Ihre Rückmeldung ({{ case.reference }})",
        blocks=(
            P(
                "vielen Dank, dass Sie sich die Zeit genommen haben, uns von Ihrer Erfahrung zu berichten. "
                "Es tut uns leid, dass wir Ihre Erwartungen nicht erfüllt haben."
            ),
            P(
                "Wir nehmen Ihre Rückmeldung ernst. Wir haben sie als Vorgang {{ case.reference }} erfasst, "
                "und das zuständige Team prüft, was schiefgelaufen ist."
            ),
            P(
                "Innerhalb eines Werktags teilen wir Ihnen mit, was wir tun, um es wiedergutzumachen und "
                "damit es nicht wieder vorkommt."
            ),
            Buttons((("Vorgang ansehen", "links.case"),)),
        ),
        sms=(
            "{{ company.name }}: Danke für Ihre Rückmeldung. Es tut uns leid. Wir haben sie als Vorgang "
            "{{ case.reference }} erfasst und melden uns innerhalb eines Werktags mit unseren Maßnahmen."
        ),
        voice=(
            "Guten Tag {{ customer.full_name }}, hier ist {{ company.name }}. Vielen Dank für Ihre Rückmeldung, "
            "und es tut uns leid, dass wir Ihre Erwartungen nicht erfüllt haben. Wir haben sie als Vorgang "
            "{{ case.reference|spell }} erfasst und melden uns innerhalb eines Werktags mit unseren Maßnahmen. "
            + GOODBYE
        ),
    ),
}
