"""asr.commands.context: Rhino YAML read into syntax trees, errors that name the line, contexts merged."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from asr.commands.builtin import compile_context
from asr.commands.context import ContextError, load_context
from asr.commands.intents import active_grammar

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.parametrize(
    "text, message",
    [
        (
            'context:\n  expressions:\n    order:\n      - "$drinks:drink"\n  slots:\n    drink: [tea]\n',
            "<test>:4: unknown slot type 'drinks'",
        ),
        ('context:\n  expressions:\n    order:\n      - "[tea, coffee"\n', "<test>:4: missing ']'"),
        ('context:\n  expressions:\n    order:\n      - "two 2 tea"\n', "<test>:4: '2' has characters"),
        ('context:\n  expressions:\n    order:\n      - "@nope tea"\n', "<test>:4: unknown macro '@nope'"),
        ("context:\n  expressions:\n    order: [tea]\n  words: [r2d2]\n", "<test>:4: 'r2d2' has characters"),
        (
            'context:\n  expressions:\n    order: [tea]\n  words:\n    - "$drink:drink"\n',
            "<test>:5: 'words:' takes plain words",
        ),
        ("context:\n  expresions:\n    order: [tea]\n", "unknown key(s) ['expresions']"),
        ("context:\n  expressions:\n    order: [tea\n", "<test>:4: not valid YAML"),
        ("intents: []\n", "no top-level 'context:' key"),
        ("", "empty"),
    ],
)
def test_context_errors_name_the_line(text, message):
    with pytest.raises(ContextError) as error:
        compile_context(load_context(text, "<test>"))
    assert message in str(error.value)


def test_user_context_cannot_redefine_builtin_intents(tmp_path):
    path = tmp_path / "clash.yaml"
    path.write_text("context:\n  expressions:\n    set_timer: [tea]\n")
    with pytest.raises(ContextError, match="already exist in the built-in context"):
        active_grammar(path)
