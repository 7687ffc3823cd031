"""Lint template content against its trigger's variables before it may be submitted.

`template_lint` is what stands between an author and the submit button: it reports parse errors
(with their line), constructs the sandbox refuses, variables the trigger does not provide, required
variables a channel leaves out, and anything that fails when rendered with the trigger's sample
data. Errors block submission and approval; warnings (an SMS past the segment budget, a character
that forces UCS-2, a missing channel) are shown but do not.
"""

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError

from apps.message_templates.rendering import CHANNEL_FIELDS, sample_context
from apps.message_templates.sandbox import (
    LOOP_ATTRIBUTES,
    TEXT_ENV,
    ForbiddenConstruct,
    TemplateRenderError,
    render_source,
)
from apps.message_templates.sms import describe_character, non_gsm_characters, sms_stats
from apps.message_templates.triggers import (
    CHANNEL_LABELS,
    CONTENT_FIELDS,
    EMAIL_HTML,
    EMAIL_SUBJECT,
    EMAIL_TEXT,
    FIELD_LABELS,
    PORTAL_TEXT,
    SMS_TEXT,
    Trigger,
    UnknownTrigger,
    trigger_for_key,
)

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class LintProblem:
    field: str
    line: int | None
    code: (
        str  # syntax, forbidden, unknown_variable, missing_required, structure, render, sms, missing_channel
    )
    message: str
    severity: str = ERROR

    @property
    def field_label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass
class _Use:
    path: str
    line: int
    printed: bool


@dataclass
class _Collector:
    """Walks a parsed template and lists the dotted paths it reads, resolving loop variables."""

    trigger: Trigger
    uses: list[_Use] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, code, message)

    def visit(self, node: nodes.Node, scope: dict[str, str | None], printed: bool = False) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.visit(child, scope, printed=True)
            return
        if isinstance(node, nodes.For):
            self._visit_for(node, scope)
            return
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            chain = _chain(node)
            if chain is not None:
                self._record(chain[0], chain[1], node.lineno, scope, printed)
                return
            if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const | nodes.Slice):
                self.problems.append((node.lineno, "forbidden", "Look values up by name, e.g. order.number."))
            elif isinstance(node, nodes.Getattr) and not _rooted_in_name(node):
                self.problems.append(
                    (
                        node.lineno,
                        "forbidden",
                        f"“.{node.attr}” is not allowed here: only variables have fields.",
                    )
                )
        elif isinstance(node, nodes.Name) and node.ctx == "load":
            self._record(node.name, [], node.lineno, scope, printed)
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope, printed)

    def _visit_for(self, node: nodes.For, scope: dict[str, str | None]) -> None:
        self.visit(node.iter, scope)
        element: str | None = None
        chain = _chain(node.iter)
        if chain is not None:
            path = self._resolve(chain[0], chain[1], scope)
            if path in self.trigger.list_paths:
                element = f"{path}[]"
        inner = {**scope, "loop": None}
        if isinstance(node.target, nodes.Name):
            inner[node.target.name] = element
        else:  # `for a, b in ...`: the parts are not tracked
            inner.update({target.name: None for target in node.target.find_all(nodes.Name)})
        for child in node.body:
            self.visit(child, inner)
        if node.test is not None:
            self.visit(node.test, inner)
        for child in node.else_:
            self.visit(child, scope)

    @staticmethod
    def _resolve(root: str, parts: list[str], scope: dict[str, str | None]) -> str | None:
        base = scope.get(root, root)
        if base is None:
            return None
        return base + "".join(part if part == "[]" else f".{part}" for part in parts)

    def _record(
        self, root: str, parts: list[str], line: int, scope: dict[str, str | None], printed: bool
    ) -> None:
        if root == "loop" and scope.get("loop", "") is None:
            if parts and parts[0] not in LOOP_ATTRIBUTES:
                self.problems.append((line, "unknown_variable", f"“loop.{parts[0]}” is not available."))
            return
        path = self._resolve(root, parts, scope)
        if path is None:
            return
        if path in self.trigger.paths:
            self.uses.append(_Use(path, line, printed))
            return
        children = sorted(p for p in self.trigger.paths if p.startswith((f"{path}.", f"{path}[]")))
        if children:
            if printed:
                listed = ", ".join(children[:4])
                self.problems.append((line, "unknown_variable", f"“{path}” is a group: use one of {listed}."))
            return
        display = path.replace("[]", "")
        suggestion = _suggest(path, self.trigger.paths)
        hint = f" Did you mean “{suggestion}”?" if suggestion else ""
        self.problems.append(
            (line, "unknown_variable", f"“{display}” is not a variable of {self.trigger.name}.{hint}")
        )


def _suggest(path: str, known: Iterable[str]) -> str | None:
    """The known path sharing the longest prefix with a typo (then the most similar), if close enough."""

    def score(candidate: str) -> tuple[int, float]:
        shorter = min(len(path), len(candidate))
        prefix = next((i for i in range(shorter) if path[i] != candidate[i]), shorter)
        return prefix, difflib.SequenceMatcher(a=path, b=candidate).ratio()

    best = max(sorted(known), key=score, default=None)
    return best if best is not None and score(best)[1] >= 0.6 else None


def _chain(node: nodes.Node) -> tuple[str, list[str]] | None:
    """`order.items[0].name` -> ("order", ["items", "[]", "name"]); None when not a plain lookup."""
    parts: list[str] = []
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        if isinstance(node, nodes.Getattr):
            parts.insert(0, node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            parts.insert(0, node.arg.value)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, int):
            parts.insert(0, "[]")
        else:
            return None
        node = node.node
    if isinstance(node, nodes.Name):
        return node.name, parts
    return None


