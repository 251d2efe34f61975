#!/usr/bin/env python3
"""Draws a picture of every product in scripts/seed/catalog.json, as a PNG per SKU.

    python3 scripts/seed/draw_images.py OUT_DIR [SKU ...]

writes OUT_DIR/<SKU>.png (every product, or the SKUs named): 640x480, the storefront's 4:3 frame,
a simple illustration of the product's kind (a tea packet, a mug, a teapot, a kettle...) in its
own colours, with its name's initials where it has a label. Nothing is downloaded: the shapes are
signed distance functions filled with one pixel of anti-aliasing, written with zlib and struct
only (the system python3, no Pillow). The output is the same on every run, byte for byte.
scripts/dev uploads these as the seeded products' images, through the admin API.
"""

import colorsys
import json
import math
import os
import struct
import sys
import zlib

W, H = 640, 480
FLOOR = 400


# --- Colours -------------------------------------------------------------------------------------


def hex_rgb(text):
    text = text.lstrip("#")
    return tuple(int(text[i : i + 2], 16) for i in (0, 2, 4))


def mix(a, b, t):
    return tuple(int(round(a[i] + (b[i] - a[i]) * t)) for i in range(3))


def shade(c, k):
    """Darker (k < 1) or lighter (k > 1) towards black or white."""
    return mix(c, (0, 0, 0), 1 - k) if k < 1 else mix(c, (255, 255, 255), k - 1)


WHITE, BLACK = (255, 255, 255), (0, 0, 0)


# --- Paints: what a shape is filled with, as whole rows of the canvas ----------------------------


class Paint:
    """A colour per pixel, handed out a row at a time: one colour, or a gradient along x or y."""

    def __init__(self, at_y=None, at_x=None):
        self._at_y, self._rows = at_y, {}
        self._row = None
        if at_x is not None:
            self._row = b"".join(bytes(at_x(x + 0.5)) for x in range(W))

    def row(self, y):
        if self._row is not None:
            return self._row
        row = self._rows.get(y)
        if row is None:
            row = self._rows[y] = bytes(self._at_y(y + 0.5)) * W
        return row


def solid(c):
    return Paint(at_x=lambda _x: c)


def vertical(y0, c0, y1, c1):
    return Paint(at_y=lambda y: mix(c0, c1, min(1.0, max(0.0, (y - y0) / (y1 - y0)))))


def cylinder(x0, x1, c, light=1.18, dark=0.72):
    """Lit from the upper left: light a third of the way across, darker towards both edges."""

    def at(x):
        t = min(1.0, max(0.0, (x - x0) / (x1 - x0)))
        k = light - (light - 1) * abs(t - 0.3) / 0.3 if t < 0.3 else 1 - (1 - dark) * ((t - 0.3) / 0.7) ** 1.5
        return shade(c, k)

    return Paint(at_x=at)


# --- Shapes: a signed distance (negative inside, in pixels) and a box that holds the shape ------


class Shape:
    def __init__(self, sd, box):
        self.sd, self.box = sd, box

    def __or__(self, other):
        a, b = self.sd, other.sd
        return Shape(lambda x, y: min(a(x, y), b(x, y)), union_box(self.box, other.box))

    def __and__(self, other):
        a, b = self.sd, other.sd
        box = (max(self.box[0], other.box[0]), max(self.box[1], other.box[1]),
               min(self.box[2], other.box[2]), min(self.box[3], other.box[3]))
        return Shape(lambda x, y: max(a(x, y), b(x, y)), box)

    def __sub__(self, other):
        a, b = self.sd, other.sd
        return Shape(lambda x, y: max(a(x, y), -b(x, y)), self.box)

    def grow(self, r):
        sd = self.sd
        x0, y0, x1, y1 = self.box
        return Shape(lambda x, y: sd(x, y) - r, (x0 - r, y0 - r, x1 + r, y1 + r))

    def outline(self, width):
        sd, h = self.sd, width / 2
        x0, y0, x1, y1 = self.box
        return Shape(lambda x, y: abs(sd(x, y)) - h, (x0 - h, y0 - h, x1 + h, y1 + h))

    def rotate(self, degrees, cx, cy):
        sd = self.sd
        c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))

        def turned(x, y):
            dx, dy = x - cx, y - cy
            return sd(cx + dx * c + dy * s, cy - dx * s + dy * c)

        corners = [(self.box[i], self.box[j]) for i in (0, 2) for j in (1, 3)]
        xs = [cx + (px - cx) * c - (py - cy) * s for px, py in corners]
        ys = [cy + (px - cx) * s + (py - cy) * c for px, py in corners]
        return Shape(turned, (min(xs), min(ys), max(xs), max(ys)))


