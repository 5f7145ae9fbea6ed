"""QR decoding benchmark: each decoder alone vs the station's pipeline, per degradation category.

    python -m bench.qr_decode [--per-category 56] [--seed 7] [--fps-seconds 10]

The corpus is generated at run time (synthetic citizens, ``hardware_mocks``): 1280×720 webcam-like
frames of a card, degraded by category (≥ 500 images with the defaults). Reported per category:
decode rate and mean ms/frame of each decoder alone and of the pipeline, and wrong texts (a
reading whose text is not the payload printed — worse than no reading). Then the camera worker's
throughput in frames/s on a 1280×720 stream with 2 decode threads, as the station runs it.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hardware_mocks.degrade import CATEGORIES, degrade
from hardware_mocks.qr_image import card_frame, synthetic_payload
from hardware_mocks.virtual_webcam import VirtualWebcam
from station.readers.camera import LIVE_FRAME_BUDGET_MS, CameraWorker, PayloadEvent, QrPipeline
from station.readers.decoders import OpenCvDecoder, QrDecoder, ZbarDecoder, ZxingDecoder, to_gray
from station.readers.qr import QrPayloadError, qr_text


@dataclass
class Sample:
    category: str
    frame: NDArray[np.uint8]
    payload: str


@dataclass
class Tally:
    ok: int = 0
    wrong: int = 0
    total: int = 0
    seconds: float = 0.0
    frames: int = 0
    """Frames decoded, where more than one per card (live mode); else ``total``."""

    def row(self) -> str:
        rate = 100.0 * self.ok / self.total if self.total else 0.0
        return f"{rate:5.1f}% {1000 * self.seconds / max(1, self.frames or self.total):6.1f}ms" + (
            f" W{self.wrong}" if self.wrong else ""
        )


def corpus(per_category: int, seed: int) -> list[Sample]:
    names = random.Random(seed)
    pixels = np.random.default_rng(seed)
    samples = []
    for category in CATEGORIES:
        for _ in range(per_category):
            _, payload = synthetic_payload(names)
            frame = card_frame(payload, module_px=float(pixels.uniform(2.5, 5.0)), rng=pixels)
            samples.append(Sample(category, degrade(frame, category, pixels), payload))
    return samples


def _decoder_text(decoder: QrDecoder, gray: NDArray[np.uint8]) -> str | None:
    for symbol in decoder.decode(gray):
        try:
            return qr_text(symbol.data)
        except QrPayloadError:
            return symbol.data.decode("utf-8", "replace")
    return None


SINGLE_DECODERS = ("zxing-cpp", "pyzbar", "opencv")


def run_decoders(samples: list[Sample]) -> dict[str, dict[str, Tally]]:
    decoders: list[QrDecoder] = [ZxingDecoder(), ZbarDecoder(), OpenCvDecoder()]
    pipeline = QrPipeline()
    results: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for sample in samples:
        gray = to_gray(sample.frame)
        for decoder in decoders:
            started = time.perf_counter()
            text = _decoder_text(decoder, gray)
            tally = results[decoder.name][sample.category]
            tally.seconds += time.perf_counter() - started
            tally.total += 1
            tally.ok += text == sample.payload
            tally.wrong += text is not None and text != sample.payload
        started = time.perf_counter()
        result = pipeline.decode(sample.frame)
        tally = results["pipeline"][sample.category]
        tally.seconds += time.perf_counter() - started
        tally.total += 1
        tally.ok += result is not None and result.text == sample.payload
        tally.wrong += result is not None and result.text != sample.payload
    print("pipeline stage hits:", dict(pipeline.stage_hits))
    return results


def run_live(samples: list[Sample], frames_per_card: int, results: dict[str, dict[str, Tally]]) -> None:
    """The live-camera pipeline (per-frame budget): each card shown for ``frames_per_card`` frames.

    ms/frame is per frame decoded (a card stops being shown once read); the card counts as read if
    one of its frames reads correctly.
    """
    column = f"live({frames_per_card} frames)"
    pipeline = QrPipeline(frame_budget_ms=LIVE_FRAME_BUDGET_MS)
    for sample in samples:
        tally = results[column][sample.category]
        texts = set()
        for _ in range(frames_per_card):
            started = time.perf_counter()
            result = pipeline.decode(sample.frame)
            tally.seconds += time.perf_counter() - started
            tally.frames += 1
            if result is not None:
                texts.add(result.text)
                break
        tally.total += 1
        tally.ok += sample.payload in texts
        tally.wrong += any(t != sample.payload for t in texts)


def zbar_text_mode(samples: list[Sample]) -> None:
    """How often zbar's own encoding guess garbles the payload, and what the repair makes of it."""
    from pyzbar import pyzbar

    read = garbled = repaired = wrong = 0
    for sample in samples:
        if sample.category != "clean":
            continue
        for symbol in pyzbar.decode(to_gray(sample.frame), symbols=[pyzbar.ZBarSymbol.QRCODE]):
            read += 1
            garbled += symbol.data.decode("utf-8", "replace") != sample.payload
            try:
                text = qr_text(symbol.data)
            except QrPayloadError:
                continue
            repaired += text == sample.payload and symbol.data.decode("utf-8", "replace") != sample.payload
            wrong += text != sample.payload
    print(f"zbar text mode on clean frames: {read} read, {garbled} garbled, {repaired} repaired, {wrong} wrong")


