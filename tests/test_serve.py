"""The Wyoming server over 127.0.0.1, with the wyoming package's own client."""

import asyncio
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from wyoming.asr import Transcribe
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.info import Describe
from wyoming.intent import Recognize

from asr.app.hear import CommandRecognizer
from asr.commands.intents import active_grammar
from asr.runtime import Recognizer
from tests.conftest import FSDD, ROOT

EXAMPLES = ROOT / "data" / "examples"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    asr = str(Path(sys.executable).with_name("asr"))
    process = subprocess.Popen(
        [asr, "serve", "--uri", f"tcp://127.0.0.1:{port}", "--tz", "UTC"], stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, process.stderr.read()
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=30)


async def _ask(port: int, *events):
    async with AsyncTcpClient("127.0.0.1", port) as client:
        for event in events:
            await client.write_event(event.event())
        return await asyncio.wait_for(client.read_event(), 60)


def _transcribed(path: Path) -> str:
    """What `asr transcribe` hears: the shipped model decoding with the built-in context."""
    return CommandRecognizer(Recognizer(threads=1), active_grammar()).transcribe(path).text


def _stream(path: Path, chunk_ms: int = 20) -> list:
    audio, rate = sf.read(path, dtype="int16")
    step = rate * chunk_ms // 1000
    chunks = [
        AudioChunk(rate=rate, width=2, channels=1, audio=audio[i : i + step].tobytes())
        for i in range(0, len(audio), step)
    ]
    return [Transcribe(), AudioStart(rate=rate, width=2, channels=1), *chunks, AudioStop()]


def test_describe_names_both_programs_and_the_intents(server):
    info = asyncio.run(_ask(server, Describe()))
    assert info.type == "info" and info.data["asr"][0]["models"][0]["languages"] == ["en"]
    assert "set_reminder" in info.data["intent"][0]["description"]


@pytest.mark.parametrize("clip", ["timer.wav", "reminder.wav", "yes.wav"])
def test_a_stream_in_20_ms_chunks_gives_what_transcribe_gives(server, clip):
    heard = asyncio.run(_ask(server, *_stream(EXAMPLES / clip)))
    assert heard.type == "transcript" and heard.data["text"] == _transcribed(EXAMPLES / clip)


@pytest.mark.shared
def test_audio_at_another_rate_is_converted(server):
    heard = asyncio.run(_ask(server, *_stream(FSDD / "7_jackson_0.wav")))  # 8 kHz
    assert heard.type == "transcript" and heard.data["text"] == "seven"


def test_recognize_gives_an_intent_with_its_slots_or_the_reason(server):
    intent = asyncio.run(_ask(server, Recognize(text="set a timer for ten minutes")))
    assert (intent.type, intent.data["name"], intent.data["entities"]) == (
        "intent",
        "set_timer",
        [{"name": "duration_s", "value": 600}],
    )
    other = asyncio.run(_ask(server, Recognize(text="what is the weather like")))
    assert other.type == "not-recognized" and other.data["text"] == "not a command of the active context"


def test_eight_clients_at_once(server):
    clips = ["timer.wav", "reminder.wav", "yes.wav", "stop.wav"] * 2

    async def all_at_once():
        return await asyncio.gather(*(_ask(server, *_stream(EXAMPLES / c)) for c in clips))

    heard = asyncio.run(all_at_once())
    expected = {c: _transcribed(EXAMPLES / c) for c in set(clips)}
    assert [h.data["text"] for h in heard] == [expected[c] for c in clips]


def test_garbage_and_events_out_of_order_never_stop_the_server(server):
    async def garbage(line: bytes) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", server)
        writer.write(line)
        writer.write_eof()  # then hang up, as a client that dies mid-stream does
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 30)  # the server answers or hangs up
        writer.close()
        return answer

    for line in (
        b"not json at all\n",
        b"[1, 2, 3]\n",
        b'{"type": "audio-chunk", "payload_length": 9}\nabc',
        bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)) + b"\n",
    ):
        asyncio.run(garbage(line))
    stray = asyncio.run(_ask(server, AudioChunk(rate=16000, width=2, channels=1, audio=b"\0\0")))
    assert stray.type == "error" and stray.data["code"] == "no-audio"
    assert asyncio.run(_ask(server, Describe())).type == "info"  # still serving
