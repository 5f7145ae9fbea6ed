"""atheris fuzzing of the BER-TLV reader (every constructed object walked to depth 8).

Run: ``.venv/bin/python -m bench.fuzz_tlv --runs 100000`` (see bench/fuzz_common.py for the flags).
"""

from bench.fuzz_common import main
from bench.fuzz_targets import harness

if __name__ == "__main__":
    main(harness("tlv"))
