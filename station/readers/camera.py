"""Webcam QR reading: frames from a source, decoded off the GUI thread, payload events out.

A frame source is anything with ``read() -> (ok, frame)``: an OpenCV ``VideoCapture`` (opened from
a device index, URL or file by :func:`open_source`) or the mocks' virtual webcam. The station
cannot tell them apart and has no mock branch.

Decoding is a cascade (:class:`QrPipeline`): the fastest decoder on the frame as it is, then
cheap image repairs for what webcams do (blur, dim light, glare, small modules) with the fast
decoder again, then the slower decoders. Order and stages come from ``python -m bench.qr_decode``.
A result counts only when its bytes decode to valid Vietnamese text that parses as a CCCD
payload: a wrong reading is worse than none.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from station.readers.decoders import (
    DecodedSymbol,
    GrayImage,
    OpenCvDecoder,
    QrDecoder,
    ZbarDecoder,
    ZxingDecoder,
    preload,
    to_gray,
)
from station.readers.errors import NoReaderError, ReaderError
from station.readers.qr import QrPayload, QrPayloadError, parse_qr_payload, qr_text

__all__ = [
    "CameraWorker",
    "FrameSource",
    "PayloadEvent",
    "PipelineResult",
    "QrPipeline",
    "Stage",
    "default_stages",
    "make_qt_camera_reader",
    "open_source",
]

log = logging.getLogger(__name__)

Frame = NDArray[Any]


class FrameSource(Protocol):
    def read(self) -> tuple[bool, Frame | None]: ...


def open_source(source: int | str | FrameSource, *, width: int = 1280, height: int = 720) -> FrameSource:
    """A frame source from a device index, a URL/file path, or an object that already reads frames."""
    if not isinstance(source, int | str):
        return source
    capture = cv2.VideoCapture(source)
    if not capture.isOpened():
        raise NoCameraError(f"cannot open video source {source!r}")
    capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not one queued seconds ago
    if isinstance(source, int):
        # USB 2 webcams deliver 720p at 30 frames/s only compressed; raw YUYV drops to 5-10.
        capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
    return capture


class NoCameraError(NoReaderError):
    clerk_message = "Không mở được camera. Kiểm tra cáp, quyền truy cập camera, hoặc chọn camera khác."


# ------------------------------------------------------------------ pipeline

Preprocess = Callable[[GrayImage], GrayImage]


def _as_is(gray: GrayImage) -> GrayImage:
    return gray


def _sharpen(gray: GrayImage) -> GrayImage:
    """Unsharp mask: restores module edges softened by motion or defocus blur."""
    blurred = cv2.GaussianBlur(gray, (0, 0), 3)
    return np.asarray(cv2.addWeighted(gray, 2.2, blurred, -1.2, 0), dtype=np.uint8)


def _stretch(gray: GrayImage) -> GrayImage:
    """Local contrast (CLAHE): lifts a dim frame and flattens a glare gradient."""
    clahe = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8))
    return np.asarray(clahe.apply(gray), dtype=np.uint8)


def _upscale(gray: GrayImage) -> GrayImage:
    """Twice the pixels: modules of 1-2 px become wide enough for the finder-pattern scan."""
    return np.asarray(cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC), dtype=np.uint8)


PREPROCESSORS: dict[str, Preprocess] = {
    "as-is": _as_is,
    "sharpen": _sharpen,
    "stretch": _stretch,
    "upscale": _upscale,
}


@dataclass(frozen=True)
class Stage:
    decoder: QrDecoder
    preprocess: str = "as-is"

    @property
    def name(self) -> str:
        return f"{self.decoder.name}/{self.preprocess}"


def default_stages(decoders: Sequence[QrDecoder] | None = None) -> list[Stage]:
    """The cascade measured best by ``bench.qr_decode`` (fast decoder first, repairs, then slow decoders).

    On the 560-frame corpus zxing-cpp alone read 76.6 %, zbar 73.0 %, OpenCV 59.1 %; zxing-cpp after
    sharpening or CLAHE adds most of the rest (blur, dim light), zbar then the low-light frames
    zxing misses, zxing on an upscaled frame the smallest modules. OpenCV comes last: it read
    nothing the others missed, but costs nothing unless everything before it failed.
    """
    if decoders is None:
        decoders = [ZxingDecoder(), ZbarDecoder(), OpenCvDecoder()]
    by_name = {d.name: d for d in decoders}
    plan = [
        ("zxing-cpp", "as-is"),
        ("zxing-cpp", "sharpen"),
        ("zxing-cpp", "stretch"),
        ("pyzbar", "as-is"),
        ("zxing-cpp", "upscale"),
        ("opencv", "as-is"),
    ]
    return [Stage(by_name[d], p) for d, p in plan if d in by_name]


@dataclass(frozen=True)
class PipelineResult:
    data: bytes
    text: str
    payload: QrPayload | None
    stage: str


def _accept_cccd(text: str) -> QrPayload | None:
    try:
        return parse_qr_payload(text)
    except QrPayloadError:
        return None


class QrPipeline:
    """One frame in, the first reading that is valid CCCD text out (or None). Not thread-safe.

    With ``frame_budget_ms=None`` (still images, the CLI) every stage runs until one reads. A live
    camera passes a budget: each frame gets the first stage plus fallbacks in turn, resuming where
    the previous frame stopped, while time is left. A card held up for a fifth of a second thus
    meets the whole cascade without any frame costing the whole cascade.
    """

    def __init__(
        self,
        stages: Sequence[Stage] | None = None,
        *,
        require_cccd: bool = True,
        max_side: int = 1920,
        frame_budget_ms: float | None = None,
    ) -> None:
        self.stages = list(stages) if stages is not None else default_stages()
        self.require_cccd = require_cccd
        self.max_side = max_side
        self.frame_budget_ms = frame_budget_ms
        self.stage_hits: dict[str, int] = {s.name: 0 for s in self.stages}
        self._cursor = 0

    def _schedule(self) -> list[Stage]:
        if self.frame_budget_ms is None or len(self.stages) <= 1:
            return self.stages
        fallbacks = self.stages[1:]
        start = self._cursor % len(fallbacks)
        return [self.stages[0], *fallbacks[start:], *fallbacks[:start]]

    def _prepare(self, frame: Frame) -> GrayImage:
        gray = to_gray(frame)
        side = max(gray.shape)
        if side > self.max_side:  # a 4K webcam: decode a downscaled frame, QR modules stay wide enough
            scale = self.max_side / side
            gray = np.asarray(cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), np.uint8)
        return gray

    def _check(self, symbol: DecodedSymbol) -> tuple[str, QrPayload | None] | None:
        try:
            text = qr_text(symbol.data)
        except QrPayloadError:
            return None
        if not self.require_cccd:
            return text, None
        payload = _accept_cccd(text)
        return (text, payload) if payload is not None else None

    def decode(self, frame: Frame) -> PipelineResult | None:
        started = time.perf_counter()
        gray = self._prepare(frame)
        cache: dict[str, GrayImage] = {}
        for position, stage in enumerate(self._schedule()):
            if self.frame_budget_ms is not None and position >= 1:
                if position >= 2 and (time.perf_counter() - started) * 1000 >= self.frame_budget_ms:
                    break
                self._cursor += 1
            image = cache.get(stage.preprocess)
            if image is None:
                image = cache[stage.preprocess] = PREPROCESSORS[stage.preprocess](gray)
            for symbol in stage.decoder.decode(image):
                checked = self._check(symbol)
                if checked is not None:
                    self.stage_hits[stage.name] += 1
                    return PipelineResult(symbol.data, checked[0], checked[1], stage.name)
        return None


# -------------------------------------------------------------------- worker

LIVE_FRAME_BUDGET_MS = 12.0
"""Decode time a live frame may take beyond the first stage's (two threads keep 30 frames/s)."""