def union_box(a, b):
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def union(*shapes):
    out = shapes[0]
    for s in shapes[1:]:
        out = out | s
    return out


def circle(cx, cy, r):
    return Shape(lambda x, y: math.hypot(x - cx, y - cy) - r, (cx - r, cy - r, cx + r, cy + r))


def ellipse(cx, cy, rx, ry):
    if rx == ry:
        return circle(cx, cy, rx)

    def sd(x, y):
        px, py = (x - cx), (y - cy)
        k0 = math.hypot(px / rx, py / ry)
        k1 = math.hypot(px / (rx * rx), py / (ry * ry))
        return k0 * (k0 - 1) / k1 if k1 > 0 else -min(rx, ry)

    return Shape(sd, (cx - rx, cy - ry, cx + rx, cy + ry))


def rect(x0, y0, x1, y1, r=0.0):
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 - r, (y1 - y0) / 2 - r

    def sd(x, y):
        qx, qy = abs(x - cx) - hx, abs(y - cy) - hy
        return math.hypot(max(qx, 0), max(qy, 0)) + min(max(qx, qy), 0) - r

    return Shape(sd, (x0, y0, x1, y1))


def half_plane_below(y0):
    """Everything below the line y = y0 (further down the picture)."""
    return Shape(lambda x, y: y0 - y, (0, y0, W, H))


def half_plane_above(y0):
    return Shape(lambda x, y: y - y0, (0, 0, W, y0))


def polygon(points):
    n = len(points)

    def sd(x, y):
        vx, vy = points[0]
        d = (x - vx) ** 2 + (y - vy) ** 2
        s = 1.0
        j = n - 1
        for i in range(n):
            ix, iy = points[i]
            jx, jy = points[j]
            ex, ey = jx - ix, jy - iy
            wx, wy = x - ix, y - iy
            t = min(1.0, max(0.0, (wx * ex + wy * ey) / (ex * ex + ey * ey)))
            bx, by = wx - ex * t, wy - ey * t
            d = min(d, bx * bx + by * by)
            c1, c2, c3 = y >= iy, y < jy, ex * wy > ey * wx
            if (c1 and c2 and c3) or not (c1 or c2 or c3):
                s = -s
            j = i
        return s * math.sqrt(d)

    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Shape(sd, (min(xs), min(ys), max(xs), max(ys)))


def strokes(lines, r):
    """Polylines drawn with a round pen of radius r."""
    segments = []
    for line in lines:
        for (ax, ay), (bx, by) in zip(line, line[1:]):
            ex, ey = bx - ax, by - ay
            segments.append((ax, ay, ex, ey, ex * ex + ey * ey or 1e-9))

    def sd(x, y):
        best = 1e18
        for ax, ay, ex, ey, ee in segments:
            wx, wy = x - ax, y - ay
            t = (wx * ex + wy * ey) / ee
            t = 0.0 if t < 0 else 1.0 if t > 1 else t
            dx, dy = wx - ex * t, wy - ey * t
            d = dx * dx + dy * dy
            if d < best:
                best = d
        return math.sqrt(best) - r

    xs = [p[0] for line in lines for p in line]
    ys = [p[1] for line in lines for p in line]
    return Shape(sd, (min(xs) - r, min(ys) - r, max(xs) + r, max(ys) + r))


def arc(cx, cy, rx, ry, a0, a1, step=12):
    """Points along an ellipse from angle a0 to a1 (degrees; 90 is straight down)."""
    n = max(2, int(abs(a1 - a0) / step) + 1)
    return [(cx + rx * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
             cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n))) for i in range(n + 1)]


