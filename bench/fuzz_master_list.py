"""atheris fuzzing of the CSCA master-list import (CMS SignedData, CscaMasterList, signer check).

Run: ``.venv/bin/python -m bench.fuzz_master_list --runs 100000`` (see bench/fuzz_common.py for the flags).
"""

from bench.fuzz_common import main
from bench.fuzz_targets import harness

if __name__ == "__main__":
    main(harness("master_list"))
