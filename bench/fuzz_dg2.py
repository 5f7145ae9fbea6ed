"""atheris fuzzing of DG2 (ISO 19794-5 / 39794-5 face record) up to the displayed JPEG.

Run: ``.venv/bin/python -m bench.fuzz_dg2 --runs 100000`` (see bench/fuzz_common.py for the flags).
"""

from bench.fuzz_common import main
from bench.fuzz_targets import harness

if __name__ == "__main__":
    main(harness("dg2"))
