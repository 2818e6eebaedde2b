"""One command spoken by every synthesizer voice (espeak-ng variants, flite, festival), each at
its default rate, understood through the built-in context: how many voices give the intent with
every slot exact, with the task decoded from the word list and, for comparison, letter by letter.

    python benchmarks/sentence_voices.py [--model asr/models/default.onnx] [--text "..."]

Held-out voices (`asr data synth`'s dev speakers) are counted apart: the others were trained on.
"""

import argparse
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from asr.app.hear import CommandRecognizer
from asr.audio import load_audio
from asr.commands.builtin import commands_context, compile_context, types_context
from asr.commands.grammar import Grammar
from asr.commands.intents import understand
from asr.data.synth import held_out, speak, voices
from asr.runtime import Recognizer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="asr/models/default.onnx")
    parser.add_argument("--text", default="set a reminder to call mom tomorrow at nine")
    args = parser.parse_args()

    now = datetime(2026, 11, 24, 15, tzinfo=ZoneInfo("America/New_York"))
    grammar = compile_context(commands_context())
    want = understand(args.text, grammar, now)
    searches = {"word list": grammar, "letters": Grammar(commands_context(), types_context())}
    recognizer = Recognizer(args.model)
    recognizers = {name: CommandRecognizer(recognizer, g) for name, g in searches.items()}
    exact = {(name, dev): 0 for name in searches for dev in (False, True)}
    with tempfile.TemporaryDirectory() as tmp:
        said = Path(tmp) / "said.wav"
        for voice in voices():
            speak(voice, args.text, said)  # the engine's default rate and pitch
            audio = load_audio(said)  # resampled to 16 kHz mono as it is read
            heard = []
            for name, recognizer in recognizers.items():
                got = recognizer.hear(audio, now).intent
                right = (got.name, got.slots) == (want.name, want.slots)
                exact[name, held_out(voice)] += right
                heard.append(f"{name}: {'exact' if right else got.text or got.reason}")
            print(f"{voice.engine} {voice.name}{' (held out)' if held_out(voice) else ''} | " + " | ".join(heard))
    n_held = sum(map(held_out, voices()))
    for name in searches:
        print(
            f"{name}: {exact[name, False] + exact[name, True]} of {len(voices())} voices exact, "
            f"{exact[name, True]} of the {n_held} held out"
        )


if __name__ == "__main__":
    main()
