"""Write docs/api.md from the public API's docstrings: `python docs/make_api.py` (or `--check`:
exit 1 when docs/api.md is out of date; tests/test_docs.py runs it)."""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path

import asr

OUT = Path(__file__).with_name("api.md")
HEADER = """# The Python API

Generated from the docstrings by `python docs/make_api.py`; do not edit by hand. Audio is mono
float32 at 16 kHz (or any file soundfile reads), times are seconds unless a name says otherwise
(`_ms`), confidences and thresholds are in [0, 1], and date-times are timezone-aware.

```python
import asr

commands = asr.CommandRecognizer(asr.Recognizer(), asr.active_grammar("coffee.yaml"))
heard = commands.hear("order.wav", asr.reference_time(None, "Europe/Paris"))
print(heard.intent.name, heard.intent.slots, heard.to_dict())
```
"""
PUBLIC = [
    "Recognizer",
    "Transcript",
    "CommandRecognizer",
    "Heard",
    "active_grammar",
    "understand",
    "Intent",
    "reference_time",
    "ReminderStore",
    "ASRError",
]


def _doc(obj) -> str:
    return inspect.cleandoc(obj.__doc__ or "").strip()


def _signature(name: str, obj) -> str:
    try:
        return f"{name}{inspect.signature(obj)}"
    except (TypeError, ValueError):
        return name


def render() -> str:
    parts = [HEADER]
    for name in PUBLIC:
        obj = getattr(asr, name)
        module = obj.__module__
        parts.append(f"## `asr.{name}` ({module})\n\n```python\n{_signature(name, obj)}\n```\n\n{_doc(obj)}\n")
        if inspect.isclass(obj) and not issubclass(obj, Exception):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or not (inspect.isfunction(member) or isinstance(member, property)):
                    continue
                function = member.fget if isinstance(member, property) else member
                shown = attr if isinstance(member, property) else _signature(attr, function)
                parts.append(f"### `{name}.{shown}`\n\n{_doc(function) or '(no docstring)'}\n")
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/api.md is out of date")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not OUT.is_file() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run python docs/make_api.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
