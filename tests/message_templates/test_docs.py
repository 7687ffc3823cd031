"""docs/templates.md stays in step with the trigger registry."""

from pathlib import Path

from django.conf import settings

from apps.message_templates.triggers import TRIGGERS

DOC = (Path(settings.BASE_DIR) / "docs" / "templates.md").read_text()


def test_the_page_describes_every_trigger_and_variable():
    missing = [
        f"{key}: {variable.name}"
        for key, trigger in TRIGGERS.items()
        for variable in trigger.variables
        if f"`{key}`" not in DOC or variable.name not in DOC
    ]
    assert missing == []
