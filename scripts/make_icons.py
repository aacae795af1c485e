"""Draws the app icons (app/static/icons/*.png) from the shapes of app/static/icon.svg.

Pure Python (zlib + struct), so the artwork needs no image library: run it again after
changing the shapes below, and commit the PNGs it writes.

    .venv/bin/python scripts/make_icons.py
"""

import math
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "app" / "static" / "icons"
VIEWBOX = 64.0
BLUE = (0x1D, 0x4E, 0x89)
WHITE = (0xFF, 0xFF, 0xFF)
YELLOW = (0xFF, 0xBF, 0x47)
GREEN = (0x9F, 0xD4, 0xA8)


@dataclass(frozen=True)
class RoundedRect:
    x: float
    y: float
    width: float
    height: float
    radius: float
    colour: tuple[int, int, int]

    def scaled(self, factor: float, centre: float = VIEWBOX / 2) -> "RoundedRect":
        return RoundedRect(
            centre + (self.x - centre) * factor,
            centre + (self.y - centre) * factor,
            self.width * factor,
            self.height * factor,
            self.radius * factor,
            self.colour,
        )

    def distance(self, px: float, py: float) -> float:
        """Signed distance from a point to the edge (negative inside), in viewBox units."""
        half_w, half_h = self.width / 2, self.height / 2
        qx = abs(px - (self.x + half_w)) - (half_w - self.radius)
        qy = abs(py - (self.y + half_h)) - (half_h - self.radius)
        outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
        return outside + min(max(qx, qy), 0.0) - self.radius


# The board: three columns of cards, tallest first ("to do", "doing", "done"), as in icon.svg.
BARS = (
    RoundedRect(10, 14, 12, 36, 3, WHITE),
    RoundedRect(26, 14, 12, 24, 3, YELLOW),
    RoundedRect(42, 14, 12, 16, 3, GREEN),
)


def draw(size: int, shapes: tuple[RoundedRect, ...]) -> list[bytearray]:
    """RGBA rows. Edges are smoothed by the pixel's coverage, estimated from the distance."""
    unit = VIEWBOX / size
    rows = []
    for row in range(size):
        line = bytearray(size * 4)
        py = (row + 0.5) * unit
        for column in range(size):
            px = (column + 0.5) * unit
            red = green = blue = alpha = 0.0
            for shape in shapes:
                coverage = min(max(0.5 - shape.distance(px, py) / unit, 0.0), 1.0)
                if coverage == 0.0:
                    continue
                # "Over" compositing, with premultiplied colour.
                red = shape.colour[0] * coverage + red * (1 - coverage)
                green = shape.colour[1] * coverage + green * (1 - coverage)
                blue = shape.colour[2] * coverage + blue * (1 - coverage)
                alpha = coverage + alpha * (1 - coverage)
            if alpha > 0:
                line[column * 4 : column * 4 + 4] = bytes(
                    (round(red / alpha), round(green / alpha), round(blue / alpha), round(alpha * 255))
                )
        rows.append(line)
    return rows


def png(rows: list[bytearray]) -> bytes:
    height, width = len(rows), len(rows[0]) // 4

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    raw = b"".join(b"\x00" + bytes(line) for line in rows)  # filter type 0 on every row
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def icons() -> dict[str, bytes]:
    rounded = (RoundedRect(0, 0, VIEWBOX, VIEWBOX, 14, BLUE), *BARS)
    # Launchers that cut their own shape (maskable, Apple) get a full square, and a maskable
    # icon keeps its picture inside the central circle that every mask leaves visible.
    square = RoundedRect(0, 0, VIEWBOX, VIEWBOX, 0, BLUE)
    return {
        "icon-192.png": png(draw(192, rounded)),
        "icon-512.png": png(draw(512, rounded)),
        "maskable-512.png": png(draw(512, (square, *(bar.scaled(0.8) for bar in BARS)))),
        "apple-touch-icon.png": png(draw(180, (square, *BARS))),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in icons().items():
        (OUT / name).write_bytes(data)
        print(f"{OUT / name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
