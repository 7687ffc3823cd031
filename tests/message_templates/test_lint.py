"""template_lint: parse errors, forbidden constructs, unknown and missing required variables, SMS cost."""

import pytest

from apps.message_templates.lint import blocking_problems, template_lint
from tests.message_templates.factories import default_content


def lint(key: str, **fields: str) -> list:
    content = {"email_subject": "Hello", "email_text": "Hello {{ customer.first_name }}"} | fields
    return template_lint(key=key, content=content)


def codes(problems) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in blocking_problems(problems)]


def test_default_content_is_clean():
    assert (
        blocking_problems(template_lint(key="order.shipped", content=default_content("order.shipped"))) == []
    )


def test_parse_error_is_reported_with_its_line():
    problems = lint("reply.x", email_text="Hello\n{{ customer.first_name }\nBye")
    [problem] = blocking_problems(problems)
    assert (problem.field, problem.code, problem.line) == ("email_text", "syntax", 2)


def test_unclosed_block_is_a_parse_error():
    problems = lint("reply.x", email_text="{% if case.reference %}open")
    assert codes(problems) == [("email_text", "syntax")]


def test_unknown_variable_is_named_with_a_suggestion():
    content = default_content("order.shipped")
    content["sms_text"] += " {{ order.tracking_no }}"
    [problem] = blocking_problems(template_lint(key="order.shipped", content=content))
    assert problem.code == "unknown_variable"
    assert problem.field == "sms_text"
    assert "order.tracking_no" in problem.message
    assert "order.tracking_number" in problem.message


def test_variable_of_another_trigger_is_unknown():
    problems = lint("customer.welcome", email_text="{{ order.number }} {{ links.portal }}")
    assert ("email_text", "unknown_variable") in codes(problems)


def test_printing_a_group_instead_of_a_variable_is_flagged():
    problems = lint("reply.x", email_text="{{ customer }} {{ case.reference }}")
    [problem] = blocking_problems(problems)
    assert "is a group" in problem.message


def test_missing_required_variable_is_reported_per_channel():
    content = default_content("order.delayed")
    content["sms_text"] = (
        "{{ company.name }}: Your order {{ order.number }} is late. {{ order.new_expected_date }}"
    )
    [problem] = blocking_problems(template_lint(key="order.delayed", content=content))
    assert (problem.field, problem.code) == ("sms_text", "missing_required")
    assert "order.delay_reason" in problem.message


def test_shipping_notice_must_carry_the_tracking_number():
    content = default_content("order.shipped")
    content["email_text"] = content["email_text"].replace("{{ order.tracking_number }}", "")
    assert ("email_text", "missing_required") in codes(template_lint(key="order.shipped", content=content))


def test_a_required_variable_used_only_in_a_condition_does_not_count():
    content = default_content("case.acknowledged")
    content["sms_text"] = (
        "{{ company.name }}: ref {{ case.reference }}. {{ case.expected_resolution }}"
        "{% if case.initial_assessment %}.{% endif %}"
    )
    assert ("sms_text", "missing_required") in codes(template_lint(key="case.acknowledged", content=content))


def test_voice_need_not_read_out_links():
    content = default_content("case.resolved")
    assert "links" not in content["voice_script"]
    assert blocking_problems(template_lint(key="case.resolved", content=content)) == []


def test_loop_variables_resolve_to_the_list_item_fields():
    content = default_content("order.confirmed")
    content["portal_text"] += "{% for item in order.items %}{{ item.name }} {{ item.colour }}{% endfor %}"
    [problem] = blocking_problems(template_lint(key="order.confirmed", content=content))
    assert problem.code == "unknown_variable"
    assert "order.items.colour" in problem.message


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("{{ ''.__class__ }}", "forbidden"),
        ("{% include 'x' %}", "forbidden"),
        ("{{ config }}", "unknown_variable"),
        ("{{ settings.SECRET_KEY }}", "unknown_variable"),
        ("{{ customer.first_name.__class__ }}", "unknown_variable"),
    ],
)
def test_sandbox_escapes_are_lint_errors(source, code):
    problems = lint("reply.x", email_text=f"{{{{ case.reference }}}} {source}")
    assert ("email_text", code) in codes(problems)


def test_runtime_failure_with_sample_data_is_an_error():
    problems = lint("reply.x", email_text="{{ case.reference }} {{ case.reference * 2 }}")
    assert ("email_text", "render") in codes(problems)


def test_an_email_needs_a_subject_and_something_to_say():
    assert ("email_subject", "structure") in codes(lint("reply.x", email_subject=""))
    empty = template_lint(key="reply.x", content={})
    assert ("email_text", "structure") in codes(empty)


def test_unknown_trigger_is_refused():
    assert codes(template_lint(key="order.teleported", content={"email_text": "x"})) == [
        ("email_text", "structure")
    ]


def test_sms_past_the_segment_budget_and_ucs2_are_warnings(settings):
    settings.SMS_MAX_SEGMENTS = 1
    content = default_content("case.acknowledged")
    content["sms_text"] = content["sms_text"].replace("We've", "We\u2019ve")
    problems = template_lint(key="case.acknowledged", content=content)
    sms = [p for p in problems if p.code == "sms"]
    assert len(sms) == 2
    assert all(not p.is_error for p in sms)
    assert any("budget is 1" in p.message for p in sms)
    assert any("U+2019" in p.message for p in sms)


def test_trigger_template_without_a_channel_gets_a_warning_not_an_error():
    content = default_content("order.shipped")
    content["voice_script"] = ""
    problems = template_lint(key="order.shipped", content=content)
    assert [(p.field, p.code, p.severity) for p in problems] == [
        ("voice_script", "missing_channel", "warning")
    ]
