"""Y4M clips for Chromium's fake camera: a rendered barcode, slightly moving and blurred.

Chromium plays a ``--use-file-for-fake-video-capture`` clip in a loop as the camera. The
clips are raw YUV 4:2:0 (the Y4M container), written here from Pillow frames, so the
browser test needs no video tools.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from tests.imaging import linear, qr

SIZE = (640, 480)
FPS = 15


def _yuv420(frame: Image.Image) -> bytes:
    """Full-range BT.601 YUV 4:2:0 planes of an RGB frame (what C420jpeg means)."""
    rgb = np.asarray(frame.convert("RGB"), dtype=np.float32)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    u = -0.168736 * r - 0.331264 * g + 0.5 * b + 128
    v = 0.5 * r - 0.418688 * g - 0.081312 * b + 128
    h, w = y.shape

    def half(plane: np.ndarray) -> np.ndarray:
        return plane.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))

    planes = [y, half(u), half(v)]
    return b"".join(np.clip(p + 0.5, 0, 255).astype(np.uint8).tobytes() for p in planes)


def write_y4m(path: Path, frames: list[Image.Image], fps: int = FPS) -> Path:
    w, h = frames[0].size
    with open(path, "wb") as fh:
        fh.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            fh.write(b"FRAME\n")
            fh.write(_yuv420(frame))
    return path


def _shelf(size: tuple[int, int], seed: int) -> Image.Image:
    """A cardboard-coloured background with some texture, so frames are not flat."""
    rng = np.random.default_rng(seed)
    base = np.zeros((size[1], size[0], 3), dtype=np.float32) + np.array([196, 180, 150], dtype=np.float32)
    base += rng.normal(0, 9, size=(size[1], size[0], 1))
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")


def barcode_clip(
    path: Path, digits: str, frames: int = 30, blur: float = 1.1, seed: int = 1, qr_text: str | None = None
) -> Path:
    """The barcode of ``digits`` (or a QR code of ``qr_text``) drifting a few pixels,
    tilting a little, softly blurred."""
    code = (qr(qr_text, scale=6) if qr_text else linear(digits, module=0.33)).convert("RGB")
    width = 220 if qr_text else 340
    scale = width / code.width
    code = code.resize((width, round(code.height * scale)), Image.Resampling.LANCZOS)
    shelf = _shelf(SIZE, seed)
    out = []
    for i in range(frames):
        phase = 2 * math.pi * i / frames
        frame = shelf.copy()
        tilted = code.rotate(2.0 * math.sin(phase), expand=True, fillcolor=(196, 180, 150))
        x = (SIZE[0] - tilted.width) // 2 + round(9 * math.sin(phase))
        y = (SIZE[1] - tilted.height) // 2 + round(6 * math.cos(phase))
        frame.paste(tilted, (x, y))
        out.append(frame.filter(ImageFilter.GaussianBlur(blur + 0.3 * (1 + math.sin(3 * phase)))))
    return write_y4m(path, out)


def empty_clip(path: Path, frames: int = 30, seed: int = 2) -> Path:
    """The same shelf and movement with no code on it."""
    shelf = _shelf(SIZE, seed)
    out = []
    for i in range(frames):
        dx = round(9 * math.sin(2 * math.pi * i / frames))
        out.append(
            shelf.transform(SIZE, Image.Transform.AFFINE, (1, 0, dx, 0, 1, 0)).filter(
                ImageFilter.GaussianBlur(1.2)
            )
        )
    return write_y4m(path, out)
