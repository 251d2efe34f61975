"""The seed catalog (scripts/seed/catalog.json) through the admin API, with the pictures
scripts/seed/draw_images.py draws, uploaded as an admin does from the console: ask for an
upload, PUT the file to the presigned URL with exactly its headers, attach the upload's key.
A product that exists already (409) is left as it is; one that has an image keeps it (a
product whose image the bucket lost, as moto's does on a restart, gets it again).

scripts/deploy --seed seeds a deployment with it; scripts/dev seeds the local stack with

  SHOP_ADMIN_TOKEN=... python -m deployment.catalog API_URL

which keeps the drawings in ~/.cache/shop/seed-images, under a hash of what draws them.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .api import Api
from .report import DeployError, info
from .terraform import CACHE, ROOT

SEED = ROOT / "scripts" / "seed"


def drawings_folder():
    digest = hashlib.sha256((SEED / "draw_images.py").read_bytes() + (SEED / "catalog.json").read_bytes())
    return CACHE / "seed-images" / digest.hexdigest()[:16]


def draw(folder, skus):
    """The pictures of `skus` in `folder`, drawn where missing."""
    folder = Path(folder)
    missing = [sku for sku in skus if not (folder / f"{sku}.png").exists()]
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, str(SEED / "draw_images.py"), str(folder), *missing],
                              capture_output=True, text=True)
        if done.returncode:
            raise DeployError(f"scripts/seed/draw_images.py failed: {done.stderr[-500:]}")


def seed(api, drawings=None):
    products = json.loads((SEED / "catalog.json").read_text())
    added, latest = 0, None
    for product in products:
        status, body = api.call("POST", "/admin/products", product, expect=(201, 409))
        if status == 201:
            added += 1
            latest = body.get("position") or latest
    # Read at the last registration's position, so the catalog lists what was just added.
    query = f"?min_position={latest}" if latest else ""
    for _ in range(30):
        _, page = api.call("GET", f"/products{query}")
        listed = {item["sku"]: item for item in page["items"]}
        if all(p["sku"] in listed for p in products):
            break
        time.sleep(1)
    else:
        raise DeployError("the catalog still lacks seeded products after 30 s: is the projector running?")
    imageless = [p["sku"] for p in products if listed[p["sku"]].get("image") is None]
    pictured = 0
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(drawings or scratch)
        draw(folder, imageless)
        for sku in imageless:
            data = (folder / f"{sku}.png").read_bytes()
            _, upload = api.call("POST", f"/admin/products/{sku}/image-uploads",
                                 {"content_type": "image/png", "size_bytes": len(data)}, expect=(201,))
            api.put_bytes(upload["url"], data, upload["headers"])
            api.call("PUT", f"/admin/products/{sku}/image", {"key": upload["key"]}, expect=(202,))
            pictured += 1
    info(f"catalog: {added} products added, {pictured} images uploaded ({len(products)} in the seed)")
    return added, pictured


if __name__ == "__main__":
    token = os.environ.get("SHOP_ADMIN_TOKEN")
    if len(sys.argv) != 2 or not token:
        sys.exit("usage: SHOP_ADMIN_TOKEN=... python -m deployment.catalog API_URL")
    try:
        seed(Api(sys.argv[1], token), drawings_folder())
    except DeployError as error:
        sys.exit(f"error: seeding the catalog: {error}")
