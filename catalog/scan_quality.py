"""Why a photo could not be read, in terms a shopper can act on.

Measured on the busiest part of the frame (where the code most likely is), because a
sharp, well-lit background says nothing about the code:

- blur: the width of the region's edges. A sharp print edge rises within a pixel or two;
  defocus spreads it over many (contrast / steepest slope, in pixels).
- glare: clipped highlights inside or right beside that region.
- dark: the region's bright parts are not bright.
- small: the region is too few pixels across for the bars to be told apart.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from PIL import Image

from catalog.scan_passes import cap

TILE = 16  # pixels of the analysed (<= 640 px) image
MIN_EXTENT = 170  # pixels of the decoded image


class Advice(StrEnum):
    GLARE = "glare"
    DARK = "dark"
    BLUR = "blur"
    SMALL = "small"
    FRAME = "frame"  # nothing specific found: fill the frame with the code, hold steady


def _tiles(values: np.ndarray, rows: int, cols: int) -> np.ndarray:
    return values[: rows * TILE, : cols * TILE].reshape(rows, TILE, cols, TILE).mean(axis=(1, 3))


def _component(mask: np.ndarray, seed: tuple[int, ...]) -> np.ndarray:
    """The tiles of ``mask`` connected to ``seed`` (8-neighbours): one code, not all the clutter."""
    out = np.zeros_like(mask)
    todo = [seed]
    while todo:
        y, x = todo.pop()
        if out[y, x] or not mask[y, x]:
            continue
        out[y, x] = True
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                ny, nx = y + dy, x + dx
                if 0 <= ny < mask.shape[0] and 0 <= nx < mask.shape[1]:
                    todo.append((ny, nx))
    return out


def measure(img: Image.Image) -> dict[str, float]:
    """The figures behind the advice (the benchmark and tests read them too)."""
    small = cap(img, 640)
    a = np.asarray(small, dtype=np.float32)
    rows, cols = a.shape[0] // TILE, a.shape[1] // TILE
    blank = {
        "edge_width": 0.0,
        "glare": 0.0,
        "bright": 255.0,
        "contrast": 0.0,
        "extent": float(max(img.size)),
    }
    if rows < 2 or cols < 2:
        return blank
    gx = np.abs(np.diff(a, axis=1))[:-1, :]
    gy = np.abs(np.diff(a, axis=0))[:, :-1]
    grad = np.maximum(gx, gy)
    energy = _tiles(np.pad(grad, ((0, 1), (0, 1))), rows, cols)
    if energy.max() < 1:  # a blank frame: nothing to judge
        return blank
    # the code region: the busiest tile and the tiles joined to it with at least half its
    # texture, and the rectangle around them
    busy = _component(energy >= 0.5 * energy.max(), np.unravel_index(int(energy.argmax()), energy.shape))
    ys, xs = np.nonzero(busy)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    region = a[y0 * TILE : y1 * TILE, x0 * TILE : x1 * TILE]
    region_grad = grad[y0 * TILE : min(y1 * TILE, grad.shape[0]), x0 * TILE : min(x1 * TILE, grad.shape[1])]
    lo, hi = np.percentile(region, [5, 95])
    steepest = float(np.percentile(region_grad, 99.5)) if region_grad.size else 0.0
    edge_width = float((hi - lo) / steepest) if steepest > 0 else 99.0
    # glare: clipped pixels in the region grown by half its size
    gy0, gy1 = max(0, y0 - (y1 - y0) // 2), min(rows, y1 + (y1 - y0) // 2)
    gx0, gx1 = max(0, x0 - (x1 - x0) // 2), min(cols, x1 + (x1 - x0) // 2)
    around = a[gy0 * TILE : gy1 * TILE, gx0 * TILE : gx1 * TILE]
    glare = float((around >= 250).mean())
    to_plain = max(img.size) / max(small.size)  # thumbnail pixels -> pixels of the given image
    return {
        "edge_width": edge_width * to_plain,
        "glare": glare,
        "bright": float(hi),
        "contrast": float(hi - lo),
        "extent": float(max(y1 - y0, x1 - x0) * TILE * to_plain),
    }


def advise(img: Image.Image) -> list[Advice]:
    """Advice for retaking a photo nothing sure was read from, most useful first.

    Limits in pixels of the decoded image: print edges rise within about two pixels when
    in focus; an EAN-13 is 113 bar units wide with its margins and the decoders need about
    1.5 px per unit, so a code region narrower than about 170 px is too small to read.
    """
    m = measure(img)
    advice = []
    if m["glare"] > 0.02:
        advice.append(Advice.GLARE)
    if m["bright"] < 90:
        advice.append(Advice.DARK)
    if m["edge_width"] > 2.6:
        advice.append(Advice.BLUR)
    elif m["extent"] < MIN_EXTENT:
        advice.append(Advice.SMALL)
    return advice or [Advice.FRAME]