def _rooted_in_name(node: nodes.Node) -> bool:
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        node = node.node
    return isinstance(node, nodes.Name)


def _lint_field(trigger: Trigger, field_name: str, source: str) -> list[LintProblem]:
    try:
        parsed = TEXT_ENV.parse(source)
    except ForbiddenConstruct as exc:
        return [LintProblem(field_name, exc.lineno, "forbidden", exc.message or str(exc))]
    except TemplateSyntaxError as exc:
        return [LintProblem(field_name, exc.lineno, "syntax", exc.message or str(exc))]
    collector = _Collector(trigger)
    collector.visit(parsed, {})
    problems = [LintProblem(field_name, line, code, message) for line, code, message in collector.problems]
    printed = {use.path for use in collector.uses if use.printed}
    for variable in trigger.required_in(field_name):
        if variable.name not in printed:
            problems.append(
                LintProblem(
                    field_name,
                    None,
                    "missing_required",
                    f"{trigger.name} must include {{{{ {variable.name} }}}} "
                    f"({variable.description.rstrip('.')}).",
                )
            )
    return problems


def _structure_problems(trigger: Trigger, content: Mapping[str, str]) -> list[LintProblem]:
    problems = []
    filled = {name for name in CONTENT_FIELDS if content.get(name, "").strip()}
    if not filled - {EMAIL_SUBJECT}:
        problems.append(LintProblem(EMAIL_TEXT, None, "structure", "Write at least one channel's message."))
    if EMAIL_TEXT in filled and EMAIL_SUBJECT not in filled:
        problems.append(LintProblem(EMAIL_SUBJECT, None, "structure", "An email needs a subject."))
    if EMAIL_HTML in filled and EMAIL_TEXT not in filled:
        problems.append(
            LintProblem(
                EMAIL_TEXT, None, "structure", "Write a text version too: some mail clients show only text."
            )
        )
    if PORTAL_TEXT in filled and EMAIL_SUBJECT not in filled:
        problems.append(
            LintProblem(EMAIL_SUBJECT, None, "structure", "Portal messages use the subject as title.")
        )
    if "\n" in content.get(EMAIL_SUBJECT, "").strip():
        problems.append(LintProblem(EMAIL_SUBJECT, None, "structure", "The subject must be one line."))
    if not trigger.is_reply:
        for channel, fields in CHANNEL_FIELDS.items():
            if fields[0] not in filled:
                problems.append(
                    LintProblem(
                        fields[0],
                        None,
                        "missing_channel",
                        f"No {CHANNEL_LABELS[channel]} variant: customers who prefer "
                        f"{CHANNEL_LABELS[channel]} get this message on their next channel.",
                        WARNING,
                    )
                )
    return problems


def sms_max_segments() -> int:
    return settings.SMS_MAX_SEGMENTS


def sms_segment_problems(text: str) -> list[LintProblem]:
    """A warning when the rendered SMS costs more segments than the budget."""
    stats = sms_stats(text)
    limit = sms_max_segments()
    if stats.segments <= limit:
        return []
    return [
        LintProblem(
            SMS_TEXT,
            None,
            "sms",
            f"With sample data this SMS is {stats.segments} segments ({stats.length} characters, "
            f"{stats.encoding}); the budget is {limit}.",
            WARNING,
        )
    ]


def sms_encoding_problems(source: str) -> list[LintProblem]:
    """A warning when the SMS text itself holds a character that forces UCS-2 (and doubles the cost)."""
    odd = non_gsm_characters(source)
    if not odd:
        return []
    listed = ", ".join(describe_character(char) for char in odd[:5])
    return [
        LintProblem(
            SMS_TEXT,
            None,
            "sms",
            f"{listed} {'is' if len(odd) == 1 else 'are'} not in the GSM-7 alphabet, so the SMS is "
            "sent as UCS-2: 70 characters a segment instead of 160.",
            WARNING,
        )
    ]


def template_lint(*, key: str, content: Mapping[str, str], locale: str = "en") -> list[LintProblem]:
    """Every problem with the content for template `key`, errors first."""
    try:
        trigger = trigger_for_key(key)
    except UnknownTrigger:
        return [LintProblem(EMAIL_TEXT, None, "structure", f"“{key}” is not a known trigger.")]
    problems = _structure_problems(trigger, content)
    clean_fields = []
    for name in CONTENT_FIELDS:
        source = content.get(name, "")
        if not source.strip():
            continue
        field_problems = _lint_field(trigger, name, source)
        problems.extend(field_problems)
        if name == SMS_TEXT:
            problems.extend(sms_encoding_problems(source))
        if not any(p.is_error for p in field_problems):
            clean_fields.append(name)
    context = sample_context(trigger, locale)
    for name in clean_fields:
        try:
            rendered = render_source(content[name], context, html=name == EMAIL_HTML)
        except TemplateRenderError as exc:
            problems.append(LintProblem(name, None, "render", f"Fails with sample data: {exc}"))
            continue
        if name == SMS_TEXT:
            problems.extend(sms_segment_problems(rendered.strip()))
    return sorted(problems, key=lambda p: (not p.is_error, CONTENT_FIELDS.index(p.field), p.line or 0))


def blocking_problems(problems: Iterable[LintProblem]) -> list[LintProblem]:
    return [p for p in problems if p.is_error]
