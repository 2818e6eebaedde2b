"""asr: offline voice commands. Audio in, text and intents out, on the user's own machine.

    import asr
    commands = asr.CommandRecognizer(asr.Recognizer(), asr.active_grammar("coffee.yaml"))
    heard = commands.hear("order.wav", asr.reference_time(None, None))
    heard.intent.name, heard.intent.slots

The public API (docs/api.md): Recognizer and Transcript (the torch-free runtime), CommandRecognizer
and Heard (audio to intent), active_grammar and understand (contexts, typed text to Intent),
reference_time, ReminderStore, ASRError. All but the runtime load on first use.
"""

from importlib import import_module

from asr.errors import ASRError
from asr.runtime import Recognizer, Transcript

__version__ = "0.1.0"
_LAZY = {
    "CommandRecognizer": "asr.app.hear",
    "Heard": "asr.app.hear",
    "active_grammar": "asr.commands.intents",
    "understand": "asr.commands.intents",
    "Intent": "asr.commands.requests",
    "reference_time": "asr.commands.datetimes",
    "ReminderStore": "asr.app.store",
}
__all__ = ["ASRError", "Recognizer", "Transcript", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'asr' has no attribute {name!r}")
