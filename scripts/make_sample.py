#!/usr/bin/env python3
"""Regenerate the sample incident that ships with warroom (``warroom demo``).

    python scripts/make_sample.py                 # rewrite src/warroom/samples/checkout-outage
    python scripts/make_sample.py --out /tmp/s    # write elsewhere (tests do this)

The output is deterministic: the same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warroom.samples.synth import SEED, write_sample

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "src/warroom/samples/checkout-outage"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write into")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed (default %(default)s)")
    args = parser.parse_args(argv)
    written = write_sample(args.out, args.seed)
    size = sum(p.stat().st_size for p in written)
    print(f"wrote {len(written)} files, {size / 1e6:.2f} MB, to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
