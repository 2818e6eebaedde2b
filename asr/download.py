"""Dataset downloads: resumable HTTP, SHA-256 check, progress bar, safe extraction.

A download goes to `<file>.part` and continues from its size with an HTTP Range request when run
again; only a file whose checksum matches is renamed into place. Archives are extracted into a
temporary folder beside the target and renamed when complete, and a member that would land
outside the target (absolute path, `..`, a link pointing out) refuses the whole archive.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from asr.errors import ASRError

CHUNK = 1 << 20  # bytes per read


@dataclass(frozen=True)
class Archive:
    url: str  # where the archive is published
    sha256: str  # checksum of the whole archive
    dirname: str  # folder it is extracted into, under the data root


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


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def download(url: str, dest: str | os.PathLike, sha256: str | None, progress: bool = True,
             timeout_s: float = 60.0) -> Path:  # fmt: skip
    """Fetch `url` to `dest`, resuming a previous `.part`; verify `sha256` when given."""
    dest = Path(dest)
    if dest.exists() and (sha256 is None or sha256_of(dest) == sha256):
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
            with part.open("ab" if offset else "wb") as f, tqdm(
                total=total, initial=offset, unit="B", unit_scale=True, desc=dest.name, disable=not progress
            ) as bar:
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
    if sha256 is not None:
        actual = sha256_of(part)
        if actual != sha256:
            part.unlink()
            raise ASRError(
                f"checksum mismatch for {url}: expected {sha256}, got {actual}; "
                "the partial file was removed, run the command again to download it afresh"
            )
    os.replace(part, dest)
    return dest


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


def fetch_speech_commands(root: str | os.PathLike, version: str = "v0.02", url: str | None = None,
                          sha256: str | None = None, progress: bool = True) -> Path:  # fmt: skip
    """Download (resumable) and extract Google Speech Commands under `root`; returns its folder.

    `url` / `sha256` point at a mirror; a mirror without a checksum is refused, so nothing
    unverified is ever extracted.
    """
    if version not in SPEECH_COMMANDS:
        raise ASRError(f"unknown Speech Commands version {version!r}; available: {', '.join(SPEECH_COMMANDS)}")
    known = SPEECH_COMMANDS[version]
    if url and not sha256:
        raise ASRError("a --url mirror needs its --sha256 too, so the download can be verified")
    root = Path(root)
    target = root / known.dirname
    if target.is_dir():
        return target
    archive = download(url or known.url, root / "downloads" / Path(known.url).name, sha256 or known.sha256, progress)
    return safe_extract(archive, target, progress)
