"""Draw the integration's brand images (custom_components/overkiz_batch/brand/).

Home Assistant serves a custom integration's brand/ folder in its frontend. The
images are drawn here rather than kept only as binaries, so anyone can change them:
    scripts/python scripts/lib/brand.py
Icon: a window whose shutter slats are sent down together (one batch); logo: the icon
beside the name, in a light and a dark variant.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parents[2] / "custom_components/overkiz_batch/brand"
FONT = Path(mpl.get_data_path()) / "fonts/ttf/DejaVuSans-Bold.ttf"
BLUE = (25, 103, 170, 255)
SKY = (178, 220, 245, 255)
WHITE = (255, 255, 255, 255)
AMBER = (255, 183, 3, 255)
INK = (33, 37, 41, 255)


def icon(size: int) -> Image.Image:
    """Draw a blue tile with a window, its shutter half down, and a batch badge."""
    scale = 4  # drawn large, then reduced, for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, ...]:
        return tuple(round(v * big) for v in (x0, y0, x1, y1))

    draw.rounded_rectangle(box(0.02, 0.02, 0.98, 0.98), radius=big * 0.2, fill=BLUE)
    # Window: frame, glass, and a shutter of slats covering its upper part.
    draw.rounded_rectangle(box(0.18, 0.16, 0.82, 0.84), radius=big * 0.04, fill=WHITE)
    draw.rectangle(box(0.24, 0.22, 0.76, 0.78), fill=SKY)
    draw.line(box(0.50, 0.22, 0.50, 0.78), fill=WHITE, width=round(big * 0.025))
    slat, gap = 0.05, 0.022
    y = 0.22
    while y + slat <= 0.60:
        draw.rectangle(box(0.22, y, 0.78, y + slat), fill=INK)
        y += slat + gap
    # The batch: three stacked bars on an amber badge.
    draw.ellipse(box(0.58, 0.58, 0.96, 0.96), fill=AMBER, outline=BLUE,
                 width=round(big * 0.025))  # fmt: skip
    for i in range(3):
        top = 0.67 + i * 0.07
        draw.rounded_rectangle(
            box(0.67, top, 0.87, top + 0.045), radius=big * 0.01, fill=INK
        )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def logo(height: int, text_color: tuple[int, int, int, int]) -> Image.Image:
    """Draw the icon and the name on one line, on a transparent background."""
    font = ImageFont.truetype(str(FONT), round(height * 0.42))
    text = "Overkiz Batch"
    left, top, right, bottom = font.getbbox(text)
    pad = round(height * 0.18)
    width = height + pad + (right - left) + pad // 2
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.alpha_composite(icon(height))
    ImageDraw.Draw(image).text(
        (height + pad - left, (height - (bottom - top)) // 2 - top),
        text,
        font=font,
        fill=text_color,
    )
    return image


def main() -> None:
    """Write every image Home Assistant asks a brand folder for."""
    OUT.mkdir(parents=True, exist_ok=True)
    icon(256).save(OUT / "icon.png", optimize=True)
    icon(512).save(OUT / "icon@2x.png", optimize=True)
    logo(128, INK).save(OUT / "logo.png", optimize=True)
    logo(256, INK).save(OUT / "logo@2x.png", optimize=True)
    logo(128, WHITE).save(OUT / "dark_logo.png", optimize=True)
    logo(256, WHITE).save(OUT / "dark_logo@2x.png", optimize=True)


if __name__ == "__main__":
    main()
