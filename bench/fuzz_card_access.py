"""atheris fuzzing of EF.CardAccess (PACE SecurityInfos).

Run: ``.venv/bin/python -m bench.fuzz_card_access --runs 100000`` (see bench/fuzz_common.py for the flags).
"""

from bench.fuzz_common import main
from bench.fuzz_targets import harness

if __name__ == "__main__":
    main(harness("card_access"))
