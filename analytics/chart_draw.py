"""Shapes of a chart and the two ways to draw them: SVG text and a PNG through Pillow.

A laid-out chart is a `Drawing`: rectangles (with an optional tooltip), lines and text with an
anchor, in pixels. Text is measured with the font Pillow draws with (its bundled FreeType font),
so labels laid out for the PNG fit in the SVG too (browsers' sans-serif fonts are about as wide).
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from replicost.escape import xml_text

if TYPE_CHECKING:
    from PIL import ImageFont

# Tableau 10: distinct hues that stay readable for the common colour-vision deficiencies.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
)
OTHER_COLOR = "#bab0ac"
UNPRICED_COLOR = "#8c8c8c"
INK, MUTED, GRID = "#222222", "#666666", "#e3e3e3"
FONT_FAMILY = "Helvetica, Arial, sans-serif"
PNG_SCALE = 2  # PNG pixels per layout pixel: crisp on high-density screens and slides


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    tip: str | None = None  # shown on hover in SVG (a <title>); ignored in PNG


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID
    width: float = 1.0


@dataclass
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float = 12
    anchor: str = "start"  # start | middle | end
    fill: str = INK


@dataclass
class Drawing:
    width: int
    height: int
    title: str
    shapes: list[Rect | Line | Text] = field(default_factory=list)

    def add(self, shape: Rect | Line | Text) -> None:
        self.shapes.append(shape)


@functools.cache
def _font(size: float) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def measure(text: str, size: float = 12) -> float:
    """Width of `text` in layout pixels at font `size`."""
    return float(_font(size * PNG_SCALE).getlength(text)) / PNG_SCALE


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def svg(drawing: Drawing, *, element_id: str | None = None) -> str:
    """The drawing as an `<svg>` element (valid as a file and inline in HTML)."""
    esc = xml_text  # labels are data: XML's forbidden characters would void the whole file
    ident = f' id="{esc(element_id)}"' if element_id else ""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg"{ident} width="{drawing.width}" '
        f'height="{drawing.height}" viewBox="0 0 {drawing.width} {drawing.height}" '
        f'font-family="{FONT_FAMILY}" role="img"><title>{esc(drawing.title)}</title>',
        f'<rect width="{drawing.width}" height="{drawing.height}" fill="#ffffff"/>',
    ]
    for shape in drawing.shapes:
        if isinstance(shape, Rect):
            attrs = (
                f'x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" '
                f'height="{_n(shape.h)}" fill="{shape.fill}"'
            )
            if shape.tip:
                out.append(f"<rect {attrs}><title>{esc(shape.tip)}</title></rect>")
            else:
                out.append(f"<rect {attrs}/>")
        elif isinstance(shape, Line):
            out.append(
                f'<line x1="{_n(shape.x1)}" y1="{_n(shape.y1)}" x2="{_n(shape.x2)}" '
                f'y2="{_n(shape.y2)}" stroke="{shape.stroke}" stroke-width="{_n(shape.width)}"/>'
            )
        else:
            out.append(
                f'<text x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size)}" '
                f'text-anchor="{shape.anchor}" fill="{shape.fill}">{esc(shape.text)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"


_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}  # Pillow: left/middle/right, baseline


def png(drawing: Drawing) -> bytes:
    """The drawing as PNG bytes, `PNG_SCALE` times the layout's pixel size."""
    from PIL import Image, ImageDraw

    s = PNG_SCALE
    image = Image.new("RGB", (drawing.width * s, drawing.height * s), "#ffffff")
    draw = ImageDraw.Draw(image)
    for shape in drawing.shapes:
        if isinstance(shape, Rect):
            if shape.w <= 0 or shape.h <= 0:
                continue
            x0, y0 = round(shape.x * s), round(shape.y * s)
            x1 = max(x0, round((shape.x + shape.w) * s) - 1)
            y1 = max(y0, round((shape.y + shape.h) * s) - 1)
            draw.rectangle((x0, y0, x1, y1), fill=shape.fill)
        elif isinstance(shape, Line):
            draw.line(
                (shape.x1 * s, shape.y1 * s, shape.x2 * s, shape.y2 * s),
                fill=shape.stroke,
                width=max(1, round(shape.width * s)),
            )
        else:
            draw.text(
                (shape.x * s, shape.y * s),
                shape.text,
                fill=shape.fill,
                font=_font(shape.size * s),
                anchor=_ANCHORS[shape.anchor],
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
