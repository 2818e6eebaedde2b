"""A Wyoming server: speech to text and text to intent for Home Assistant and other voice
assistants that speak the Wyoming protocol (the `wyoming` package).

    asr serve --uri tcp://127.0.0.1:10300 [--context coffee.yaml]

- describe -> info: an asr program and an intent program, English, the context's intents.
- transcribe, audio-start, audio-chunk..., audio-stop -> transcript (any rate, width and channels:
  converted to 16 kHz 16-bit mono as they come).
- recognize {text} -> intent {name, entities: the slots} or not-recognized {text: the reason}.

Each client is its own handler; decoding runs in a thread pool so that many clients are served
at once. A client that sends something that is not an event, an event out of order or too much
audio gets an error event or is dropped; the server goes on.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioChunkConverter, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event, async_read_event
from wyoming.info import AsrModel, AsrProgram, Attribution, Describe, Info, IntentModel, IntentProgram
from wyoming.intent import Entity, NotRecognized, Recognize
from wyoming.intent import Intent as WyomingIntent
from wyoming.server import AsyncEventHandler, AsyncServer

import asr
from asr.app.hear import CommandRecognizer, Heard
from asr.audio import SAMPLE_RATE
from asr.commands.datetimes import reference_time
from asr.commands.intents import understand

MAX_AUDIO_S = 60.0  # one utterance; more is an error, not a growing buffer
ATTRIBUTION = Attribution(name="asr", url="https://pypi.org/project/asr/")


@dataclass
class Service:
    """What every client shares: the command recognizer (its active context) and the decoding threads."""

    commands: CommandRecognizer
    tz: str | None = None
    pool: ThreadPoolExecutor | None = None

    def info(self) -> Info:
        intents = ", ".join(self.commands.grammar.context.expressions)
        return Info(
            asr=[
                AsrProgram(
                    name="asr",
                    attribution=ATTRIBUTION,
                    installed=True,
                    version=asr.__version__,
                    description="offline BiLSTM-CTC voice commands",
                    requires_external_vad=True,
                    models=[
                        AsrModel(
                            name="default",
                            attribution=ATTRIBUTION,
                            installed=True,
                            description="the shipped model",
                            version=asr.__version__,
                            languages=["en"],
                        )
                    ],
                )
            ],
            intent=[
                IntentProgram(
                    name="asr-intents",
                    attribution=ATTRIBUTION,
                    installed=True,
                    version=asr.__version__,
                    description=f"intents: {intents}",
                    models=[
                        IntentModel(
                            name="context",
                            attribution=ATTRIBUTION,
                            installed=True,
                            description=intents,
                            version=asr.__version__,
                            languages=["en"],
                        )
                    ],
                )
            ],
        )

    def hear(self, audio: np.ndarray) -> Heard:
        """(samples,) float32 at 16 kHz -> what was said and meant."""
        return self.commands.hear(audio, reference_time(None, self.tz))


class Handler(AsyncEventHandler):
    """One client's conversation."""

    def __init__(self, service: Service, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        super().__init__(reader, writer)
        self.service = service
        self.converter = AudioChunkConverter(rate=SAMPLE_RATE, width=2, channels=1)
        self.audio: list[bytes] | None = None  # int16 16 kHz mono, between audio-start and audio-stop

    async def run(self) -> None:
        """The base loop, but a line that is not an event ends this client alone."""
        try:
            while True:
                try:
                    event = await async_read_event(self.reader)
                except (AttributeError, KeyError, TypeError, asyncio.IncompleteReadError):
                    event = None  # JSON that is no event, or a payload cut short
                if event is None or not await self.handle_event(event):
                    break
        finally:
            self.writer.close()

    async def handle_event(self, event: Event) -> bool:
        if Describe.is_type(event.type):
            await self.write_event(self.service.info().event())
        elif Transcribe.is_type(event.type) or AudioStart.is_type(event.type):
            self.audio = []
        elif AudioChunk.is_type(event.type):
            return await self._chunk(event)
        elif AudioStop.is_type(event.type):
            if self.audio is None:
                return await self._error("audio-stop without audio-start", "no-audio")
            audio = np.frombuffer(b"".join(self.audio), dtype="<i2").astype(np.float32) / 32768.0
            self.audio = None
            loop = asyncio.get_running_loop()
            heard = await loop.run_in_executor(self.service.pool, self.service.hear, audio)
            await self.write_event(Transcript(text=heard.transcript.text).event())
        elif Recognize.is_type(event.type):
            text = Recognize.from_event(event).text
            intent = understand(text, self.service.commands.grammar, reference_time(None, self.service.tz))
            if intent.name is None:
                await self.write_event(NotRecognized(text=intent.reason).event())
            else:
                entities = [Entity(name=k, value=v) for k, v in intent.slots.items()]
                await self.write_event(WyomingIntent(name=intent.name, entities=entities, text=intent.text).event())
        else:
            return await self._error(f"unexpected event {event.type!r}", "unexpected-event")
        return True

    async def _chunk(self, event: Event) -> bool:
        if self.audio is None:
            return await self._error("audio-chunk without audio-start", "no-audio")
        try:
            chunk = self.converter.convert(AudioChunk.from_event(event))
        except (KeyError, ValueError, TypeError) as e:  # a chunk without rate, width or channels, or odd bytes
            return await self._error(
                f"unreadable audio chunk ({e}); send 16-bit PCM with rate, width, channels", "bad-audio"
            )
        self.audio.append(chunk.audio)
        if sum(map(len, self.audio)) > 2 * SAMPLE_RATE * MAX_AUDIO_S:
            return await self._error(f"more than {MAX_AUDIO_S:.0f} s of audio in one utterance", "too-long")
        return True

    async def _error(self, text: str, code: str) -> bool:
        """Tell the client, then drop it: its stream is in no state to go on."""
        self.audio = None
        await self.write_event(Error(text=text, code=code).event())
        return False


async def serve(uri: str, service: Service) -> None:
    """Serve clients at `uri` (tcp://host:port or unix://path) until cancelled."""
    server = AsyncServer.from_uri(uri)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="asr-decode") as pool:
        service.pool = pool
        await server.run(partial(Handler, service))
