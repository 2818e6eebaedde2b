"""asr: offline voice commands. Audio in, text and intents out, on the user's own machine."""

from asr.errors import ASRError

__all__ = ["ASRError"]
__version__ = "0.1.0"
