"""English default templates. SMS: GSM-7 only (straight quotes, plain hyphens), at most two segments."""

# The messages are prose: a sentence per source line reads better than wraps at 110 columns.
# ruff: noqa: E501

from apps.message_templates.defaults import Buttons, Chrome, Details, Items, Letter, P

CHROME = Chrome(
    lang="en",
    greeting="Hello {{ customer.first_name }},",
    contact=(
        "Questions? Simply reply to this message"
        "{% if company.support_phone %} or call us on {{ company.support_phone }}{% endif %}."
    ),
    sign_off="Kind regards,\nThe {{ company.name }} team",
    reply_sign_off="Kind regards,\n{% if agent.name %}{{ agent.name }}, {% endif %}{{ company.name }}",
    footer=(
        "You are receiving this message because you are a customer of {{ company.name }}. "
        "[[Choose how we contact you|links.preferences]]."
    ),
)

GOODBYE = "Thank you, and goodbye."

LETTERS = {
    "order.confirmed": Letter(
        subject="Thank you for your order {{ order.number }}",
        blocks=(
            P("Thank you for your order. We have received it and are getting it ready for you."),
            Details(
                (
                    ("Order number", "{{ order.number }}"),
                    ("Order date", "{{ order.date }}", "order.date"),
                    ("Total", "{{ order.total }}"),
                    ("Estimated delivery", "{{ order.expected_date }}", "order.expected_date"),
                )
            ),
            Items("Your order", "Item", "Qty", "Price"),
            P("We will let you know as soon as your order is on its way."),
            Buttons((("View your order", "links.order"),)),
        ),
        sms=(
            "{{ company.name }}: Thank you for your order {{ order.number }}, {{ customer.first_name }}. "
            "Total {{ order.total }}. We'll text you when it ships. {{ links.order }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is an automated call from {{ company.name }}. "
            "Thank you for your order, number {{ order.number|spell }}. The total is {{ order.total }}. "
            "{% if order.expected_date %}We expect to deliver it on {{ order.expected_date }}. {% endif %}"
            "We have sent you the details in writing as well. " + GOODBYE
        ),
    ),
    "order.processing_delayed": Letter(
        subject="Your order {{ order.number }} is still being processed",
        blocks=(
            P(
                "Your order {{ order.number }} is taking a little longer to process than usual. "
                "It is in hand, and there is nothing you need to do."
            ),
            P("We will send you an update by {{ order.update_expected_by }} at the latest."),
            P(
                "Based on what we know now, we still expect to deliver it on {{ order.expected_date }}.",
                when="order.expected_date",
            ),
            Details(
                (
                    ("Order number", "{{ order.number }}"),
                    ("Next update by", "{{ order.update_expected_by }}"),
                )
            ),
            Buttons((("View your order", "links.order"),)),
            P("Thank you for your patience."),
        ),
        sms=(
            "{{ company.name }}: Your order {{ order.number }} is taking longer to process than usual. "
            "We'll update you by {{ order.update_expected_by }}. {{ links.order }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is an automated call from {{ company.name }} "
            "about your order {{ order.number|spell }}. It is taking a little longer to process than usual. "
            "We will update you again by {{ order.update_expected_by }}. Thank you for your patience, and goodbye."
        ),
    ),
    "order.shipped": Letter(
        subject="Your order {{ order.number }} is on its way",
        blocks=(
            P("Good news: your order {{ order.number }} has shipped with {{ order.carrier }}."),
            P("It should arrive on {{ order.expected_date }}.", when="order.expected_date"),
            Details(
                (
                    ("Carrier", "{{ order.carrier }}"),
                    ("Tracking number", "{{ order.tracking_number }}"),
                    ("Estimated delivery", "{{ order.expected_date }}", "order.expected_date"),
                )
            ),
            Buttons((("Track your parcel", "order.tracking_url"), ("View your order", "links.order"))),
            P("It can take a few hours until the carrier shows the first tracking update."),
        ),
        sms=(
            "{{ company.name }}: Your order {{ order.number }} has shipped with {{ order.carrier }}. "
            "Tracking no. {{ order.tracking_number }}: {{ order.tracking_url }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is an automated call from {{ company.name }}. "
            "Your order {{ order.number|spell }} has shipped{% if order.carrier %} with {{ order.carrier }}{% endif %}. "
            "Your tracking number is {{ order.tracking_number|spell }}. "
            "Once more, the tracking number is {{ order.tracking_number|spell }}. "
            "{% if order.expected_date %}It should arrive on {{ order.expected_date }}. {% endif %}"
            "We have also sent you a tracking link. " + GOODBYE
        ),
    ),
    "order.delivered": Letter(
        subject="Your order {{ order.number }} has been delivered",
        blocks=(
            P(
                "Your order {{ order.number }} has been delivered"
                "{% if order.delivered_at %} ({{ order.delivered_at }}){% endif %}."
            ),
            P("The carrier noted: {{ order.delivery_note }}.", when="order.delivery_note"),
            P(
                "If anything is missing or damaged, or you cannot find the parcel, reply to this message "
                "and we will sort it out."
            ),
            Buttons((("View your order", "links.order"),)),
            P("We hope you enjoy your purchase."),
        ),
        sms=(
            "{{ company.name }}: Your order {{ order.number }} has been delivered."
            "{% if order.delivery_note %} {{ order.delivery_note }}.{% endif %}"
            " Something wrong? Reply to this text. {{ links.order }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is an automated call from {{ company.name }}. "
            "Your order {{ order.number|spell }} has been delivered. "
            "{% if order.delivery_note %}The carrier noted: {{ order.delivery_note }}. {% endif %}"
            "If anything is wrong with your delivery, please reply to our message"
            "{% if company.support_phone %} or call us on {{ company.support_phone }}{% endif %}. " + GOODBYE
        ),
    ),
    "order.delayed": Letter(
        subject="Your order {{ order.number }} is delayed: new delivery date",
        blocks=(
            P("We are sorry: your order {{ order.number }} is delayed because {{ order.delay_reason }}."),
            P(
                "Your new estimated delivery date is {{ order.new_expected_date }}"
                "{% if order.previous_expected_date %} (previously {{ order.previous_expected_date }}){% endif %}."
            ),
            Details(
                (
                    ("Order number", "{{ order.number }}"),
                    ("New delivery date", "{{ order.new_expected_date }}"),
                )
            ),
            P(
                "You do not need to do anything. If the new date does not work for you, reply to this message "
                "and we will go through your options together."
            ),
            Buttons((("View your order", "links.order"),)),
            P("We apologise for the inconvenience and will keep you posted."),
        ),
        sms=(
            "{{ company.name }}: Sorry, your order {{ order.number }} is delayed because {{ order.delay_reason }}. "
            "New delivery date: {{ order.new_expected_date }}. {{ links.order }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is an automated call from {{ company.name }}. "
            "We are sorry: your order {{ order.number|spell }} is delayed because {{ order.delay_reason }}. "
            "The new estimated delivery date is {{ order.new_expected_date }}. "
            "If that date does not work for you, please reply to our message and we will find a solution. "
            "We apologise for the inconvenience. Goodbye."
        ),
    ),
    "case.acknowledged": Letter(
        subject="We have received your request ({{ case.reference }})",
        blocks=(
            P(
                "Thank you for contacting us. We have received your request"
                "{% if case.subject %} “{{ case.subject }}”{% endif %} and logged it as case {{ case.reference }}."
            ),
            P("Our first assessment: {{ case.initial_assessment }}."),
            P(
                "We expect to resolve it by {{ case.expected_resolution }}. If that changes, we will tell you."
            ),
            Details(
                (
                    ("Case reference", "{{ case.reference }}"),
                    ("Expected resolution", "{{ case.expected_resolution }}"),
                )
            ),
            Buttons((("Follow your case", "links.case"),)),
            P("Please quote {{ case.reference }} if you contact us about this request."),
        ),
        sms=(
            "{{ company.name }}: We've received your request, ref {{ case.reference }}. "
            "First assessment: {{ case.initial_assessment }}. "
            "Expected resolution: {{ case.expected_resolution }}. {{ links.case }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is an automated call from {{ company.name }}. "
            "We have received your request. Your case reference is {{ case.reference|spell }}. "
            "Our first assessment: {{ case.initial_assessment }}. "
            "We expect to resolve it by {{ case.expected_resolution }}. "
            "Once more, your case reference is {{ case.reference|spell }}. " + GOODBYE
        ),
    ),
    "case.status_update": Letter(
        subject="Update on your case {{ case.reference }}",
        blocks=(
            P(
                "Here is an update on your case {{ case.reference }}"
                "{% if case.subject %} (“{{ case.subject }}”){% endif %}: {{ case.update }}."
            ),
            P(
                "This is taking longer than planned because {{ case.delay_reason }}.",
                when="case.delay_reason",
            ),
            P("Next: {{ case.next_steps }}.", when="case.next_steps"),
            Details(
                (
                    ("Case reference", "{{ case.reference }}"),
                    ("Status", "{{ case.status }}", "case.status"),
                    ("Expected resolution", "{{ case.expected_resolution }}", "case.expected_resolution"),
                )
            ),
            Buttons((("View your case", "links.case"),)),
            P("If you have questions or anything to add, reply to this message."),
        ),
        sms=(
            "{{ company.name }}: Update on case {{ case.reference }}: {{ case.update }}."
            "{% if case.expected_resolution %} Expected resolution: {{ case.expected_resolution }}.{% endif %}"
            " {{ links.case }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is an automated call from {{ company.name }} "
            "with an update on your case {{ case.reference|spell }}. {{ case.update }}. "
            "{% if case.delay_reason %}This is taking longer than planned because {{ case.delay_reason }}. {% endif %}"
            "{% if case.next_steps %}Next: {{ case.next_steps }}. {% endif %}"
            "{% if case.expected_resolution %}We expect to resolve it by {{ case.expected_resolution }}. {% endif %}"
            + GOODBYE
        ),
    ),
    "case.delayed": Letter(
        subject="Your case {{ case.reference }} will take longer than planned",
        blocks=(
            P(
                "We are sorry: your case {{ case.reference }}"
                "{% if case.subject %} (“{{ case.subject }}”){% endif %} will take longer than we said, "
                "because {{ case.delay_reason }}."
            ),
            P("What this means for you: {{ case.delay_impact }}.", when="case.delay_impact"),
            P(
                "We now expect to resolve it by {{ case.expected_resolution }}. If that changes, we will tell you."
            ),
            Details(
                (
                    ("Case reference", "{{ case.reference }}"),
                    ("New expected resolution", "{{ case.expected_resolution }}"),
                )
            ),
            Buttons((("View your case", "links.case"),)),
            P("If you have questions or anything to add, reply to this message."),
        ),
        sms=(
            "{{ company.name }}: Sorry, case {{ case.reference }} is delayed because {{ case.delay_reason }}. "
            "New expected resolution: {{ case.expected_resolution }}. {{ links.case }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is an automated call from {{ company.name }} "
            "about your case {{ case.reference|spell }}. We are sorry: it will take longer than we said, "
            "because {{ case.delay_reason }}. "
            "{% if case.delay_impact %}What this means for you: {{ case.delay_impact }}. {% endif %}"
            "We now expect to resolve it by {{ case.expected_resolution }}. " + GOODBYE
        ),
    ),
    "case.handoff": Letter(
        subject="Your case {{ case.reference }} is now with our {{ case.team }} team",
        blocks=(
            P(
                "We have passed your case {{ case.reference }} to our {{ case.team }} team"
                "{% if case.handoff_reason %}, because {{ case.handoff_reason }}{% endif %}."
            ),
            P("There is nothing you need to do: they have the full history and will continue from here."),
            P(
                "We still expect to resolve it by {{ case.expected_resolution }}.",
                when="case.expected_resolution",
            ),
            Buttons((("View your case", "links.case"),)),
            P("Your case reference stays the same. Reply to this message if you want to add anything."),
        ),
        sms=(
            "{{ company.name }}: Your case {{ case.reference }} is now with our {{ case.team }} team, "
            "who will continue from here. No action needed. {{ links.case }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is an automated call from {{ company.name }}. "
            "Your case {{ case.reference|spell }} is now with our {{ case.team }} team, who will continue from here. "
            "There is nothing you need to do. " + GOODBYE
        ),
    ),
    "case.resolved": Letter(
        subject="Your case {{ case.reference }} is resolved: did this solve it?",
        blocks=(
            P(
                "We have resolved your case {{ case.reference }}"
                "{% if case.subject %} (“{{ case.subject }}”){% endif %}."
            ),
            P("What we did: {{ case.resolution_summary }}."),
            P("Did this solve your problem? Please let us know with one click:"),
            Buttons(
                (("Yes, it is solved", "links.confirm_solved"), ("No, I still need help", "links.not_solved"))
            ),
            P(
                "If we do not hear from you within {{ case.auto_close_days }} days, we will close the case. "
                "You can reopen it by replying to this message.",
                when="case.auto_close_days",
            ),
            P("How did we do? Rating your experience takes less than a minute and helps us improve."),
            Buttons((("Rate our service", "links.csat"),)),
        ),
        sms=(
            "{{ company.name }}: Case {{ case.reference }} is resolved. Is it solved for you? "
            "Yes: {{ links.confirm_solved }} No: {{ links.not_solved }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is an automated call from {{ company.name }}. "
            "We have resolved your case {{ case.reference|spell }}. What we did: {{ case.resolution_summary }}. "
            "We have sent you a message where you can confirm that this solved your problem, "
            "or tell us that it did not. " + GOODBYE
        ),
    ),
    "case.closed": Letter(
        subject="Your case {{ case.reference }} is closed",
        blocks=(
            P(
                "Thank you for confirming that your problem is solved. We have closed your case {{ case.reference }}.",
                when="case.closed_because == 'confirmed'",
            ),
            P(
                "As we have not heard from you since we resolved it, we have closed your case {{ case.reference }}.",
                when="case.closed_because == 'no_response'",
            ),
            P(
                "We have closed your case {{ case.reference }}.",
                when="case.closed_because not in ['confirmed', 'no_response']",
            ),
            P(
                "If the problem comes back, reply to this message"
                "{% if case.reopen_days %} within {{ case.reopen_days }} days{% endif %} and we will reopen the case."
            ),
            P("How did we do? Rating your experience takes less than a minute.", when="links.csat"),
            Buttons((("Rate our service", "links.csat"),), when="links.csat"),
            P("Thank you for being a customer of {{ company.name }}."),
        ),
        sms=(
            "{{ company.name }}: Your case {{ case.reference }} is now closed. Thank you for contacting us. "
            "Problem back? Reply to this text or visit {{ links.case }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is an automated call from {{ company.name }}. "
            "Your case {{ case.reference|spell }} is now closed. If the problem comes back, reply to our message "
            "and we will reopen it. Thank you for contacting us, and goodbye."
        ),
    ),
    "customer.welcome": Letter(
        subject="Welcome to {{ company.name }}",
        blocks=(
            P("Welcome to {{ company.name }}, and thank you for choosing us."),
            P(
                "In your customer portal you can follow your orders and requests, send us a message, "
                "and choose how we keep you informed: by email, text message, phone call or in the portal."
            ),
            Buttons((("Open your customer portal", "links.portal"),)),
            P("Whenever you need us, here is how to reach us:"),
            Details(
                (
                    ("Email", "{{ company.support_email }}", "company.support_email"),
                    ("Phone", "{{ company.support_phone }}", "company.support_phone"),
                    ("Online", "{{ links.portal }}"),
                )
            ),
            P(
                "You can change your contact preferences at any time: [[your preferences|links.preferences]].",
                when="links.preferences",
            ),
        ),
        sms=(
            "Welcome to {{ company.name }}, {{ customer.first_name }}! Questions? Reply to this text"
            "{% if company.support_phone %}, call {{ company.support_phone }}{% endif %} or visit {{ links.portal }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, and welcome to {{ company.name }}. Thank you for choosing us. "
            "{% if company.support_phone %}Whenever you need us, call {{ company.support_phone }}. {% endif %}"
            "We have sent you a message with a link to your customer portal, where you can follow your orders "
            "and requests and choose how we contact you. " + GOODBYE
        ),
    ),
    "reply.request_information": Letter(
        subject="Your case {{ case.reference }}: we need a little more information",
        blocks=(
            P(
                "Thank you for your message about case {{ case.reference }}. "
                "To help you as quickly as possible, we need a few more details."
            ),
            P(
                "Could you reply with anything that might help, such as your order number, "
                "photos of the item, or the dates involved?"
            ),
            P("As soon as we have them, we will continue with your case."),
            Buttons((("View your case", "links.case"),)),
        ),
        sms=(
            "{{ company.name }}: About your case {{ case.reference }} - we need a few more details to help you. "
            "Please reply to this text or visit {{ links.case }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is {{ company.name }} about your case {{ case.reference|spell }}. "
            "To help you, we need a few more details. Please reply to the message we sent you. " + GOODBYE
        ),
    ),
    "reply.still_working": Letter(
        subject="Your case {{ case.reference }}: we are still on it",
        blocks=(
            P(
                "Thank you for your patience. We are still working on your case {{ case.reference }}"
                "{% if case.subject %} (“{{ case.subject }}”){% endif %}."
            ),
            P("It is taking a little longer than we hoped, but it has not been forgotten."),
            P("We expect to resolve it by {{ case.expected_resolution }}.", when="case.expected_resolution"),
            P("We will update you as soon as there is news. You do not need to do anything in the meantime."),
            Buttons((("View your case", "links.case"),)),
        ),
        sms=(
            "{{ company.name }}: We're still working on your case {{ case.reference }} and will update you "
            "as soon as there is news. {{ links.case }}"
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is {{ company.name }} about your case {{ case.reference|spell }}. "
            "We are still working on it and will update you as soon as there is news. " + GOODBYE
        ),
    ),
    "reply.feedback_response": Letter(
        subject="Thank you for your feedback ({{ case.reference }})",
        blocks=(
            P(
                "Thank you for taking the time to tell us about your experience. We are sorry that it was not "
                "what you expected from us."
            ),
            P(
                "We take your feedback seriously. We have logged it as case {{ case.reference }}, and the team "
                "responsible is reviewing what went wrong."
            ),
            P(
                "Within one business day we will tell you what we are doing to put it right and to make sure "
                "it does not happen again."
            ),
            Buttons((("View your case", "links.case"),)),
        ),
        sms=(
            "{{ company.name }}: Thank you for your feedback. We're sorry we fell short. We've logged it as case "
            "{{ case.reference }} and will tell you within 1 business day what we're doing about it."
        ),
        voice=(
            "Hello {{ customer.first_name }}, this is {{ company.name }}. Thank you for your feedback, and we are "
            "sorry that we fell short. We have logged it as case {{ case.reference|spell }}, and within one "
            "business day we will tell you what we are doing about it. " + GOODBYE
        ),
    ),
}
