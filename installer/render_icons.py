"""Render the application icon (SVG) to the PNG, ICO and ICNS files the installers need."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(svg: Path, out_dir: Path, sizes: tuple[int, ...] = HICOLOR_SIZES) -> list[Path]:
    """Write ``<size>x<size>/apps/fieldcrm.png`` under ``out_dir`` for every size."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG file")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        target = out_dir / f"{size}x{size}" / "apps" / f"{svg.stem}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target)):
            raise SystemExit(f"could not write {target}")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("svg", type=Path)
    parser.add_argument("out_dir", type=Path, help="e.g. usr/share/icons/hicolor")
    parser.add_argument("--ico", type=Path, help="also write a Windows icon (256 px) here")
    args = parser.parse_args(argv)
    written = render(args.svg, args.out_dir)
    for path in written:
        print(path)
    if args.ico is not None:
        from PySide6.QtGui import QImage

        largest = QImage(str(written[-1]))
        if not largest.save(str(args.ico), b"ICO"):
            raise SystemExit(f"could not write {args.ico} (Qt's ICO image plugin is missing)")
        print(args.ico)
    return 0


if __name__ == "__main__":
    sys.exit(main())