def print_table(results: dict[str, dict[str, Tally]]) -> bool:
    columns = list(results)
    print(f"{'category':14s} " + " ".join(f"{c:>22s}" for c in columns))
    pipeline_best = True
    for category in CATEGORIES:
        cells = [results[c][category] for c in columns]
        print(f"{category:14s} " + " ".join(f"{t.row():>22s}" for t in cells))
        best_single = max(results[c][category].ok for c in columns if c in SINGLE_DECODERS)
        pipeline_best &= results["pipeline"][category].ok >= best_single
    totals = {c: Tally() for c in columns}
    for c in columns:
        for t in results[c].values():
            totals[c].ok += t.ok
            totals[c].wrong += t.wrong
            totals[c].total += t.total
            totals[c].seconds += t.seconds
            totals[c].frames += t.frames or t.total
    print(f"{'ALL':14s} " + " ".join(f"{totals[c].row():>22s}" for c in columns))
    print("wrong texts:", {c: totals[c].wrong for c in columns})
    return pipeline_best


def measure_fps(samples: list[Sample], seconds: float, workers: int) -> tuple[float, int]:
    """Frames/s of the camera worker on a 1280×720 stream (corpus frames and empty desk frames)."""
    noise = np.random.default_rng(0)
    empty = [noise.integers(60, 140, (720, 1280, 3), dtype=np.uint8) for _ in range(8)]
    frames = [s.frame for s in samples] + empty * (len(samples) // 16)
    random.Random(1).shuffle(frames)
    events: list[PayloadEvent] = []
    worker = CameraWorker(
        VirtualWebcam(frames, loop=True), events.append, workers=workers, drop_frames=False, repeat_after=0.0
    )
    worker.start()
    time.sleep(seconds)
    worker.stop()
    return worker.stats.frames_decoded / seconds, len(events)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.qr_decode", description=__doc__.splitlines()[0])
    parser.add_argument("--per-category", type=int, default=56)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fps-seconds", type=float, default=10.0)
    parser.add_argument("--frames-per-card", type=int, default=6, help="live mode: frames each card is shown")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    samples = corpus(args.per_category, args.seed)
    print(f"corpus: {len(samples)} frames 1280x720, {len(CATEGORIES)} categories, {time.perf_counter() - started:.1f}s")
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()}")
    results = run_decoders(samples)
    run_live(samples, args.frames_per_card, results)
    zbar_text_mode(samples)
    pipeline_best = print_table(results)
    print("pipeline >= best single decoder in every category:", pipeline_best)
    for workers in (1, 2):
        fps, events = measure_fps(samples, args.fps_seconds, workers)
        print(f"camera worker, {workers} decode thread(s): {fps:.1f} frames/s at 1280x720 ({events} payload events)")
    return 0 if pipeline_best else 1


if __name__ == "__main__":
    sys.exit(main())
