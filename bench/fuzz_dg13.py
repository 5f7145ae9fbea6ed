"""atheris fuzzing of DG13 (Vietnamese particulars) up to the Identity it yields.

Run: ``.venv/bin/python -m bench.fuzz_dg13 --runs 100000`` (see bench/fuzz_common.py for the flags).
"""

from bench.fuzz_common import main
from bench.fuzz_targets import harness

if __name__ == "__main__":
    main(harness("dg13"))
