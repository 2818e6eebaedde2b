"""JSON-lines manifests: one utterance per line, {"audio", "text", "speaker"?, "intent"?, "source"?}.

Relative audio paths are resolved against the manifest's own folder, so a manifest and its
audio can move together.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from asr.errors import ASRError
from asr.runtime import vocab


@dataclass(frozen=True)
class Utterance:
    audio: str  # path to the audio file (absolute after reading)
    text: str  # normalized transcript; "" for silence / noise
    speaker: str | None = None  # speaker id: splits are by speaker, never by clip
    source: str | None = None  # corpus name, e.g. "speech_commands", "fsdd"
    intent: dict | None = None  # optional structured intent for command utterances
    duration_s: float | None = None  # cached length, so batching needs no file reads


_FIELDS = set(Utterance.__dataclass_fields__)


def read_manifest(path: str | os.PathLike) -> list[Utterance]:
    """Parse and validate a manifest; every problem names the file and line."""
    path = Path(path)
    if not path.is_file():
        raise ASRError(
            f"manifest '{path}' not found; create it with 'asr data prepare-shared' or point to an existing .jsonl file"
        )
    base = path.parent
    utterances = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise ASRError(f"{where}: not valid JSON ({e.msg}); fix or delete that line") from None
            if not isinstance(row, dict) or "audio" not in row or "text" not in row:
                raise ASRError(f'{where}: each line needs an object with "audio" and "text"')
            unknown = set(row) - _FIELDS
            if unknown:
                raise ASRError(f"{where}: unknown field(s) {sorted(unknown)}; valid: {sorted(_FIELDS)}")
            try:
                vocab.encode(row["text"])
            except ASRError as e:
                raise ASRError(f"{where}: {e}") from None
            row["text"] = vocab.normalize(row["text"])
            row["audio"] = os.path.abspath(base / row["audio"])  # normalized; symlinks kept as named
            utterances.append(Utterance(**row))
    if not utterances:
        raise ASRError(f"manifest '{path}' has no utterances")
    return utterances


def write_manifest(path: str | os.PathLike, utterances: list[Utterance]) -> None:
    """Write atomically (temporary file, then rename): a crash never leaves half a manifest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for u in utterances:
            row = {k: v for k, v in asdict(u).items() if v is not None}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
