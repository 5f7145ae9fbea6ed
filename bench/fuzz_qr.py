"""atheris fuzzing of the CCCD / căn cước QR payload parser (both layouts).

Run: ``.venv/bin/python -m bench.fuzz_qr --runs 100000`` (see bench/fuzz_common.py for the flags).
"""

from bench.fuzz_common import main
from bench.fuzz_targets import harness

if __name__ == "__main__":
    main(harness("qr"))
