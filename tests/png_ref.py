#!/usr/bin/python3
"""tests/png_ref.py FILE OUT - a second, independent PNG decoder (Python's
zlib, the filters written out) for tests/png_sweep.sh: writes FILE's pixels
as 8-bit RGBA to OUT, v8 = round(v * 255 / maxval), like build/test_data
--rgba8. Only what the sweep needs as a tie-breaker where ImageMagick
converts colours: non-interlaced gray / gray+alpha / RGB / RGBA at 8 or 16
bits. Exit status 3: a PNG it does not handle."""
import struct
import sys
import zlib


def main():
    data = open(sys.argv[1], "rb").read()
    pos, idat, hdr = 8, b"", None
    while pos + 12 <= len(data):
        n, = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", data[pos + 8:pos + 21])
        elif kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        elif kind == b"IEND":
            break
        pos += 12 + n
    w, h, depth, ct, _, _, interlace = hdr
    spp = {0: 1, 2: 3, 4: 2, 6: 4}.get(ct)
    if spp is None or depth not in (8, 16) or interlace:
        sys.exit(3)
    raw = zlib.decompress(idat)
    bpp = spp * depth // 8
    rb = w * bpp
    prev = bytearray(rb)
    out = bytearray()
    top = (1 << depth) - 1
    for y in range(h):
        f = raw[y * (rb + 1)]
        r = bytearray(raw[y * (rb + 1) + 1:(y + 1) * (rb + 1)])
        for i in range(rb):
            a = r[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                r[i] = (r[i] + a) & 255
            elif f == 2:
                r[i] = (r[i] + b) & 255
            elif f == 3:
                r[i] = (r[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                r[i] = (r[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if depth == 16:
            s = struct.unpack(">%dH" % (w * spp), bytes(r))
        else:
            s = list(r)
        for x in range(w):
            px = s[x * spp:(x + 1) * spp]
            if spp <= 2:
                rgba = [px[0]] * 3 + [px[1] if spp == 2 else top]
            else:
                rgba = list(px[:3]) + [px[3] if spp == 4 else top]
            out += bytes((v * 255 + top // 2) // top for v in rgba)
        prev = r
    open(sys.argv[2], "wb").write(out)


main()
