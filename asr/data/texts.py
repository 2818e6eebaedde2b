"""What synthetic speech says: the built-in commands with thousands of everyday tasks, real requests
people wrote to assistants, Speech Commands words, digits, and sentences that are not commands.

Every text is in the model's vocabulary (a-z, space, apostrophe): typed digits and times are read
as said (asr.spoken), other symbols go, and a row that still is not English letters is left out.

- Tasks: data/phrases/tasks.txt, every verb of data/phrases/task_parts.yaml with each of its
  objects, and the tasks people wrote after "remind me to" in ../shared/data/phrasings.
- Commands: the built-in context's sentences (so each has its intent and slots), with those tasks
  and, for most, the everyday date-times and durations of data/phrases.
- Phrasings: ../shared/data/phrasings/commands.jsonl as people wrote them (many are outside
  today's context: they teach the words, and the parser of issue 27 labels them).
- Other: ../shared/data/phrasings/others.jsonl and data/phrases/non_commands.txt.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import yaml

from asr.commands.builtin import commands_context, compile_context
from asr.commands.datetimes import DateTimeError
from asr.commands.expressions import TEXT_TYPE
from asr.commands.intents import understand
from asr.commands.spoken import spoken
from asr.data.corpora import SPEECH_COMMANDS_WORDS
from asr.errors import ASRError

PHRASES = Path(__file__).resolve().parents[2] / "data" / "phrases"
REFERENCE_NOW = datetime(2026, 11, 24, 15, tzinfo=ZoneInfo("America/New_York"))  # only to label intents
SHARED_PHRASINGS = Path(os.environ.get("ASR_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
# Share of each built-in intent among the commands: the long requests most, since the words and
# digits have kinds of their own.
INTENTS = {
    "set_reminder": 0.35,
    "set_alarm": 0.15,
    "set_timer": 0.15,
    "cancel_reminder": 0.1,
    "list_reminders": 0.05,
    "command": 0.08,
    "snooze": 0.02,
    "digit": 0.1,
}
EVERYDAY_SLOTS = 0.6  # share of commands whose date-times and durations come from the everyday phrase lists
DIGITS = "zero one two three four five six seven eight nine".split()
_TASK_AFTER = re.compile(r"\bremind(?:er)?(?: me)? to (.+)")  # "... remind me to <task> [at five]"
_TASK_END = re.compile(r"\b(?:at|on|in|by|every|tomorrow|today|tonight|next|this|before|after|when)\b.*")


def lines(name: str) -> tuple[str, ...]:
    """The non-comment lines of a data/phrases list."""
    text = (PHRASES / name).read_text(encoding="utf-8")
    return tuple(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


def said(text: str) -> str | None:
    """Typed text -> the words of the vocabulary a speaker would say, or None when it is not
    English words (another script, a template leftover such as '<insert time>', nothing left)."""
    if re.search(r"[\[\]<>{}@#]", text):
        return None
    try:
        text = spoken(text)
    except DateTimeError:  # a date that reads two ways: which was meant is unknown
        return None
    text = re.sub(r"[^a-z' ]+", " ", text.replace("&", " and "))
    text = " ".join(w.strip("'") for w in text.split() if w.strip("'"))
    return text or None


def phrasing_rows(name: str, shared: str | os.PathLike | None = None) -> list[dict]:
    """The rows of a phrasings file (commands.jsonl, others.jsonl)."""
    path = Path(shared or SHARED_PHRASINGS) / "phrasings" / name
    if not path.is_file():
        raise ASRError(f"'{path}' not found; set ASR_SHARED_DATA to the folder holding phrasings/")
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@cache
def phrasings(name: str) -> tuple[str, ...]:
    """A phrasings file's sentences as said, distinct, in file order."""
    return tuple(dict.fromkeys(s for row in phrasing_rows(name) if (s := said(row["text"]))))


@cache
def tasks() -> tuple[str, ...]:
    """Every distinct everyday task, sorted."""
    parts = yaml.safe_load((PHRASES / "task_parts.yaml").read_text(encoding="utf-8"))
    found = set(lines("tasks.txt"))
    for group in parts["groups"]:
        objects = [o for name in group["objects"] for o in parts["lists"][name]]
        found |= {f"{verb} {obj}" for verb in group["verbs"] for obj in objects}
    for sentence in phrasings("commands.jsonl"):
        if m := _TASK_AFTER.search(sentence):
            task = _TASK_END.sub("", m[1]).strip()
            if 1 <= len(task.split()) <= 6:
                found.add(task)
    return tuple(sorted(t for t in (said(t) for t in found) if t and _reads_back(t)))


def _reads_back(task: str) -> bool:
    """Whether "remind me to <task> tomorrow at nine" parses back to the same task: a task that
    holds a date-time or a request of its own ("notify me one hour") would teach wrong labels."""
    heard = understand(f"remind me to {task} tomorrow at nine", grammar(), REFERENCE_NOW)
    return heard.name == "set_reminder" and heard.slots["task"] == task


@cache
def grammar():
    return compile_context(commands_context())


def command(rng: np.random.Generator) -> str:
    """A built-in command's sentence: its intent drawn by INTENTS, its task from tasks(), its
    date-time or duration from the everyday lists (EVERYDAY_SLOTS of the time) or the slot grammar."""
    phrases = {TEXT_TYPE: tasks()}
    if rng.random() < EVERYDAY_SLOTS:
        phrases |= {"asr.DateTime": lines("datetimes.txt"), "asr.Duration": lines("durations.txt")}
    intent = list(INTENTS)[rng.choice(len(INTENTS), p=list(INTENTS.values()))]
    return grammar().sample(rng, intent, phrases)


def text(kind: str, rng: np.random.Generator) -> str:
    """A sentence of one kind: command, phrasing, word, digits or other."""
    if kind == "command":
        return command(rng)
    if kind == "phrasing":
        pool = phrasings("commands.jsonl")
    elif kind == "word":
        pool = SPEECH_COMMANDS_WORDS
    elif kind == "digits":
        return " ".join(DIGITS[d] for d in rng.integers(10, size=rng.integers(1, 4)))
    elif kind == "other":
        pool = lines("non_commands.txt") + phrasings("others.jsonl")
    else:
        raise ValueError(f"unknown kind of text {kind!r}")
    return pool[rng.integers(len(pool))]


def lm_sentences(manifests=(), commands: int = 20_000, seed: int = 0) -> list[str]:
    """The text of the open-vocabulary language model (asr.lm): transcripts of training speech
    (manifests: never a dev set's), the phrasings people wrote, the non-commands, every everyday
    task, `commands` built-in command sentences, the Speech Commands words and digit strings."""
    from asr.data.manifest import read_manifest

    rng = np.random.default_rng(seed)
    found = [u.text for path in manifests for u in read_manifest(path)]
    found += [*phrasings("commands.jsonl"), *phrasings("others.jsonl"), *lines("non_commands.txt"), *tasks()]
    found += [command(rng) for _ in range(commands)]
    found += [*SPEECH_COMMANDS_WORDS, *(text("digits", rng) for _ in range(1000))]
    return found