@dataclass(frozen=True)
class PayloadEvent:
    """A QR read from the camera (once per presentation of a card, not once per frame)."""

    data: bytes
    text: str
    payload: QrPayload | None
    stage: str
    frame_index: int
    timestamp: float


@dataclass
class CameraStats:
    frames_read: int = 0
    frames_decoded: int = 0
    frames_dropped: int = 0
    payloads: int = 0
    decode_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


class CameraWorker:
    """Reads frames in one thread and decodes them in ``workers`` threads; never on the GUI thread.

    ``on_payload`` is called from a worker thread (a Qt UI forwards it through a queued signal).
    The newest frame wins: a decoder that falls behind skips frames rather than lagging
    (``drop_frames=False`` processes every frame, for files and benchmarks). A payload seen again
    within ``repeat_after`` seconds of its last sighting is not emitted again.
    """

    def __init__(
        self,
        source: int | str | FrameSource,
        on_payload: Callable[[PayloadEvent], None],
        *,
        on_error: Callable[[ReaderError], None] | None = None,
        on_finished: Callable[[], None] | None = None,
        pipeline_factory: Callable[[], QrPipeline] | None = None,
        workers: int = 2,
        drop_frames: bool = True,
        repeat_after: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source_spec = source
        preload()  # on the constructing thread (the GUI's), not on a decode or opening thread
        self._on_payload = on_payload
        self._on_error = on_error
        self._on_finished = on_finished
        self._pipeline_factory = pipeline_factory or (lambda: QrPipeline(frame_budget_ms=LIVE_FRAME_BUDGET_MS))
        self._workers = max(1, workers)
        self._drop = drop_frames
        self._repeat_after = repeat_after
        self._clock = clock
        self._lock = threading.Condition()
        self._pending: list[tuple[int, Frame]] = []
        self._eof = False
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._last_seen: dict[bytes, float] = {}
        self._active = 0
        self.stats = CameraStats()

    # lifecycle
    def start(self) -> None:
        try:
            source = open_source(self._source_spec)
        except ReaderError as exc:
            self._report(exc)
            raise
        self._threads = [threading.Thread(target=self._capture, args=(source,), name="qr-capture", daemon=True)]
        self._threads += [
            threading.Thread(target=self._decode_loop, name=f"qr-decode-{i}", daemon=True) for i in range(self._workers)
        ]
        self._active = self._workers
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            self._lock.notify_all()
        self.join()

    def join(self, timeout: float | None = None) -> None:
        for thread in self._threads:
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    # threads
    def _capture(self, source: FrameSource) -> None:
        index = 0
        try:
            while not self._stop.is_set():
                ok, frame = source.read()
                if not ok or frame is None:
                    break
                with self._lock:
                    if not self._drop:
                        while len(self._pending) >= 2 * self._workers and not self._stop.is_set():
                            self._lock.wait(0.1)
                    elif len(self._pending) >= self._workers:
                        self._pending.pop(0)
                        self.stats.frames_dropped += 1
                    self._pending.append((index, frame))
                    self.stats.frames_read += 1
                    self._lock.notify_all()
                index += 1
        except Exception as exc:  # a camera unplugged mid-read: report, do not kill the app
            log.warning("camera read failed: %s", type(exc).__name__)
            self._report(NoCameraError("camera read failed"))
        finally:
            release = getattr(source, "release", None)
            if callable(release):
                release()
            with self._lock:
                self._eof = True
                self._lock.notify_all()

    def _decode_loop(self) -> None:
        pipeline = self._pipeline_factory()
        try:
            while True:
                with self._lock:
                    while not self._pending and not self._eof and not self._stop.is_set():
                        self._lock.wait(0.1)
                    if self._stop.is_set() or (self._eof and not self._pending):
                        return
                    index, frame = self._pending.pop(0)
                    self._lock.notify_all()
                started = time.perf_counter()
                result = pipeline.decode(frame)
                elapsed = time.perf_counter() - started
                with self._lock:
                    self.stats.frames_decoded += 1
                    self.stats.decode_seconds += elapsed
                if result is not None:
                    self._emit(result, index)
        finally:
            with self._lock:
                self._active -= 1
                last = self._active == 0
            if last and self._on_finished is not None:
                self._on_finished()

    def _emit(self, result: PipelineResult, index: int) -> None:
        now = self._clock()
        with self._lock:
            last = self._last_seen.get(result.data)
            self._last_seen[result.data] = now
            if last is not None and now - last < self._repeat_after:
                return
            self.stats.payloads += 1
        self._on_payload(PayloadEvent(result.data, result.text, result.payload, result.stage, index, now))

    def _report(self, error: ReaderError) -> None:
        self.stats.errors.append(type(error).__name__)
        if self._on_error is not None:
            self._on_error(error)


def make_qt_camera_reader(source: int | str | FrameSource, *, workers: int = 2, parent: Any = None) -> Any:
    """A QObject around :class:`CameraWorker` for the Qt UI: signals arrive on the GUI thread.

    Signals: ``payloadRead(PayloadEvent)``, ``failed(ReaderError)``, ``finished()``; methods
    ``start()``/``stop()``. Qt queues the worker threads' emissions to the receiver's thread, so
    slots never run on a decode thread. Built lazily so importing this module does not need Qt.
    """
    from PySide6.QtCore import QObject, Signal

    class QtCameraReader(QObject):
        payloadRead = Signal(object)
        failed = Signal(object)
        finished = Signal()

        def __init__(self) -> None:
            super().__init__(parent)
            self.worker = CameraWorker(
                source,
                self.payloadRead.emit,
                on_error=self.failed.emit,
                on_finished=self.finished.emit,
                workers=workers,
            )

        def start(self) -> None:
            with contextlib.suppress(ReaderError):  # already reported through ``failed``
                self.worker.start()

        def stop(self) -> None:
            self.worker.stop()

    return QtCameraReader()
