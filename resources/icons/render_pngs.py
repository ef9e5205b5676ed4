"""Render recap.svg to the PNG sizes desktops ask for (run after editing the SVG; the PNGs are committed).

QT_QPA_PLATFORM=offscreen python resources/icons/render_pngs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (QPainter needs an application)
    here = Path(__file__).resolve().parent
    renderer = QSvgRenderer(str(here / "recap.svg"))
    if not renderer.isValid():
        print("recap.svg could not be read", file=sys.stderr)
        return 1
    for size in SIZES:
        img = QImage(size, size, QImage.Format.Format_ARGB32)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        renderer.render(p)
        p.end()
        img.save(str(here / f"recap-{size}.png"))
    print(f"wrote {len(SIZES)} PNGs to {here}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
