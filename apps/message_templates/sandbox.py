"""The template engine: Jinja2, sandboxed down to plain data.

Template authors are tenant staff, and what they write runs on our servers for every message, so
the engine grants only what a message needs:

- Values are plain data (dicts, lists, strings, numbers, booleans, None); `prepare_context` refuses
  anything else, so no model, queryset, request or settings object is ever reachable.
- `a.b` and `a["b"]` only look up keys of dicts (and indexes of lists); every attribute access on
  any object raises `SecurityError` - no `__class__`, no methods, no `loop.cycle`. Keys starting
  with `_` are refused too.
- No globals at all (Jinja's `range`, `dict`, `lipsum`, `cycler`, `joiner`, `namespace` are gone)
  and no function calls; filters come from a short allowlist (no `safe`, `attr`, `format`, `center`).
- No loader, and the tags that would use one are refused at parse time: `include`, `import`,
  `from`, `extends`, `block`; so are `macro`, `call`, `set` and `with`.
- Bounded cost: no `**`, `*` and `%` only between numbers (no `"x" * 10**9`, no `"%999999999s"`),
  at most two nested loops (over data the event supplies), and rendering stops once the output
  passes `MAX_OUTPUT_CHARS`.

HTML fields render with autoescaping; text fields (email text, SMS, voice, portal) do not, as they
are never interpreted as markup.
"""

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils import dateformat, translation
from django.utils import timezone as dj_timezone
from jinja2 import nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError
from jinja2.filters import FILTERS
from jinja2.runtime import LoopContext, StrictUndefined, Undefined
from jinja2.sandbox import SandboxedEnvironment

MAX_SOURCE_CHARS = 50_000
MAX_OUTPUT_CHARS = 100_000
MAX_LOOP_DEPTH = 2
PLAIN_SCALARS = (str, int, float, Decimal, bool, type(None))

LOOP_ATTRIBUTES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0"}
)

FORBIDDEN_NODES: dict[type[nodes.Node], str] = {
    nodes.Include: "{% include %} is not allowed: a template cannot load other templates.",
    nodes.Import: "{% import %} is not allowed: a template cannot load other templates.",
    nodes.FromImport: "{% from … import %} is not allowed: a template cannot load other templates.",
    nodes.Extends: "{% extends %} is not allowed: a template cannot load other templates.",
    nodes.Block: "{% block %} is not allowed: templates do not inherit.",
    nodes.Macro: "{% macro %} is not allowed.",
    nodes.CallBlock: "{% call %} is not allowed.",
    nodes.Assign: "{% set %} is not allowed: use the variables the trigger provides.",
    nodes.AssignBlock: "{% set %} is not allowed: use the variables the trigger provides.",
    nodes.With: "{% with %} is not allowed: use the variables the trigger provides.",
    nodes.Call: "Function calls are not allowed: use filters such as {{ name|upper }}.",
    nodes.Pow: "The ** operator is not allowed.",
    nodes.NSRef: "Namespaces are not allowed.",
    nodes.ExprStmt: "{% do %} is not allowed.",
}

