"""The template sandbox: plain data only; attributes, globals, loaders and costly constructs refused."""

from decimal import Decimal

import pytest
from django.conf import settings

from apps.message_templates.sandbox import (
    MAX_OUTPUT_CHARS,
    TemplateRenderError,
    prepare_context,
    render_source,
)
from apps.tenants.models import Tenant

CONTEXT = {"customer": {"first_name": "Emma"}, "x": "text", "items": [{"name": "Jumper"}, {"name": "Socks"}]}


def render(source: str, context: dict | None = None, *, html: bool = False) -> str:
    return render_source(source, CONTEXT if context is None else context, html=html)


def test_plain_dict_lookups_render():
    assert render("Hello {{ customer.first_name }}, {{ customer['first_name'] }}") == "Hello Emma, Emma"


def test_loops_over_lists_with_loop_counters_render():
    assert render("{% for i in items %}{{ loop.index }}. {{ i.name }} {% endfor %}") == "1. Jumper 2. Socks "


@pytest.mark.parametrize(
    "source",
    [
        "{{ x.__class__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ x['__class__'] }}",
        "{{ customer.__class__.__init__.__globals__ }}",
        "{{ items.__len__ }}",
        "{{ x.upper }}",
        "{{ items.pop }}",
        "{{ customer.items }}",
        "{{ loop.cycle }}",
    ],
)
def test_attribute_access_is_refused(source):
    with pytest.raises(TemplateRenderError):
        render(source)


@pytest.mark.parametrize(
    "source",
    [
        "{{ config }}",
        "{{ settings.SECRET_KEY }}",
        "{{ request.user }}",
        "{{ self }}",
        "{{ cycler }}",
        "{{ joiner }}",
        "{{ namespace }}",
        "{{ lipsum }}",
        "{{ range }}",
        "{{ dict }}",
    ],
)
def test_nothing_outside_the_context_is_reachable(source):
    with pytest.raises(TemplateRenderError):
        render(source)


@pytest.mark.parametrize(
    "source",
    [
        "{% include 'base.html' %}",
        "{% import 'macros.html' as m %}",
        "{% from 'macros.html' import x %}",
        "{% extends 'base.html' %}",
        "{% block body %}{% endblock %}",
        "{% macro m() %}{% endmacro %}",
        "{% set x = 1 %}",
        "{% with a = 1 %}{% endwith %}",
        "{{ cycler('a', 'b').next() }}",
        "{{ joiner() }}",
        "{{ namespace(a=1) }}",
        "{{ x.upper() }}",
        "{{ range(10**9)|length }}",
        "{{ 10**10**10 }}",
    ],
)
def test_loader_tags_calls_and_power_are_refused_at_parse_time(source):
    with pytest.raises(TemplateRenderError, match="not allowed"):
        render(source)


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'a' * 1000000000 }}",
        "{{ items * 100000000 }}",
        "{{ '%999999999s' % x }}",
        "{{ x|replace('t', 'tttttttttt')|replace('t', 'tttttttttt')|replace('t', 'tttttttttt')"
        "|replace('t', 'tttttttttt')|replace('t', 'tttttttttt')|replace('t', 'tttttttttt') }}",
    ],
)
def test_constructs_that_would_exhaust_memory_are_refused(source):
    with pytest.raises(TemplateRenderError):
        render(source)


def test_loops_nest_at_most_two_deep():
    three = (
        "{% for a in items %}{% for b in items %}{% for c in items %}.{% endfor %}{% endfor %}{% endfor %}"
    )
    with pytest.raises(TemplateRenderError, match="nested at most 2"):
        render(three)
    assert render("{% for a in items %}{% for b in items %}.{% endfor %}{% endfor %}") == "...."


def test_output_is_cut_off_at_the_size_limit():
    big = {"items": ["x" * 1000] * 200}
    with pytest.raises(TemplateRenderError, match="longer than"):
        render("{% for a in items %}{% for b in items %}{{ b }}{% endfor %}{% endfor %}", big)
    assert MAX_OUTPUT_CHARS < 200 * 200 * 1000


@pytest.mark.parametrize("name", ["safe", "attr", "format", "center", "indent", "wordwrap", "xmlattr", "map"])
def test_filters_outside_the_allowlist_do_not_exist(name):
    with pytest.raises(TemplateRenderError):
        render(f"{{{{ x|{name} }}}}")


def test_numbers_multiply_and_safe_filters_work():
    assert (
        render("{{ 3 * 4 }} {{ x|upper }} {{ x|default('-') }} {{ missing|default('n/a') }}")
        == "12 TEXT text n/a"
    )


def test_spell_filter_spaces_out_a_reference_for_text_to_speech():
    assert render("{{ ref|spell }}", {"ref": "C-24-00417"}) == "C 2 4 0 0 4 1 7"


def test_missing_value_fails_loudly_when_printed_but_tests_false():
    with pytest.raises(TemplateRenderError, match="tracking_url"):
        render("{{ order.tracking_url }}", {"order": {}})
    assert render("{% if order.tracking_url %}yes{% else %}no{% endif %}", {"order": {}}) == "no"


def test_none_prints_as_empty():
    assert render("[{{ note }}]", {"note": None}) == "[]"


def test_html_fields_are_autoescaped_and_text_fields_are_not():
    value = {"name": "<script>alert('x')</script> & \"quotes\""}
    assert render("<p>{{ name }}</p>", value, html=True) == (
        "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quotes&#34;</p>"
    )
    assert render("{{ name }}", value) == "<script>alert('x')</script> & \"quotes\""


def test_html_attributes_cannot_be_broken_out_of():
    rendered = render('<a href="{{ url }}">x</a>', {"url": '" onclick="steal()'}, html=True)
    assert rendered == '<a href="&#34; onclick=&#34;steal()">x</a>'


@pytest.mark.django_db
def test_model_instances_and_settings_are_refused_as_context():
    with pytest.raises(TypeError, match="plain data only"):
        prepare_context({"tenant": Tenant(slug="x")}, locale="en", zone=None)
    with pytest.raises(TypeError, match="plain data only"):
        prepare_context({"settings": settings}, locale="en", zone=None)
    with pytest.raises(TypeError, match="plain data only"):
        prepare_context({"f": print}, locale="en", zone=None)


def test_plain_values_pass_and_dates_are_formatted_for_the_locale():
    import datetime
    import zoneinfo

    zone = zoneinfo.ZoneInfo("Europe/Berlin")
    data = {
        "when": datetime.date(2026, 6, 12),
        "at": datetime.datetime(2026, 6, 12, 15, 30, tzinfo=datetime.UTC),
        "n": Decimal("1.50"),
        "list": [1, "a", None, True],
    }
    assert prepare_context(data, locale="en", zone=zone) == {
        "when": "Friday, 12 June 2026",
        "at": "Friday, 12 June 2026, 17:30",
        "n": Decimal("1.50"),
        "list": [1, "a", None, True],
    }
    german = prepare_context(data, locale="de", zone=zone)
    assert german["when"] == "Freitag, 12. Juni 2026"
    assert german["at"] == "Freitag, 12. Juni 2026, 17:30 Uhr"
