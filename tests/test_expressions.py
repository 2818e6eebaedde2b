"""asr.commands.expressions: Rhino's expression syntax into syntax trees."""

import pytest

from asr.commands.expressions import Choice, ContextError, Macro, Slot, Word, parse_expression


def test_choices_slots_and_macros_become_nodes():
    nodes = parse_expression("[I want, give me] (a) $drink:drink @please", "<t>")
    assert nodes == (
        Choice(((Word("i"), Word("want")), (Word("give"), Word("me"))), optional=False),
        Choice(((Word("a"),),), optional=True),
        Slot("drink", "drink"),
        Macro("please"),
    )


@pytest.mark.parametrize(
    "text, message",
    [
        ("[a, b", "missing ']'"),
        ("a ]", "unexpected ']'"),
        ("[a, ]", "an empty alternative"),
        ("", "empty expression"),
        ("caf\u00e9", "cannot spell"),
    ],
)
def test_bad_expressions_name_where_and_what(text, message):
    with pytest.raises(ContextError, match=message):
        parse_expression(text, "<t>:3")