SAFE_FILTERS = [
    *("abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "int", "join"),
    *("last", "length", "list", "lower", "max", "min", "replace", "round", "sort", "string"),
    *("striptags", "sum", "title", "trim", "truncate", "unique", "upper", "urlencode", "wordcount"),
]


class ForbiddenConstruct(TemplateSyntaxError):
    """A construct the sandbox refuses at parse time (a tag, a call, an operator)."""


class TemplateRenderError(ValueError):
    """Rendering failed: a missing value, a refused access, or output past the size limit."""


class MissingValue(StrictUndefined):
    """A variable the context lacks: printing it fails loudly, but `{% if x %}` and `|default` work.

    A message with a blank where the tracking number should be is worse than no message, so output
    of a missing value is an error; optional variables are tested with `if` or given a `default`.
    """

    __slots__ = ()

    def __bool__(self) -> bool:
        return False


def _spell(value: Any) -> str:
    """Space out characters so text-to-speech reads a reference letter by letter: C 2 4 0 0 4 1 7."""
    return " ".join(str(value).replace("-", "").replace(" ", ""))


def _bounded_replace(value: Any, old: Any, new: Any, count: int | None = None) -> str:
    """`replace` that refuses a result past the output limit (chained replaces grow geometrically)."""
    text, old, new = str(value), str(old), str(new)
    if old and len(text) + text.count(old) * (len(new) - len(old)) > MAX_OUTPUT_CHARS:
        raise SecurityError("replace would produce an oversized result")
    return text.replace(old, new, -1 if count is None else int(count))


def _check_nodes(template: nodes.Template) -> None:
    for node in template.find_all(tuple(FORBIDDEN_NODES)):
        raise ForbiddenConstruct(FORBIDDEN_NODES[type(node)], node.lineno)
    for node in template.find_all(nodes.Name):
        if node.name == "self":  # Jinja's reference to the template object itself
            raise ForbiddenConstruct("“self” is not available in templates.", node.lineno)

    def depth(node: nodes.Node, level: int) -> None:
        for child in node.iter_child_nodes():
            inner = level + 1 if isinstance(child, nodes.For) else level
            if inner > MAX_LOOP_DEPTH:
                raise ForbiddenConstruct(f"Loops may be nested at most {MAX_LOOP_DEPTH} deep.", child.lineno)
            depth(child, inner)

    depth(template, 0)


class PlainDataEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "%"})

    def __init__(self, *, autoescape: bool) -> None:
        super().__init__(
            autoescape=autoescape,
            undefined=MissingValue,
            finalize=lambda value: "" if value is None else value,
            trim_blocks=True,
            lstrip_blocks=True,
            loader=None,
            extensions=(),
        )
        self.globals.clear()
        self.filters = {name: FILTERS[name] for name in SAFE_FILTERS}
        self.filters["replace"] = _bounded_replace
        self.filters["spell"] = _spell

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        if len(source) > MAX_SOURCE_CHARS:
            raise ForbiddenConstruct(f"A template may be at most {MAX_SOURCE_CHARS} characters.", 1)
        template = super()._parse(source, name, filename)
        _check_nodes(template)
        return template

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, LoopContext) and attribute in LOOP_ATTRIBUTES:
            return getattr(obj, attribute)
        return self._lookup(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, slice) and isinstance(obj, str | list | tuple):
            return obj[argument]
        if isinstance(argument, int) and not isinstance(argument, bool) and isinstance(obj, list | tuple):
            try:
                return obj[argument]
            except IndexError:
                return self.undefined(obj=obj, name=str(argument))
        return self._lookup(obj, argument)

    def _lookup(self, obj: Any, key: Any) -> Any:
        if isinstance(key, str) and key.startswith("_"):
            raise SecurityError(f"“{key}” is not accessible in templates.")
        if isinstance(obj, Undefined):
            return self.undefined(
                hint=f"“{obj._undefined_name}.{key}” is undefined", name=f"{obj._undefined_name}.{key}"
            )
        if isinstance(obj, dict) and isinstance(key, str):
            if key in obj:
                return obj[key]
            return self.undefined(hint=f"the data has no value for “{key}”", name=key)
        raise SecurityError(f"“.{key}” is not allowed here: only variables of the trigger can be used.")

    def call(self, context: Any, obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise SecurityError("Function calls are not allowed in templates.")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        numbers = (int, float, Decimal)
        if not (isinstance(left, numbers) and isinstance(right, numbers)):
            raise SecurityError(f"The {operator} operator works on numbers only.")
        return self.binop_table[operator](left, right)


TEXT_ENV = PlainDataEnvironment(autoescape=False)
HTML_ENV = PlainDataEnvironment(autoescape=True)


@lru_cache(maxsize=2048)
def compile_source(source: str, *, html: bool) -> Any:
    """Compile once per distinct source; versions are immutable, so their sources repeat."""
    return (HTML_ENV if html else TEXT_ENV).from_string(source)


def _format_value(value: Any, locale: str, zone: Any) -> Any:
    if isinstance(value, datetime):
        local = dj_timezone.localtime(value, zone) if dj_timezone.is_aware(value) else value
        with translation.override(locale):
            pattern = "l, j. F Y, H:i \\U\\h\\r" if locale.startswith("de") else "l, j F Y, H:i"
            return dateformat.format(local, pattern)
    if isinstance(value, date):
        with translation.override(locale):
            return dateformat.format(value, "l, j. F Y" if locale.startswith("de") else "l, j F Y")
    return value


def prepare_context(context: dict[str, Any], *, locale: str, zone: Any) -> dict[str, Any]:
    """Check that the context is plain data and format its dates for the locale and time zone.

    Raises TypeError for anything else (a model instance, a queryset, a function), so a caller can
    never hand the template an object whose attributes lead elsewhere.
    """

    def convert(value: Any, path: str) -> Any:
        if isinstance(value, dict):
            for key in value:
                if not isinstance(key, str):
                    raise TypeError(f"Template context keys must be strings ({path}).")
            return {key: convert(item, f"{path}.{key}") for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [convert(item, f"{path}[]") for item in value]
        if isinstance(value, date):
            return _format_value(value, locale, zone)
        if isinstance(value, PLAIN_SCALARS):
            if isinstance(value, Decimal) and not value.is_finite():
                raise TypeError(f"{path} is not a finite number.")
            return value
        raise TypeError(f"{path.lstrip('.')} is a {type(value).__name__}; templates take plain data only.")

    return convert(context, "")


def render_source(source: str, context: dict[str, Any], *, html: bool) -> str:
    """Render one field. Raises TemplateRenderError with a message fit to show to staff."""
    if not source.strip():
        return ""
    try:
        template = compile_source(source, html=html)
        chunks: Iterator[str] = template.generate(context)
        parts, size = [], 0
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateRenderError(
                    f"The rendered message is longer than {MAX_OUTPUT_CHARS} characters."
                )
            parts.append(chunk)
    except TemplateRenderError:
        raise
    except TemplateSyntaxError as exc:
        raise TemplateRenderError(f"Line {exc.lineno}: {exc.message}") from exc
    except SecurityError as exc:
        raise TemplateRenderError(f"Refused by the sandbox: {exc}") from exc
    except TemplateError as exc:  # UndefinedError: a value the context does not have
        raise TemplateRenderError(str(exc)) from exc
    except (ArithmeticError, TypeError, ValueError, LookupError) as exc:
        raise TemplateRenderError(f"{type(exc).__name__}: {exc}") from exc
    return "".join(parts)
