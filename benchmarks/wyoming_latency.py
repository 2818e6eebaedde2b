"""The Wyoming server under load, over 127.0.0.1: end of audio to transcript, 8 clients at once,
and 10,000 garbage messages (a bounded loop that stops by itself), then a describe that must work.

    python benchmarks/wyoming_latency.py [--clip data/examples/timer.wav] [--runs 50] [--garbage 10000]
"""

import argparse
import asyncio
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from wyoming.asr import Transcribe
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.info import Describe


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def one(port: int, clip: Path) -> float:
    """Seconds from sending audio-stop to reading the transcript."""
    audio, rate = sf.read(clip, dtype="int16")
    step = rate // 50  # 20 ms chunks
    async with AsyncTcpClient("127.0.0.1", port) as client:
        await client.write_event(Transcribe().event())
        await client.write_event(AudioStart(rate=rate, width=2, channels=1).event())
        for i in range(0, len(audio), step):
            await client.write_event(
                AudioChunk(rate=rate, width=2, channels=1, audio=audio[i : i + step].tobytes()).event()
            )
        start = time.perf_counter()
        await client.write_event(AudioStop().event())
        event = await client.read_event()
        assert event is not None and event.type == "transcript", event
        return time.perf_counter() - start


async def garbage(port: int, count: int) -> int:
    """Send `count` garbage lines, each on a connection of its own (the server drops a client at its
    first line that is not an event); returns how many connections the server closed."""
    rng, dropped = np.random.default_rng(0), 0
    for _ in range(count):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(bytes(rng.integers(0, 256, 64, dtype=np.uint8)) + b"\n")
        try:
            await writer.drain()
            dropped += await asyncio.wait_for(reader.read(), 30) == b""
        except ConnectionResetError:
            dropped += 1
        writer.close()
    return dropped


async def main(args) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("asr")), "serve", "--uri", f"tcp://127.0.0.1:{port}", "--threads", "1"],
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        await one(port, args.clip)  # warm-up
        ms = 1000 * np.array([await one(port, args.clip) for _ in range(args.runs)])
        print(
            f"{args.clip} ({sf.info(args.clip).duration:.1f} s), one client, {args.runs} runs: end of audio to "
            f"transcript p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms"
        )
        start = time.perf_counter()
        parallel = await asyncio.gather(*(one(port, args.clip) for _ in range(8)))
        print(
            f"8 clients at once: all answered in {time.perf_counter() - start:.2f} s "
            f"(slowest end of audio to transcript {1000 * max(parallel):.0f} ms)"
        )
        start = time.perf_counter()
        dropped = await garbage(port, args.garbage)
        async with AsyncTcpClient("127.0.0.1", port) as client:
            await client.write_event(Describe().event())
            alive = (await client.read_event()).type == "info"
        print(
            f"{args.garbage} garbage messages in {time.perf_counter() - start:.1f} s: {dropped} clients dropped; "
            f"the server then answered describe: {alive}"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--clip", type=Path, default=Path("data/examples/timer.wav"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--garbage", type=int, default=10_000)
    asyncio.run(main(parser.parse_args()))
