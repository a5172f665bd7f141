# The IoT box's own receipt pipeline (odoo addons/iot_drivers printer_driver_base.py:
# print_receipt + format_escpos_bit_image_raster), timed on one file: base64 JPEG -> ESC/POS bytes.
import base64, io, json, statistics, sys, time
from PIL import Image, ImageOps

def to_escpos(receipt_b64):
    im = Image.open(io.BytesIO(base64.b64decode(receipt_b64)))
    im = ImageOps.invert(im.convert("L")).convert("1")
    width = int((im.width + 7) / 8)
    out, dots = b"", im.tobytes()
    while len(dots):
        part = dots[:width * 255]
        out += b"\x1d\x76\x30\x00" + width.to_bytes(2, "little") + int(len(part) / width).to_bytes(2, "little") + part
        dots = dots[width * 255:]
    return out + b"\x1d\x56\x41\n"

receipt = base64.b64encode(open(sys.argv[1], "rb").read())
for _ in range(5):
    to_escpos(receipt)
runs = []
for _ in range(31):
    start = time.perf_counter()
    to_escpos(receipt)
    runs.append((time.perf_counter() - start) * 1000)
print(json.dumps({"median_ms": statistics.median(runs), "pillow": Image.__version__ if hasattr(Image, "__version__") else ""}))
