"""Shared driver of the atheris harnesses (``bench/fuzz_*.py``).

Each harness names a parser, the typed errors it may raise, and how to build real seed inputs.
An input "passes" when the parser returns or raises one of those errors; any other exception is a
crash: its input is saved (outside the repository) and counted, and fuzzing goes on so that one run
reports every distinct crash site. Hangs and memory blow-ups are libFuzzer's job (``-timeout``,
``-rss_limit_mb``): either aborts the run with a non-zero exit and the offending input on disk.

Seeds are built at run time from the real encoders in ``hardware_mocks``, never committed.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Harness", "Stats", "check_one", "main"]

DEFAULT_RUNS = 100_000


@dataclass(frozen=True)
class Harness:
    """One parser under fuzz: ``target`` gets the raw bytes; ``expected`` are the errors it may raise."""

    name: str
    target: Callable[[bytes], object]
    expected: tuple[type[BaseException], ...]
    seeds: Callable[[], Iterable[bytes]]
    max_len: int = 4096


@dataclass
class Stats:
    runs: int = 0
    ok: int = 0
    typed_errors: int = 0
    crashes: int = 0
    crash_sites: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def line(self, name: str) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return (
            f"[{name}] inputs={self.runs} exec/s={self.runs / elapsed:.0f} valid={self.ok} "
            f"typed_errors={self.typed_errors} crashes={self.crashes} distinct_sites={len(self.crash_sites)}"
        )


def check_one(harness: Harness, data: bytes) -> BaseException | bool:
    """Run one input: True for a valid result, False for a typed error, else the escaping exception."""
    try:
        harness.target(data)
    except harness.expected:
        return False
    except Exception as exc:
        return exc
    return True


def _site(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    last = frames[-1] if frames else None
    where = f"{last.filename}:{last.lineno}" if last else "?"
    return f"{type(exc).__name__} at {where}"


def _parser(name: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m bench.fuzz_{name}", description=f"atheris fuzzing of {name}")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="inputs to run (default %(default)s)")
    parser.add_argument("--timeout", type=int, default=10, help="per-input time limit in seconds")
    parser.add_argument("--rss-mb", type=int, default=1024, help="memory (RSS) cap in MB")
    parser.add_argument("--max-len", type=int, default=None, help="largest input in bytes")
    parser.add_argument("--seed", type=int, default=1, help="libFuzzer random seed")
    parser.add_argument("--crash-dir", type=Path, default=None, help="where crashing inputs go (default: a temp dir)")
    parser.add_argument("--stop-on-crash", action="store_true", help="let the first crash abort the run")
    parser.add_argument("--no-instrument", action="store_true", help="skip coverage instrumentation")
    return parser


def main(harness: Harness, argv: Sequence[str] | None = None) -> None:
    """Fuzz ``harness`` (never returns: libFuzzer exits the process)."""
    import atheris  # type: ignore[import-untyped]  # no stubs published

    args = _parser(harness.name).parse_args(argv)
    crash_dir = args.crash_dir or Path(tempfile.mkdtemp(prefix=f"fuzz-{harness.name}-crashes-"))
    crash_dir.mkdir(parents=True, exist_ok=True)
    corpus = Path(tempfile.mkdtemp(prefix=f"fuzz-{harness.name}-corpus-"))
    seeds = list(harness.seeds())
    for seed in seeds:
        (corpus / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    max_len = args.max_len or max(harness.max_len, *(len(s) + 64 for s in seeds))
    stats = Stats()
    total = args.runs

    def one(data: bytes) -> None:
        if stats.runs == 0:
            stats.started = time.monotonic()  # exec/s over the fuzzing, not the instrumentation
        stats.runs += 1
        outcome = check_one(harness, data)
        if outcome is True:
            stats.ok += 1
        elif outcome is False:
            stats.typed_errors += 1
        else:
            if args.stop_on_crash:
                raise outcome
            stats.crashes += 1
            site = _site(outcome)
            if site not in stats.crash_sites:
                print(f"[{harness.name}] NEW CRASH {site}", file=sys.stderr, flush=True)
                traceback.print_exception(outcome, file=sys.stderr)
            stats.crash_sites[site] = stats.crash_sites.get(site, 0) + 1
            (crash_dir / f"crash-{hashlib.sha1(data).hexdigest()}").write_bytes(data)
        if stats.runs % 10_000 == 0 or stats.runs == total:
            print(stats.line(harness.name), flush=True)
        if stats.runs == total:
            print(f"[{harness.name}] SUMMARY {stats.line(harness.name)} crash_dir={crash_dir}", flush=True)
            for site, count in sorted(stats.crash_sites.items()):
                print(f"[{harness.name}]   {count:>7} x {site}", flush=True)

    if not args.no_instrument:
        atheris.instrument_all()
    libfuzzer_args = [
        sys.argv[0],
        f"-runs={total}",
        f"-timeout={args.timeout}",
        f"-rss_limit_mb={args.rss_mb}",
        f"-max_len={max_len}",
        f"-seed={args.seed}",
        "-print_final_stats=1",
        f"-artifact_prefix={crash_dir}/",
        str(corpus),
    ]
    print(f"[{harness.name}] {len(seeds)} seeds, max_len={max_len}, crash_dir={crash_dir}", flush=True)
    atheris.Setup(libfuzzer_args, one)
    atheris.Fuzz()
