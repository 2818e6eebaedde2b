"""asr: offline voice commands. Audio in, text and intents out, on the user's own machine."""

from asr.errors import ASRError
from asr.runtime import Recognizer, Transcript

__all__ = ["ASRError", "Recognizer", "Transcript"]
__version__ = "0.1.0"
