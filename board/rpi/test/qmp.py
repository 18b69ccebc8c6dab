#!/usr/bin/python3
"""qmp.py: what make check-image asks of QEMU and of the pictures it takes (check-image.sh).

  qmp.py SOCK screendump OUT.png        the emulated screen, as PNG
  qmp.py SOCK tap X Y WIDTH HEIGHT      a tap of the virtual tablet at pixel (X, Y) of the screen
  qmp.py SOCK usb-add ID FILE           a USB stick (raw FAT image FILE) plugged in
  qmp.py SOCK usb-del ID                ... and pulled out
  qmp.py raw A.png A.raw                A decoded once, for compare
  qmp.py compare A.png B.png            mean difference per channel (0-255) of two pictures of one size
  qmp.py lit A.png                      share of pixels that are not the most common colour

Only Python's standard library: QMP is JSON lines over a Unix socket, PNG is zlib.
"""
import json
import os
import socket
import struct
import sys
import tempfile
import time
import zlib


def qmp(sock_path, *commands):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(120)
    s.connect(sock_path)
    f = s.makefile("rw")
    json.loads(f.readline())  # the greeting
    replies = []
    for cmd in ({"execute": "qmp_capabilities"},) + commands:
        f.write(json.dumps(cmd) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "event" in r:
                continue
            if "error" in r:
                raise SystemExit("qmp: %s: %s" % (cmd["execute"], r["error"].get("desc")))
            replies.append(r.get("return"))
            break
    s.close()
    return replies[1:]


def png_write(path, width, height, rgb):
    raw = b"".join(b"\0" + rgb[y * width * 3:(y + 1) * width * 3] for y in range(height))

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        out.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        out.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        out.write(chunk(b"IEND", b""))


def png_read(path):
    """8-bit RGB or RGBA, not interlaced (what QEMU's screendump here and SDL write): (w, h, rgb)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path + ": not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, path + ": PNG kind not read here"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    out = bytearray()
    prev = bytearray(stride)
    for y in range(h):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride if ftype else 0):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        if bpp == 3:
            out += line
        else:
            for x in range(w):
                out += line[x * 4:x * 4 + 3]
    return w, h, bytes(out)


def read_any(path):
    """A PNG, or what `raw` made of one (decoding SDL's filtered PNG in Python takes seconds)."""
    data = open(path, "rb").read()
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return png_read(path)
    head, body = data.split(b"\n", 1)
    w, h = map(int, head.split())
    return w, h, body


def screendump(sock_path, out_png):
    fd, ppm = tempfile.mkstemp(suffix=".ppm")
    os.close(fd)
    qmp(sock_path, {"execute": "screendump", "arguments": {"filename": ppm}})
    data = open(ppm, "rb").read()
    os.unlink(ppm)
    # P6\n<w> <h>\n255\n
    parts = data.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    png_write(out_png, w, h, parts[3][:w * h * 3])


def tap(sock_path, x, y, width, height):
    ax = int(x * 32767 / max(width - 1, 1))
    ay = int(y * 32767 / max(height - 1, 1))
    move = {"type": "abs", "data": {"axis": "x", "value": ax}}, {"type": "abs", "data": {"axis": "y", "value": ay}}
    qmp(sock_path, {"execute": "input-send-event", "arguments": {"events": list(move)}})
    time.sleep(0.3)
    qmp(sock_path, {"execute": "input-send-event",
                    "arguments": {"events": [{"type": "btn", "data": {"down": True, "button": "left"}}]}})
    time.sleep(0.3)
    qmp(sock_path, {"execute": "input-send-event",
                    "arguments": {"events": [{"type": "btn", "data": {"down": False, "button": "left"}}]}})


def main(argv):
    if len(argv) >= 4 and argv[1] == "raw":
        w, h, a = png_read(argv[2])
        open(argv[3], "wb").write(b"%d %d\n" % (w, h) + a)
    elif len(argv) >= 4 and argv[1] == "compare":
        wa, ha, a = read_any(argv[2])
        wb, hb, b = read_any(argv[3])
        if (wa, ha) != (wb, hb):
            raise SystemExit("compare: %dx%d against %dx%d" % (wa, ha, wb, hb))
        step = 7  # every 7th byte is plenty to tell screens apart, and quick in Python
        total = sum(abs(a[i] - b[i]) for i in range(0, len(a), step))
        print("%.2f" % (total / (len(a) // step)))
    elif len(argv) >= 3 and argv[1] == "lit":
        w, h, a = png_read(argv[2])
        counts = {}
        for i in range(0, len(a), 3 * 5):
            counts[a[i:i + 3]] = counts.get(a[i:i + 3], 0) + 1
        print("%.3f" % (1 - max(counts.values()) / sum(counts.values())))
    elif len(argv) >= 4 and argv[2] == "screendump":
        screendump(argv[1], argv[3])
    elif len(argv) >= 7 and argv[2] == "tap":
        tap(argv[1], *map(int, argv[3:7]))
    elif len(argv) >= 5 and argv[2] == "usb-add":
        qmp(argv[1], {"execute": "blockdev-add", "arguments": {
            "node-name": argv[3], "driver": "raw", "read-only": False,
            "file": {"driver": "file", "filename": argv[4]}}},
            {"execute": "device_add", "arguments": {"driver": "usb-storage", "id": argv[3],
                                                    "drive": argv[3], "bus": "xhci.0"}})
    elif len(argv) >= 4 and argv[2] == "usb-del":
        qmp(argv[1], {"execute": "device_del", "arguments": {"id": argv[3]}})
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
