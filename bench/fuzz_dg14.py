"""atheris fuzzing of DG14 (chip-authentication SecurityInfos and public keys).

Run: ``.venv/bin/python -m bench.fuzz_dg14 --runs 100000`` (see bench/fuzz_common.py for the flags).
"""

from bench.fuzz_common import main
from bench.fuzz_targets import harness

if __name__ == "__main__":
    main(harness("dg14"))
