"""One scaling measurement in its own process: ``python worker.py RESIDENTS STEPS [--lazy]``.

Prints one JSON line (suite.measure_scale_point): build and step CPU times, the floor
mat-vec, and the process's peak resident memory. run.py starts one per size.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # before numpy is imported

import argparse  # noqa: E402
import json  # noqa: E402

from suite import measure_scale_point  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("residents", type=int)
    parser.add_argument("steps", type=int)
    parser.add_argument("--lazy", action="store_true", help="build no graph or agents")
    args = parser.parse_args()
    print(json.dumps(measure_scale_point(args.residents, args.steps, args.lazy)))


if __name__ == "__main__":
    main()
