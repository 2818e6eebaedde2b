"""`python -m asr.train` / `torchrun -m asr.train`: the same loop as `asr train`."""

import argparse
import sys

from asr.errors import ASRError
from asr.train.config import load_config
from asr.train.loop import train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m asr.train", description=__doc__)
    parser.add_argument("--config", help="TOML training config")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value, e.g. --set epochs=10 --set model.hidden=128",
    )
    parser.add_argument("--resume", action="store_true", help="continue from <out_dir>/<name>/last.pt")
    args = parser.parse_args(argv)
    try:
        train(load_config(args.config, args.set), resume=args.resume)
    except ASRError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
