"""Draw soja_map/web/static/icon-{192,512}.png with the shapes of icon.svg (run from the repo root; the PNGs are committed)."""

from PIL import Image, ImageDraw

BLUE = (0, 0x72, 0xB2, 255)
for size in (192, 512):
    k = 4  # supersample
    s = size * k / 512
    img = Image.new("RGBA", (size * k, size * k), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([0, 0, size * k - 1, size * k - 1], radius=96 * s, fill=BLUE)
    cx, cy, r = 256 * s, 204 * s, 116 * s
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill="white")
    # tangent-ish points of the pin (same as the SVG path's 156,262 and 356,262)
    d.polygon([(156 * s, 262 * s), (356 * s, 262 * s), (256 * s, 440 * s)], fill="white")
    r2 = 48 * s
    d.ellipse([cx - r2, cy - r2, cx + r2, cy + r2], fill=BLUE)
    d.rounded_rectangle(
        [96 * s, 448 * s, 416 * s, 464 * s], radius=8 * s, fill=(153, 199, 224, 255)
    )
    img.resize((size, size), Image.LANCZOS).save(
        f"soja_map/web/static/icon-{size}.png", optimize=True
    )
