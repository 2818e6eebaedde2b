"""Audio to intent in one object: the recognizer searches the active context's sentences, the
context's parser reads the one it heard, and a calibrated threshold rejects what is not a command.

    commands = CommandRecognizer(Recognizer(), active_grammar("coffee.yaml"))
    heard = commands.hear("order.wav", reference_time(None, None))
    print(heard.intent.name, heard.intent.slots)       # orderDrink {'size': 'large', ...}
    print(json.dumps(heard.to_dict()))                 # the JSON line of `asr transcribe --json`

This is the only place where a transcript becomes an intent; `asr transcribe`, `asr listen`,
`asr serve` and the Python API all go through it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from asr.commands.grammar import Grammar
from asr.commands.intents import understand
from asr.commands.requests import INTENTS as REQUESTS
from asr.commands.requests import Intent
from asr.runtime import Recognizer, Transcript


@dataclass
class Heard:
    """One utterance, decoded and understood."""

    transcript: Transcript
    intent: Intent  # intent.name is None when nothing was understood, with intent.reason saying why
    started_at: str = ""  # wall-clock ISO times of a live utterance (`asr listen`)
    ended_at: str = ""
    action: str = ""  # what was done about it (a reminder stored, a ringing alarm stopped)

    def to_dict(self) -> dict:
        """The JSON line: the transcript's fields, the intent (None when rejected) and why not."""
        line = {**self.transcript.to_dict(), "intent": self.intent.to_dict() if self.intent.name else None}
        if self.started_at:
            line["started_at"], line["ended_at"] = self.started_at, self.ended_at
        if self.intent.reason:
            line["reason"] = self.intent.reason
        if self.action:
            line["action"] = self.action
        return line


class CommandRecognizer:
    """A recognizer that hears the sentences of a grammar (asr.commands.intents.active_grammar).

    threshold: the command confidence below which an intent is rejected, in [0, 1] (None: the
    one calibrated for the model when it was exported, `Recognizer.command_threshold`).
    """

    def __init__(self, recognizer: Recognizer, grammar: Grammar, threshold: float | None = None):
        self.recognizer, self.grammar = recognizer, grammar
        self.threshold = recognizer.command_threshold if threshold is None else threshold
        # A phone model's free transcript is words of a lexicon (its bigram graph); a letter model's is spelled.
        self.open_words = recognizer.info.units == "phones"
        self._commands = recognizer.commands(grammar)

    def transcribe(self, source: str | os.PathLike | np.ndarray) -> Transcript:
        """A file or a (samples,) float32 array at the model's rate -> the free transcript and the
        grammar's best sentence (Recognizer.transcribe)."""
        return self.recognizer.transcribe(source, self._commands)

    def hear(self, source: str | os.PathLike | np.ndarray, now: datetime) -> Heard:
        """A file or a (samples,) float32 array at the model's rate, taken as one utterance -> what
        was said and meant. `now`: the aware reference time for "tomorrow at nine"."""
        transcript = self.transcribe(source)
        return Heard(transcript, self.intent_of(transcript, now))

    def utterances(self, source: str | os.PathLike | np.ndarray, now: datetime) -> list[Heard]:
        """Every utterance of a recording (speech between pauses), each heard on its own; a
        recording without speech gives one empty Heard."""
        transcripts = self.recognizer.utterances(source, self._commands) or [self.transcribe(source)]
        return [Heard(t, self.intent_of(t, now)) for t in transcripts]

    def intent_of(self, transcript: Transcript, now: datetime) -> Intent:
        """A transcript of this recognizer -> its intent, or none when the grammar's best sentence is
        too unlikely next to the free transcript (out-of-grammar speech, noise).

        The grammar holds the sentences its authors imagined; people ask for reminders, timers and
        alarms in many more. When no allowed sentence fits, the free transcript goes to the same
        robust parser, and a built-in request found there is the answer."""
        confidence = transcript.command_confidence
        if transcript.command_text is not None and confidence >= self.threshold:
            command = understand(transcript.command_text, self.grammar, now, confidence)
            # A phone model's open words (its bigram graph) hear a built-in request's free-text task
            # better than the grammar's word loop: when both say the same request, the open words'
            # reading wins (4 points more Kokoro commands exact; BENCHMARKS.md). A letter model's
            # open transcript is spelled, so its grammar sentence stays.
            if not (self.open_words and command.name in REQUESTS):
                return command
            heard = understand(transcript.text, self.grammar, now, confidence)
            return heard if heard.name == command.name else command
        heard = understand(transcript.text, self.grammar, now, transcript.confidence)
        if heard.name in REQUESTS:
            return heard
        if transcript.command_text is None:
            return Intent(None, text=transcript.text, confidence=0.0, reason="no sentence of the active context fits")
        return Intent(
            None,
            text=transcript.text,
            confidence=confidence,
            reason=f"rejected: confidence {confidence:.2f} is below the threshold {self.threshold:.2f}",
        )
