"""What a counter webcam does to a card's QR: a degradation model for the virtual webcam and the benchmark.

Each degradation takes a BGR frame and a numpy random generator and returns a new frame; the
severity ranges are those that make a 720p webcam struggle but a careful decoder still succeed
often (the benchmark reports each decoder's rate per category).
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from numpy.typing import NDArray

__all__ = [
    "CATEGORIES",
    "Degradation",
    "defocus_blur",
    "degrade",
    "glare",
    "jpeg",
    "low_light",
    "mixed",
    "motion_blur",
    "noise",
    "perspective",
    "zoom_out",
]

Image = NDArray[np.uint8]
Degradation = Callable[[Image, np.random.Generator], Image]


def _u8(image: NDArray[np.floating] | NDArray[np.uint8]) -> Image:
    return np.clip(image, 0, 255).astype(np.uint8)


def perspective(image: Image, rng: np.random.Generator, strength: float = 0.45) -> Image:
    """The card tilted towards or away from the camera (corners moved by up to ``strength``)."""
    h, w = image.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    jitter = rng.uniform(-strength, strength, (4, 2)) * np.array([w, h]) * 0.5
    dst = (src + jitter).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    return np.asarray(cv2.warpPerspective(image, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE), np.uint8)


def motion_blur(image: Image, rng: np.random.Generator, length: tuple[int, int] = (6, 14)) -> Image:
    """The hand moving while the shutter is open: a line kernel at a random angle."""
    size = int(rng.integers(length[0], length[1] + 1))
    kernel = np.zeros((size, size), np.float32)
    kernel[size // 2, :] = 1.0
    rotation = cv2.getRotationMatrix2D((size / 2 - 0.5, size / 2 - 0.5), float(rng.uniform(0, 180)), 1.0)
    rotated = np.asarray(cv2.warpAffine(kernel, rotation, (size, size)), np.float32)
    rotated /= max(float(rotated.sum()), 1e-6)
    return np.asarray(cv2.filter2D(image, -1, rotated), np.uint8)


def defocus_blur(image: Image, rng: np.random.Generator, radius: tuple[float, float] = (1.5, 3.5)) -> Image:
    """The card closer than the fixed-focus lens can focus: a disc kernel."""
    r = float(rng.uniform(*radius))
    size = int(np.ceil(r)) * 2 + 1
    yy, xx = np.mgrid[:size, :size] - size // 2
    kernel = (xx**2 + yy**2 <= r * r).astype(np.float32)
    kernel /= kernel.sum()
    return np.asarray(cv2.filter2D(image, -1, kernel), np.uint8)


def glare(image: Image, rng: np.random.Generator, strength: tuple[float, float] = (0.8, 1.3)) -> Image:
    """A ceiling light reflected on the laminated card: a bright blob that washes out modules."""
    h, w = image.shape[:2]
    cy, cx = rng.uniform(0.2, 0.8) * h, rng.uniform(0.2, 0.8) * w
    sy, sx = rng.uniform(0.05, 0.18) * h, rng.uniform(0.05, 0.25) * w
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    blob = np.exp(-(((yy - cy) / sy) ** 2 + ((xx - cx) / sx) ** 2) / 2) * float(rng.uniform(*strength)) * 255
    return _u8(image.astype(np.float32) + blob[..., None])


def noise(image: Image, rng: np.random.Generator, sigma: tuple[float, float] = (30, 60)) -> Image:
    """Sensor noise of a cheap webcam."""
    return _u8(image.astype(np.float32) + rng.normal(0, rng.uniform(*sigma), image.shape).astype(np.float32))


def jpeg(image: Image, rng: np.random.Generator, quality: tuple[int, int] = (2, 12)) -> Image:
    """MJPEG compression of USB webcams at 720p."""
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(quality[0], quality[1] + 1))])
    if not ok:  # pragma: no cover - OpenCV always encodes a valid uint8 image
        raise RuntimeError("JPEG encoding failed")
    return np.asarray(cv2.imdecode(buffer, cv2.IMREAD_COLOR), np.uint8)


def low_light(image: Image, rng: np.random.Generator, gain: tuple[float, float] = (0.03, 0.1)) -> Image:
    """A dim counter: the signal squeezed into a few grey levels, plus the noise that comes with gain."""
    dark = image.astype(np.float32) * float(rng.uniform(*gain))
    dark += rng.normal(0, rng.uniform(1.5, 4.0), image.shape).astype(np.float32)
    return _u8(dark)


def zoom_out(image: Image, rng: np.random.Generator, scale: tuple[float, float] = (0.35, 0.55)) -> Image:
    """The card held far away: everything shrunk, so QR modules are 1-2 pixels wide."""
    h, w = image.shape[:2]
    s = float(rng.uniform(*scale))
    small = cv2.resize(image, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA)
    out = np.empty_like(image)
    out[:] = np.median(image.reshape(-1, image.shape[-1]), axis=0).astype(np.uint8)
    top, left = int(rng.integers(0, h - small.shape[0] + 1)), int(rng.integers(0, w - small.shape[1] + 1))
    out[top : top + small.shape[0], left : left + small.shape[1]] = small
    return out


def mixed(image: Image, rng: np.random.Generator) -> Image:
    """Two or three milder degradations together, as real frames have them."""
    chosen = rng.choice(len(_MILD), size=int(rng.integers(2, 4)), replace=False)
    for index in sorted(chosen):
        image = _MILD[index](image, rng)
    return image


_MILD: list[Degradation] = [
    lambda im, g: perspective(im, g, 0.1),
    lambda im, g: motion_blur(im, g, (3, 7)),
    lambda im, g: noise(im, g, (5, 15)),
    lambda im, g: low_light(im, g, (0.3, 0.6)),
    lambda im, g: jpeg(im, g, (25, 60)),
]

CATEGORIES: dict[str, Degradation] = {
    "clean": lambda im, g: im,
    "perspective": perspective,
    "motion_blur": motion_blur,
    "defocus": defocus_blur,
    "glare": glare,
    "noise": noise,
    "jpeg": jpeg,
    "low_light": low_light,
    "small_modules": zoom_out,
    "mixed": mixed,
}
"""The benchmark's categories, by name; ``small_modules`` is the card held far from the lens."""


def degrade(image: Image, category: str, rng: np.random.Generator | int | None = None) -> Image:
    """Apply one named degradation (a key of :data:`CATEGORIES`)."""
    g = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    return CATEGORIES[category](image, g)
