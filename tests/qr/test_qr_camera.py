"""Decoders, the cascade pipeline and the camera worker, fed by the virtual webcam."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from hardware_mocks.degrade import CATEGORIES, degrade
from hardware_mocks.qr_image import card_frame, render_qr, synthetic_identity, synthetic_payload
from hardware_mocks.virtual_webcam import VirtualWebcam
from station.readers.camera import CameraWorker, NoCameraError, PayloadEvent, QrPipeline, Stage, open_source
from station.readers.decoders import OpenCvDecoder, ZbarDecoder, ZxingDecoder, all_decoders, to_gray
from station.readers.qr import QrLayout, format_qr_payload, parse_qr

PAYLOAD = "001099012345|123456789|Lê Văn Hậu|05031999|Nam|Thôn Ước Lễ, xã Tân Ước, Thành phố Hà Nội|15042021"


def test_zbar_gives_raw_bytes_where_text_mode_gives_mojibake() -> None:
    """The zbar bug (mchehab/zbar#212) is real here, and our adapter sidesteps it."""
    from pyzbar import pyzbar

    image = render_qr("Lê Văn Hậu", module_px=4)
    text_mode = pyzbar.decode(image)[0].data.decode("utf-8")
    assert text_mode != "Lê Văn Hậu"  # zbar guessed Shift-JIS: "Lﾃｪ Vﾄハ H蘯ｭu"
    decoder = ZbarDecoder()
    assert decoder.raw_bytes  # libzbar0 0.23.9x has ZBAR_CFG_BINARY
    (symbol,) = decoder.decode(image)
    assert symbol.data == "Lê Văn Hậu".encode() and symbol.raw_bytes


@pytest.mark.parametrize("decoder", [ZxingDecoder(), ZbarDecoder(), OpenCvDecoder()], ids=lambda d: d.name)
def test_each_decoder_reads_a_clean_card(decoder: ZxingDecoder | ZbarDecoder | OpenCvDecoder) -> None:
    frame = card_frame(PAYLOAD, module_px=4, rng=1)
    symbols = decoder.decode(to_gray(frame))
    assert [s.data for s in symbols] == [PAYLOAD.encode()]
    assert symbols[0].decoder == decoder.name


def test_pipeline_reads_and_parses() -> None:
    pipeline = QrPipeline()
    result = pipeline.decode(card_frame(PAYLOAD, module_px=3.5, rng=2))
    assert result is not None
    assert result.text == PAYLOAD and result.payload is not None
    assert result.payload.identity == parse_qr(PAYLOAD)
    assert pipeline.decode(np.full((720, 1280, 3), 100, np.uint8)) is None


def test_pipeline_refuses_non_cccd_and_invalid_text() -> None:
    assert QrPipeline().decode(card_frame("https://example.org/x", rng=3)) is None
    result = QrPipeline(require_cccd=False).decode(card_frame("Xin chào", rng=3))
    assert result is not None and result.text == "Xin chào" and result.payload is None
    # Not Vietnamese text: refused even when anything goes.
    assert QrPipeline(require_cccd=False).decode(card_frame("価格 ¥500", rng=3)) is None


def test_pipeline_falls_back_to_later_stages() -> None:
    class Blind:
        name = "blind"

        def decode(self, gray: object) -> list[object]:
            return []

    zbar = ZbarDecoder()
    pipeline = QrPipeline([Stage(Blind()), Stage(zbar)])  # type: ignore[arg-type]
    result = pipeline.decode(card_frame(PAYLOAD, rng=4))
    assert result is not None and result.stage == "pyzbar/as-is"
    assert pipeline.stage_hits == {"blind/as-is": 0, "pyzbar/as-is": 1}


def test_live_budget_rotates_fallbacks_across_frames() -> None:
    seen: list[str] = []

    class Spy:
        def __init__(self, name: str) -> None:
            self.name = name

        def decode(self, gray: object) -> list[object]:
            seen.append(self.name)
            return []

    stages = [Stage(Spy(n)) for n in ("fast", "a", "b", "c")]  # type: ignore[arg-type]
    pipeline = QrPipeline(stages, frame_budget_ms=0.0)
    frame = np.zeros((10, 10), np.uint8)
    for _ in range(3):
        pipeline.decode(frame)
    assert seen == ["fast", "a", "fast", "b", "fast", "c"]
    seen.clear()
    QrPipeline(stages).decode(frame)  # no budget: everything, in order
    assert seen == ["fast", "a", "b", "c"]


def test_degradations_keep_shape_and_change_pixels() -> None:
    frame = card_frame(PAYLOAD, rng=5)
    for name in CATEGORIES:
        out = degrade(frame, name, 6)
        assert out.shape == frame.shape and out.dtype == np.uint8
        assert (name == "clean") == np.array_equal(out, frame)


def test_virtual_webcam_through_the_same_worker() -> None:
    frames = [np.full((720, 1280, 3), 90, np.uint8), card_frame(PAYLOAD, rng=7)]
    camera = VirtualWebcam(frames, repeat_each=4, degradation="noise", seed=1)
    events: list[PayloadEvent] = []
    done = threading.Event()
    worker = CameraWorker(camera, events.append, on_finished=done.set, workers=2, drop_frames=False)
    worker.start()
    assert done.wait(60)
    worker.join(10)
    # Repeated sightings of one card are one event.
    assert len(events) == 1
    assert events[0].text == PAYLOAD and events[0].payload is not None
    assert worker.stats.frames_read == 8 == worker.stats.frames_decoded
    assert not camera.isOpened()  # released at end of stream


def test_worker_emits_again_after_the_card_was_gone() -> None:
    sightings = iter([0.0, 1.0, 5.0])  # the clock is read at each sighting of a payload
    events: list[PayloadEvent] = []
    card = card_frame(PAYLOAD, rng=8)
    frames = [card, card, np.full_like(card, 90), card]
    worker = CameraWorker(
        VirtualWebcam(frames),
        events.append,
        workers=1,
        drop_frames=False,
        repeat_after=1.5,
        clock=lambda: next(sightings),
    )
    worker.start()
    worker.join(30)
    # t=0 emitted; t=1 is the same presentation (suppressed); t=5 is the card shown again.
    assert [e.frame_index for e in events] == [0, 3]


def test_open_source_errors_and_passthrough() -> None:
    camera = VirtualWebcam([])
    assert open_source(camera) is camera
    with pytest.raises(NoCameraError):
        open_source("/nonexistent/video.mp4")


def test_generator_prints_the_real_layouts() -> None:
    for seed in range(20):
        identity, payload = synthetic_payload(seed)
        assert parse_qr(payload).id_number == identity.id_number
    person = synthetic_identity(3, issued_2024=True)
    assert person.father_name and person.mother_name
    text = format_qr_payload(person, QrLayout.CAN_CUOC_2024)
    (symbol,) = all_decoders()[0].decode(render_qr(text, module_px=3))
    assert symbol.data.decode() == text


def test_video_and_image_files_play_through_the_worker(tmp_path: Path) -> None:
    import cv2

    card = card_frame(PAYLOAD, module_px=4, rng=9)
    video = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"MJPG"), 30, (1280, 720))
    for frame in [np.full_like(card, 80), card, card]:
        writer.write(frame)
    writer.release()
    still = tmp_path / "ảnh.png"
    cv2.imencode(".png", card)[1].tofile(str(still))

    camera = VirtualWebcam.from_files([video, still], fps=200)
    events: list[PayloadEvent] = []
    worker = CameraWorker(camera, events.append, workers=1, drop_frames=False)
    worker.start()
    worker.join(60)
    assert worker.stats.frames_read == 4
    assert len(events) == 1 and events[0].frame_index == 1 and events[0].text == PAYLOAD

    # A file path goes to OpenCV's own VideoCapture: the same worker, no mock involved.
    events.clear()
    worker = CameraWorker(str(video), events.append, workers=1, drop_frames=False)
    worker.start()
    worker.join(60)
    assert [e.text for e in events] == [PAYLOAD]


def test_4k_frame_is_downscaled_and_read() -> None:
    import cv2

    frame = card_frame(PAYLOAD, module_px=4, rng=10)
    big = cv2.resize(frame, (3840, 2160), interpolation=cv2.INTER_NEAREST)
    result = QrPipeline().decode(big)
    assert result is not None and result.text == PAYLOAD
