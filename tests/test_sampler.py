"""asr.commands.sampler: random sentences of a context, reproducible from the generator."""

import numpy as np

from asr.commands.context import load_context
from asr.commands.expressions import TEXT_TYPE
from asr.commands.sampler import Sampler

CONTEXT = load_context(
    'context:\n  expressions:\n    note:\n      - "(please) note $asr.Text:text @when"\n'
    "  macros:\n    when: [today, tomorrow]\n",
    "<test>",
)


def test_samples_follow_the_expression_and_take_the_phrases_given():
    sample = lambda seed: Sampler(CONTEXT, None, np.random.default_rng(seed), {TEXT_TYPE: ("buy milk",)}).nodes(
        CONTEXT.expressions["note"][0][0]
    )
    sentences = {" ".join(sample(seed)) for seed in range(40)}
    assert sentences == {f"{p}note buy milk {w}" for p in ("", "please ") for w in ("today", "tomorrow")}
    assert sample(7) == sample(7)