def bezier(p0, p1, p2, n=16):
    return [((1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t * t * p2[0],
             (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t * t * p2[1])
            for t in (i / n for i in range(n + 1))]


# --- The canvas ----------------------------------------------------------------------------------


class Canvas:
    BLOCK = 8
    # Farther than this from a block's centre, a shape covers all of the block or none of it (the
    # block's half diagonal and the pixel of anti-aliasing, with room for the approximate ones).
    MARGIN = 8.0

    def __init__(self, paint):
        self.px = bytearray(W * H * 3)
        for y in range(H):
            self.px[y * W * 3 : (y + 1) * W * 3] = paint.row(y)

    def fill(self, shape, paint, alpha=1.0):
        if isinstance(paint, tuple):
            paint = solid(paint)
        sd, px, B, margin = shape.sd, self.px, self.BLOCK, self.MARGIN
        x0, y0 = max(0, int(math.floor(shape.box[0])) - 1), max(0, int(math.floor(shape.box[1])) - 1)
        x1, y1 = min(W, int(math.ceil(shape.box[2])) + 2), min(H, int(math.ceil(shape.box[3])) + 2)
        for by in range(y0, y1, B):
            bh = min(B, y1 - by)
            for bx in range(x0, x1, B):
                bw = min(B, x1 - bx)
                d = sd(bx + bw / 2, by + bh / 2)
                if d > margin:
                    continue
                if d < -margin and alpha >= 1:
                    for y in range(by, by + bh):
                        i = (y * W + bx) * 3
                        px[i : i + 3 * bw] = paint.row(y)[3 * bx : 3 * (bx + bw)]
                    continue
                for y in range(by, by + bh):
                    row, cy = paint.row(y), y + 0.5
                    i = (y * W + bx) * 3
                    for x in range(bx, bx + bw):
                        a = 0.5 - sd(x + 0.5, cy)
                        if a > 0:
                            a = alpha if a >= 1 else a * alpha
                            j = 3 * x
                            if a >= 1:
                                px[i : i + 3] = row[j : j + 3]
                            else:
                                px[i] = int(px[i] + (row[j] - px[i]) * a + 0.5)
                                px[i + 1] = int(px[i + 1] + (row[j + 1] - px[i + 1]) * a + 0.5)
                                px[i + 2] = int(px[i + 2] + (row[j + 2] - px[i + 2]) * a + 0.5)
                        i += 3

    def png(self):
        raw = b"".join(b"\x00" + bytes(self.px[y * W * 3 : (y + 1) * W * 3]) for y in range(H))

        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# --- Lettering: a stroke font on a 4 x 6 grid (y down) -------------------------------------------


def _glyphs():
    o = [arc(2, 3, 2, 3, 0, 360, 10)]
    p = [[(0, 6), (0, 0), (2.3, 0)] + arc(2.3, 1.65, 1.7, 1.65, -90, 90)[1:] + [(0, 3.3)]]
    return {
        "A": [[(0, 6), (2, 0), (4, 6)], [(0.67, 4), (3.33, 4)]],
        "B": [[(0, 3), (0, 0), (2.4, 0)] + arc(2.4, 1.5, 1.5, 1.5, -90, 90)[1:] + [(0, 3)],
              [(0, 3), (0, 6), (2.5, 6)] + arc(2.5, 4.5, 1.5, 1.5, 90, -90)[1:] + [(0, 3)]],
        "C": [arc(2, 3, 2, 3, -40, -320, 10)],
        "D": [[(0, 0), (0, 6), (1.4, 6)] + arc(1.4, 3, 2.6, 3, 90, -90)[1:] + [(0, 0)]],
        "E": [[(4, 0), (0, 0), (0, 6), (4, 6)], [(0, 3), (3, 3)]],
        "F": [[(4, 0), (0, 0), (0, 6)], [(0, 3), (3, 3)]],
        "G": [arc(2, 3, 2, 3, -40, -320, 10) + [(4, 3.5), (2.4, 3.5)]],
        "H": [[(0, 0), (0, 6)], [(4, 0), (4, 6)], [(0, 3), (4, 3)]],
        "I": [[(2, 0), (2, 6)], [(1, 0), (3, 0)], [(1, 6), (3, 6)]],
        "J": [[(4, 0), (4, 4.2)] + arc(2, 4.2, 2, 1.8, 0, 180)[1:]],
        "K": [[(0, 0), (0, 6)], [(4, 0), (0, 3.8)], [(1.4, 2.5), (4, 6)]],
        "L": [[(0, 0), (0, 6), (4, 6)]],
        "M": [[(0, 6), (0, 0), (2, 3.6), (4, 0), (4, 6)]],
        "N": [[(0, 6), (0, 0), (4, 6), (4, 0)]],
        "O": o,
        "P": p,
        "Q": o + [[(2.6, 4.4), (4.2, 6.4)]],
        "R": p + [[(2, 3.3), (4, 6)]],
        "S": [arc(2, 1.55, 1.9, 1.55, -20, -270, 10) + arc(2, 4.45, 2, 1.55, -90, 160, 10)[1:]],
        "T": [[(0, 0), (4, 0)], [(2, 0), (2, 6)]],
        "U": [[(0, 0)] + arc(2, 4, 2, 2, 180, 0) + [(4, 0)]],
        "V": [[(0, 0), (2, 6), (4, 0)]],
        "W": [[(0, 0), (1, 6), (2, 2), (3, 6), (4, 0)]],
        "X": [[(0, 0), (4, 6)], [(4, 0), (0, 6)]],
        "Y": [[(0, 0), (2, 3), (4, 0)], [(2, 3), (2, 6)]],
        "Z": [[(0, 0), (4, 0), (0, 6), (4, 6)]],
        "0": o,
        "1": [[(0.8, 1.2), (2, 0), (2, 6)]],
        ".": [[(2, 6), (2, 6)]],
    }


GLYPHS = _glyphs()


def lettering(text, cx, cy, height, weight):
    """`text` centred on (cx, cy), capitals `height` pixels tall, strokes `weight` wide."""
    unit = height / 6
    # (advance, shift) in grid units: glyphs are 4 wide with 1.6 between them, but for these.
    spacing = {".": (2.4, -0.8), "1": (4.0, -0.4)}
    metrics = [spacing.get(ch, (5.6, 0.0)) for ch in text]
    x = cx - (sum(a for a, _ in metrics) - 1.6) * unit / 2
    lines = []
    for ch, (advance, shift) in zip(text, metrics):
        for line in GLYPHS.get(ch, []):
            lines.append([(x + (gx + shift) * unit, cy - height / 2 + gy * unit) for gx, gy in line])
        x += advance * unit
    return strokes(lines, weight / 2) if lines else None


def initials(name):
    return "".join(word[0].upper() for word in name.split()[:2] if word[0].isalpha())


# --- Scenes --------------------------------------------------------------------------------------


class Random:
    """A tiny deterministic generator (an LCG): the same speckles and leaves on every run."""

    def __init__(self, seed):
        self.state = zlib.crc32(seed.encode()) or 1

    def next(self):
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return self.state / 0x7FFFFFFF

    def between(self, a, b):
        return a + (b - a) * self.next()


def backdrop(tint):
    wall_top, wall_bottom = mix(tint, WHITE, 0.82), mix(tint, WHITE, 0.66)
    canvas = Canvas(vertical(0, wall_top, FLOOR, wall_bottom))
    canvas.fill(rect(0, FLOOR, W, H), vertical(FLOOR, mix(tint, WHITE, 0.52), H, mix(tint, WHITE, 0.38)))
    canvas.fill(rect(0, FLOOR - 1, W, FLOOR + 1), mix(tint, WHITE, 0.45), 0.5)
    return canvas


def shadow(canvas, cx, rx, ry=14, y=FLOOR + 6, strength=0.22):
    canvas.fill(ellipse(cx, y, rx, ry), BLACK, strength * 0.5)
    canvas.fill(ellipse(cx, y, rx * 0.8, ry * 0.7), BLACK, strength * 0.5)


def label_text(canvas, text, cx, cy, height, colour):
    shape = lettering(text, cx, cy, height, max(3.0, height * 0.14))
    if shape:
        canvas.fill(shape, colour)


def leaf(cx, cy, length, width, degrees):
    blade = ellipse(cx, cy, length / 2, width / 2) & ellipse(cx, cy + width * 0.35, length / 2, width * 0.75)
    return blade.rotate(degrees, cx, cy)


def tea_packet(canvas, product, look):
    body, accent = hex_rgb(look["body"]), hex_rgb(look["accent"])
    shadow(canvas, 320, 130)
    pouch = polygon([(214, 396), (426, 396), (416, 104), (224, 104)]).grow(6)
    canvas.fill(pouch, cylinder(208, 432, body, 1.12, 0.78))
    canvas.fill(rect(218, 98, 422, 128, 6), shade(body, 0.8))
    for x in range(228, 416, 9):
        canvas.fill(rect(x, 102, x + 3, 124, 1), shade(body, 0.68))
    canvas.fill(circle(402, 142, 5), shade(body, 0.6))
    canvas.fill(rect(244, 180, 396, 336, 12), hex_rgb("#f6efe0"))
    canvas.fill(rect(244, 180, 396, 336, 12).outline(3), accent)
    canvas.fill(leaf(320, 214, 56, 24, -28), accent)
    canvas.fill(strokes([[(298, 226), (342, 202)]], 1.3), hex_rgb("#f6efe0"))
    label_text(canvas, initials(product["name"]), 320, 284, 58, shade(body, 0.75))
    canvas.fill(rect(262, 318, 378, 322, 2), accent, 0.7)
    # Loose tea in front of the packet, as the kind looks dry.
    rng = Random(product["sku"])
    leaf_colour = hex_rgb(look["leaves"])
    for _ in range(look.get("pile", 26)):
        x, y = rng.between(150, 262), rng.between(392, 420)
        if look["kind"] == "rolled":
            canvas.fill(circle(x, y - 4, rng.between(5, 8)), shade(leaf_colour, rng.between(0.8, 1.15)))
        elif look["kind"] == "needle":
            canvas.fill(strokes([[(x - 9, y), (x + 9, y + rng.between(-5, 5))]], 2.4),
                        shade(leaf_colour, rng.between(0.8, 1.2)))
        else:
            canvas.fill(leaf(x, y, rng.between(10, 16), 6, rng.between(0, 180)), shade(leaf_colour, rng.between(0.75, 1.2)))


def steam(canvas, x, top, bottom):
    for dx in (-26, 0, 26):
        points = [(x + dx + 9 * math.sin((top + i * 6) / 14.0 + dx), top + i * 6) for i in range(int((bottom - top) / 6) + 1)]
        canvas.fill(strokes([points], 3.2), WHITE, 0.55)


def stoneware_mug(canvas, product, look):
    glaze, clay = hex_rgb(look["body"]), hex_rgb(look["accent"])
    shadow(canvas, 325, 130)
    handle = rect(372, 210, 470, 330, 44).outline(24)
    canvas.fill(handle, cylinder(380, 474, glaze, 1.1, 0.75))
    body = rect(200, 160, 420, 400, 26) | rect(200, 160, 420, 300, 6)
    canvas.fill(body, cylinder(200, 420, glaze))
    canvas.fill(body & half_plane_below(356), cylinder(200, 420, clay))
    canvas.fill(rect(198, 352, 422, 360, 3), shade(glaze, 0.85), 0.6)
    rng = Random(product["sku"])
    for _ in range(70):
        x, y = rng.between(214, 406), rng.between(178, 346)
        canvas.fill(circle(x, y, rng.between(1.2, 2.6)), shade(glaze, rng.between(0.55, 0.75)), 0.8)
    canvas.fill(ellipse(310, 162, 110, 10), shade(glaze, 0.55))
    canvas.fill(ellipse(310, 164, 100, 7), hex_rgb("#7a4a22"))
    steam(canvas, 310, 60, 140)


def double_wall_glass(canvas, product, look):
    tea = hex_rgb(look["body"])
    glass = hex_rgb("#dfeef3")
    shadow(canvas, 320, 110, strength=0.14)
    outer = rect(228, 130, 412, 400, 22) | rect(228, 130, 412, 300, 4)
    inner = rect(246, 146, 394, 340, 30) | rect(246, 146, 394, 260, 3)
    canvas.fill(outer, glass, 0.45)
    canvas.fill(inner & half_plane_below(196), vertical(196, shade(tea, 1.12), 340, shade(tea, 0.8)))
    canvas.fill(ellipse(320, 196, 74, 7), shade(tea, 1.25))
    canvas.fill(outer.outline(3), shade(glass, 0.62), 0.9)
    canvas.fill(inner.outline(2), shade(glass, 0.7), 0.7)
    canvas.fill(rect(236, 130, 404, 137, 3), WHITE, 0.7)
    canvas.fill(strokes([[(250, 170), (250, 360)]], 5), WHITE, 0.55)
    canvas.fill(strokes([[(388, 190), (388, 300)]], 2.5), WHITE, 0.45)
    steam(canvas, 320, 40, 112)


def cast_iron_teapot(canvas, product, look):
    iron, bronze = hex_rgb(look["body"]), hex_rgb(look["accent"])
    shadow(canvas, 320, 170)
    handle = ellipse(320, 214, 124, 126).outline(12) & half_plane_above(200)
    canvas.fill(handle, shade(iron, 0.8))
    canvas.fill(circle(198, 204, 10) | circle(442, 204, 10), shade(iron, 0.7))
    spout = polygon([(190, 296), (112, 214), (98, 220), (100, 232), (176, 340)]).grow(5)
    canvas.fill(spout, cylinder(96, 200, iron, 1.25, 0.7))
    body = ellipse(320, 300, 156, 104)
    canvas.fill(body, vertical(196, shade(iron, 1.3), 404, shade(iron, 0.75)))
    # The hobnail pattern of a tetsubin: rows of small bosses over the upper body.
    for row in range(6):
        y = 222 + row * 22
        for col in range(-8, 9):
            x = 320 + col * 19 + (9.5 if row % 2 else 0)
            if ((x - 320) / 146) ** 2 + ((y - 300) / 94) ** 2 < 0.9:
                canvas.fill(circle(x, y, 5.2), shade(iron, 1.55 - row * 0.06))
                canvas.fill(circle(x - 1.5, y - 1.5, 1.8), shade(iron, 1.9), 0.7)
    canvas.fill(ellipse(320, 204, 78, 16), shade(iron, 0.65))
    canvas.fill(ellipse(320, 200, 70, 12), vertical(188, shade(iron, 1.4), 212, iron))
    canvas.fill(ellipse(320, 186, 14, 12), bronze)
    canvas.fill(circle(315, 182, 4), shade(bronze, 1.5), 0.8)


def glass_teapot(canvas, product, look):
    tea = hex_rgb(look["body"])
    glass, steel = hex_rgb("#e4f1f4"), hex_rgb("#b9c0c6")
    shadow(canvas, 320, 150, strength=0.14)
    handle = rect(402, 200, 496, 356, 46).outline(16) - circle(320, 290, 120)
    canvas.fill(handle, glass, 0.55)
    canvas.fill(handle.outline(2.5), shade(glass, 0.6), 0.8)
    spout = polygon([(212, 290), (132, 222), (118, 226), (200, 340)]).grow(5)
    canvas.fill(spout, glass, 0.5)
    canvas.fill(spout.outline(2.5), shade(glass, 0.6), 0.8)
    body = circle(320, 290, 120)
    canvas.fill(body, glass, 0.42)
    canvas.fill(circle(320, 290, 112) & half_plane_below(262), vertical(262, shade(tea, 1.15), 402, shade(tea, 0.78)))
    canvas.fill(ellipse(320, 262, 104, 9), shade(tea, 1.28))
    canvas.fill(rect(290, 176, 350, 330, 10), steel, 0.55)
    mesh = rect(290, 176, 350, 330, 10) & Shape(lambda x, y: abs(((x - 290) % 6) - 3) - 0.6, (290, 176, 350, 330))
    canvas.fill(mesh, shade(steel, 0.6), 0.5)
    canvas.fill(body.outline(3), shade(glass, 0.55), 0.9)
    canvas.fill(rect(262, 160, 378, 178, 6), cylinder(262, 378, steel))
    canvas.fill(ellipse(320, 156, 14, 8), shade(steel, 0.8))
    canvas.fill(strokes([arc(320, 290, 96, 96, 200, 250)], 5), WHITE, 0.6)


def gooseneck_kettle(canvas, product, look):
    body_colour, wood = hex_rgb(look["body"]), hex_rgb(look["accent"])
    shadow(canvas, 330, 150)
    neck = bezier((238, 372), (150, 330), (140, 220), 20) + bezier((140, 220), (132, 182), (86, 176), 10)[1:]
    canvas.fill(strokes([neck], 9), shade(body_colour, 0.85))
    canvas.fill(strokes([neck[:24]], 3), shade(body_colour, 1.35), 0.5)
    handle = strokes([[(404, 236), (472, 236), (484, 260), (470, 340), (424, 362)]], 13)
    canvas.fill(handle, cylinder(410, 490, wood, 1.2, 0.75))
    body = polygon([(214, 398), (430, 398), (404, 222), (240, 222)]).grow(8)
    canvas.fill(body, cylinder(206, 438, body_colour, 1.35, 0.7))
    canvas.fill(rect(206, 380, 438, 388, 3), shade(body_colour, 0.6), 0.7)
    canvas.fill(rect(266, 200, 378, 220, 7), shade(body_colour, 1.15))
    canvas.fill(ellipse(322, 190, 16, 14), cylinder(306, 338, wood))


def pocket_scale(canvas, product, look):
    case, lcd = hex_rgb(look["body"]), hex_rgb(look["accent"])
    base = rect(178, 150, 462, 404, 28)
    canvas.fill(rect(184, 168, 468, 414, 28), BLACK, 0.16)
    canvas.fill(base, vertical(150, shade(case, 1.15), 404, shade(case, 0.85)))
    canvas.fill(base.outline(2), shade(case, 0.7), 0.8)
    plate = rect(204, 172, 436, 316, 16)
    canvas.fill(plate, cylinder(204, 436, hex_rgb("#d9dde1"), 1.2, 0.82))
    for i in range(1, 6):
        canvas.fill(rect(204 + i * 3, 172 + i * 3, 436 - i * 3, 316 - i * 3, 16 - i * 2).outline(0.8), WHITE, 0.25)
    rng = Random(product["sku"])
    for _ in range(18):
        x, y = rng.between(286, 354), rng.between(236, 262)
        canvas.fill(leaf(x, y, rng.between(12, 18), 6, rng.between(0, 180)), shade(hex_rgb("#4f6b35"), rng.between(0.8, 1.2)))
    screen = rect(250, 332, 390, 382, 8)
    canvas.fill(screen, hex_rgb("#24302b"))
    label_text(canvas, "0.1", 320, 357, 30, lcd)
    canvas.fill(circle(222, 357, 11), shade(case, 0.75))
    canvas.fill(circle(418, 357, 11), shade(case, 0.75))
    canvas.fill(circle(220, 355, 9), shade(case, 1.1))
    canvas.fill(circle(416, 355, 9), shade(case, 1.1))


def storage_tins(canvas, product, look):
    colours = [hex_rgb(c) for c in look["tins"]]
    shadow(canvas, 322, 200)
    tins = [(140, 266, 200, colours[0]), (374, 500, 228, colours[2]), (254, 390, 150, colours[1])]
    letters = initials(product["name"])
    for n, (x0, x1, top, colour) in enumerate(tins):
        canvas.fill(rect(x0, top + 24, x1, 400, 8), cylinder(x0, x1, colour))
        canvas.fill(rect(x0 - 4, top, x1 + 4, top + 34, 6), cylinder(x0 - 4, x1 + 4, shade(colour, 0.82)))
        canvas.fill(rect(x0 - 4, top + 30, x1 + 4, top + 34, 2), shade(colour, 0.55), 0.8)
        mid, ly = (x0 + x1) / 2, top + 70
        canvas.fill(rect(x0 + 14, ly, x1 - 14, ly + 84, 8), hex_rgb("#f4ecdc"))
        if n == 2:
            label_text(canvas, letters, mid, ly + 42, 40, shade(colour, 0.8))
        else:
            canvas.fill(leaf(mid, ly + 42, 44, 20, -30), shade(colour, 0.9))


def fine_strainer(canvas, product, look):
    steel = hex_rgb(look["body"])
    shadow(canvas, 340, 190, ry=10)
    cx, cy, r = 262, 236, 118
    canvas.fill(strokes([[(364, 296), (526, 392)]], 9), cylinder(360, 530, steel, 1.25, 0.7))
    canvas.fill(circle(532, 396, 14).outline(6), shade(steel, 0.8))
    canvas.fill(strokes([[(150, 190), (128, 178)]], 6), shade(steel, 0.8))
    bowl = circle(cx, cy, r)
    canvas.fill(bowl, vertical(cy - r, shade(steel, 1.25), cy + r, shade(steel, 0.9)), 0.55)
    mesh = Shape(lambda x, y: min(abs(((x + y) % 9) - 4.5), abs(((x - y) % 9) - 4.5)) - 0.55, bowl.box)
    canvas.fill(bowl & mesh, shade(steel, 0.55), 0.45)
    rng = Random(product["sku"])
    for _ in range(22):
        x, y = rng.between(cx - 60, cx + 60), rng.between(cy + 20, cy + 80)
        if math.hypot(x - cx, y - cy) < r - 18:
            canvas.fill(leaf(x, y, rng.between(12, 20), 7, rng.between(0, 180)), shade(hex_rgb("#3f2a1c"), rng.between(0.8, 1.3)))
    canvas.fill(bowl.outline(9), cylinder(cx - r, cx + r, steel, 1.3, 0.72))
    canvas.fill(strokes([arc(cx, cy, r - 16, r - 16, 200, 250)], 4), WHITE, 0.6)


def honey_jar(canvas, product, look):
    honey, lid = hex_rgb(look["body"]), hex_rgb(look["accent"])
    shadow(canvas, 320, 120)
    jar = rect(232, 168, 408, 400, 34) | rect(232, 200, 408, 300, 10)
    canvas.fill(jar, vertical(168, shade(honey, 1.28), 400, shade(honey, 0.78)))
    canvas.fill(rect(246, 150, 394, 176, 6), shade(honey, 0.7), 0.6)
    canvas.fill(rect(240, 124, 400, 160, 8), cylinder(240, 400, lid, 1.3, 0.7))
    ridges = rect(240, 124, 400, 160, 8) & Shape(lambda x, y: abs((x % 8) - 4) - 1.0, (240, 124, 400, 160))
    canvas.fill(ridges, shade(lid, 0.7), 0.6)
    canvas.fill(rect(350, 158, 364, 196, 7) | circle(357, 198, 9), shade(honey, 1.1))
    canvas.fill(rect(254, 244, 386, 334, 10), hex_rgb("#f7f0df"))
    canvas.fill(rect(254, 244, 386, 334, 10).outline(3), lid)
    label_text(canvas, initials(product["name"]), 320, 282, 44, shade(lid, 0.8))
    canvas.fill(rect(282, 314, 358, 318, 2), honey, 0.8)
    canvas.fill(strokes([[(250, 196), (250, 370)]], 5), WHITE, 0.45)
    # A honey dipper leaning on the jar.
    wood = hex_rgb(look["dipper"])
    canvas.fill(strokes([[(430, 250), (500, 110)]], 5), cylinder(420, 504, wood))
    # Its head: ridges across the handle's axis, built upright, then leaned as the handle is.
    rings = [ellipse(430, 262 + i * 11, 19 - abs(i - 2) * 3, 6) for i in range(5)]
    core = rect(422, 252, 438, 318, 6)
    lean = math.degrees(math.atan2(500 - 430, 250 - 110))
    canvas.fill(core.rotate(lean, 430, 250), shade(wood, 0.75))
    for ring in rings:
        canvas.fill(ring.rotate(lean, 430, 250), cylinder(405, 455, wood, 1.2, 0.7))
        canvas.fill(ring.outline(1.5).rotate(lean, 430, 250), shade(wood, 0.6), 0.7)


def gift_box(canvas, product, look):
    colour, ribbon = hex_rgb(look["body"]), hex_rgb(look["accent"])
    shadow(canvas, 320, 140)
    canvas.fill(rect(200, 200, 440, 400, 6), cylinder(200, 440, colour))
    canvas.fill(rect(190, 176, 450, 222, 6), cylinder(190, 450, shade(colour, 1.1)))
    canvas.fill(rect(306, 176, 334, 400), ribbon)
    canvas.fill(ellipse(292, 160, 30, 16).outline(9) | ellipse(348, 160, 30, 16).outline(9), ribbon)
    canvas.fill(rect(246, 256, 394, 360, 10), hex_rgb("#f6efe0"))
    label_text(canvas, initials(product["name"]), 320, 308, 52, shade(colour, 0.7))


SCENES = {
    "packet": tea_packet,
    "stoneware-mug": stoneware_mug,
    "glass": double_wall_glass,
    "cast-iron-teapot": cast_iron_teapot,
    "glass-teapot": glass_teapot,
    "gooseneck-kettle": gooseneck_kettle,
    "scale": pocket_scale,
    "tins": storage_tins,
    "strainer": fine_strainer,
    "honey": honey_jar,
    "gift": gift_box,
}

# Each seeded product's kind and colours (a product not listed gets a gift box in a colour of its own).
LOOKS = {
    "TEA-GREEN": {"scene": "packet", "tint": "#8fb27a", "body": "#4f7d3f", "accent": "#8bb05e", "leaves": "#5b7a2e", "kind": "needle"},
    "TEA-BLACK": {"scene": "packet", "tint": "#b88a6a", "body": "#6e2c24", "accent": "#c0873f", "leaves": "#3b2418", "kind": "curl", "pile": 34},
    "TEA-OOLONG": {"scene": "packet", "tint": "#7fb0ad", "body": "#2c6a6c", "accent": "#c9a44a", "leaves": "#4d5a2a", "kind": "rolled", "pile": 22},
    "MUG-STONE": {"scene": "stoneware-mug", "tint": "#a9b8c2", "body": "#56798e", "accent": "#cdb592"},
    "MUG-GLASS": {"scene": "glass", "tint": "#c9b48a", "body": "#b8641c"},
    "POT-CAST": {"scene": "cast-iron-teapot", "tint": "#b9ad98", "body": "#3c4442", "accent": "#b08a4a"},
    "POT-GLASS": {"scene": "glass-teapot", "tint": "#a9c6b8", "body": "#c27a22"},
    "KETTLE-GOOSE": {"scene": "gooseneck-kettle", "tint": "#c6b3a0", "body": "#34373a", "accent": "#a8693a"},
    "SCALE-MINI": {"scene": "scale", "tint": "#9fb0bd", "body": "#8e99a3", "accent": "#8ff0a8"},
    "TIN-SET": {"scene": "tins", "tint": "#c7b08f", "tins": ["#a8443a", "#2f5673", "#c89a2e"]},
    "STRAINER": {"scene": "strainer", "tint": "#aab4a6", "body": "#aeb6bd"},
    "HONEY-WILD": {"scene": "honey", "tint": "#e0b35a", "body": "#d98a12", "accent": "#6b4520", "dipper": "#c89a62"},
}


def look_of(product):
    look = LOOKS.get(product["sku"])
    if look:
        return look
    hue = zlib.crc32(product["sku"].encode()) % 360

    def hsl(h, s, l):
        r, g, b = colorsys.hls_to_rgb(h / 360, l, s)
        return "#%02x%02x%02x" % (int(r * 255), int(g * 255), int(b * 255))

    return {"scene": "gift", "tint": hsl(hue, 0.35, 0.6), "body": hsl(hue, 0.45, 0.45), "accent": hsl((hue + 40) % 360, 0.6, 0.6)}


def draw(product):
    look = look_of(product)
    canvas = backdrop(hex_rgb(look["tint"]))
    SCENES[look["scene"]](canvas, product, look)
    return canvas.png()


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) >= 2 else 2
    out, wanted = argv[1], set(argv[2:])
    catalog_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog.json")
    with open(catalog_path) as f:
        catalog = json.load(f)
    unknown = wanted - {p["sku"] for p in catalog}
    if unknown:
        print(f"error: not in {catalog_path}: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 1
    os.makedirs(out, exist_ok=True)
    for product in catalog:
        if wanted and product["sku"] not in wanted:
            continue
        path = os.path.join(out, product["sku"] + ".png")
        data = draw(product)
        # Written aside then renamed: two stacks starting at once may draw into the same folder.
        aside = f"{path}.{os.getpid()}.tmp"
        with open(aside, "wb") as f:
            f.write(data)
        os.replace(aside, path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
