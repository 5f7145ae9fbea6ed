"""A virtual webcam: images, a video file or generated card frames, played like a camera.

It offers what the station's camera code uses of ``cv2.VideoCapture`` (``read``, ``isOpened``,
``release``, ``set``/``get`` for size), so it plays through the very same ``CameraWorker`` and
``QrPipeline`` as a real device. An optional degradation (``hardware_mocks.degrade``) is applied to
every frame, and ``fps`` paces playback like a real sensor (``None``: as fast as read).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from hardware_mocks.degrade import CATEGORIES

__all__ = ["VirtualWebcam", "load_frames"]

Frame = NDArray[np.uint8]
_VIDEO_SUFFIXES = {".mp4", ".avi", ".mkv", ".mov", ".webm", ".mjpeg", ".mjpg"}


def load_frames(paths: Sequence[str | Path]) -> Iterator[Frame]:
    """Frames from image files and/or video files, in order."""
    for path in map(Path, paths):
        if path.suffix.lower() in _VIDEO_SUFFIXES:
            capture = cv2.VideoCapture(str(path))
            try:
                while True:
                    ok, frame = capture.read()
                    if not ok:
                        break
                    yield np.asarray(frame, np.uint8)
            finally:
                capture.release()
        else:
            image = cv2.imdecode(np.fromfile(str(path), dtype=np.uint8), cv2.IMREAD_COLOR)
            if image is None:
                raise ValueError(f"{path}: not an image OpenCV can read")
            yield np.asarray(image, np.uint8)


class VirtualWebcam:
    """A frame source indistinguishable, to the station, from ``cv2.VideoCapture(index)``."""

    def __init__(
        self,
        frames: Iterable[Frame],
        *,
        fps: float | None = None,
        loop: bool = False,
        repeat_each: int = 1,
        degradation: str | Callable[[Frame, np.random.Generator], Frame] | None = None,
        seed: int | None = None,
        size: tuple[int, int] | None = None,
    ) -> None:
        self._frames = frames
        self._iter: Iterator[Frame] = self._make_iter(loop, max(1, repeat_each))
        self._interval = 1.0 / fps if fps else 0.0
        self._next_time = 0.0
        self._degrade = CATEGORIES[degradation] if isinstance(degradation, str) else degradation
        self._rng = np.random.default_rng(seed)
        self._size = size
        self._open = True
        self.frames_served = 0

    @classmethod
    def from_files(cls, paths: Sequence[str | Path], **options: Any) -> VirtualWebcam:
        """Play image and video files (what ``station qr decode`` and demos feed it)."""
        return cls(load_frames(paths), **options)

    def _make_iter(self, loop: bool, repeat_each: int) -> Iterator[Frame]:
        source: Iterable[Frame] = self._frames
        if loop:
            source = itertools.cycle(list(source))
        for frame in source:
            for _ in range(repeat_each):
                yield frame

    # the VideoCapture surface the station uses
    def isOpened(self) -> bool:
        return self._open

    def read(self) -> tuple[bool, Frame | None]:
        if not self._open:
            return False, None
        try:
            frame = next(self._iter)
        except StopIteration:
            return False, None
        if self._interval:
            now = time.monotonic()
            if self._next_time > now:
                time.sleep(self._next_time - now)
            self._next_time = max(now, self._next_time) + self._interval
        if self._size is not None and (frame.shape[1], frame.shape[0]) != self._size:
            frame = np.asarray(cv2.resize(frame, self._size, interpolation=cv2.INTER_AREA), np.uint8)
        if self._degrade is not None:
            frame = self._degrade(frame, self._rng)
        self.frames_served += 1
        return True, frame.copy()

    def release(self) -> None:
        self._open = False

    def set(self, prop: int, value: float) -> bool:
        if prop == cv2.CAP_PROP_FRAME_WIDTH and self._size is not None:
            self._size = (int(value), self._size[1])
            return True
        if prop == cv2.CAP_PROP_FRAME_HEIGHT and self._size is not None:
            self._size = (self._size[0], int(value))
            return True
        return prop == cv2.CAP_PROP_BUFFERSIZE

    def get(self, prop: int) -> float:
        if prop == cv2.CAP_PROP_FPS:
            return 1.0 / self._interval if self._interval else 0.0
        if self._size is not None and prop in (cv2.CAP_PROP_FRAME_WIDTH, cv2.CAP_PROP_FRAME_HEIGHT):
            return float(self._size[0] if prop == cv2.CAP_PROP_FRAME_WIDTH else self._size[1])
        return 0.0

    def __enter__(self) -> VirtualWebcam:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()
