"""The storefront's static export into its bucket, and the wait for CloudFront to serve it.

Only what changed is uploaded (S3's ETag of a single-part upload is the MD5 of the object),
each object with its content type and a cache policy: Next.js's hashed assets under
_next/static/ never change and are cached for a year; every other file (pages, config) is
revalidated on each visit, so a deploy shows at once. Objects the export no longer has are
deleted, except config.json, which Terraform writes with this deployment's Cognito ids.
"""

import hashlib
import mimetypes
import os
import pathlib
import subprocess
import time
import urllib.error
import urllib.request

from .report import DeployError, info
from .terraform import ROOT

STOREFRONT = ROOT / "storefront"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"
MANAGED_BY_TERRAFORM = {"config.json"}
TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".json": "application/json", ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json", ".map": "application/json",
}


def build(build_id):
    """`npm ci` when the dependencies are missing, then the static export into storefront/out,
    named `build_id` (the commit), so the same commit exports the same files."""
    env = {**os.environ, "SHOP_BUILD_ID": build_id}

    def npm(*args):
        done = subprocess.run(["npm", *args], cwd=STOREFRONT, capture_output=True, text=True, env=env)
        if done.returncode:
            raise DeployError(f"npm {' '.join(args)} failed in storefront/:\n{(done.stdout + done.stderr)[-2000:]}")
    if not (STOREFRONT / "node_modules" / ".package-lock.json").exists():
        npm("ci", "--no-audit", "--no-fund", "--loglevel=error")
    npm("run", "--silent", "build")
    out = STOREFRONT / "out"
    if not (out / "index.html").exists():
        raise DeployError("the storefront build reported success but storefront/out/index.html is missing")
    return out


def content_type(path):
    return TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def upload(target, bucket, out):
    """Syncs `out` to the bucket; returns how many objects changed (uploaded or deleted)."""
    s3 = target.client("s3")
    existing = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            existing[obj["Key"]] = obj["ETag"].strip('"')
    uploaded = deleted = 0
    files = sorted(p for p in pathlib.Path(out).rglob("*") if p.is_file())
    keys = set()
    for path in files:
        key = path.relative_to(out).as_posix()
        if key in MANAGED_BY_TERRAFORM:
            continue
        keys.add(key)
        body = path.read_bytes()
        if existing.get(key) == hashlib.md5(body).hexdigest():
            continue
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type(path),
                      CacheControl=IMMUTABLE if key.startswith("_next/static/") else REVALIDATE)
        uploaded += 1
    for key in existing:
        if key not in keys and key not in MANAGED_BY_TERRAFORM:
            s3.delete_object(Bucket=bucket, Key=key)
            deleted += 1
    info(f"storefront: {uploaded} uploaded, {deleted} deleted, {len(keys) - uploaded} unchanged, into s3://{bucket}")
    return uploaded + deleted


def invalidate(target, distribution_id):
    """Drops CloudFront's cached copies of the pages (the hashed assets never change)."""
    answer = target.client("cloudfront").create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time())})
    info(f"CloudFront invalidation {answer['Invalidation']['Id']} started")


def wait_until_served(url, minutes=25):
    """Waits until the site and its API answer through CloudFront (a new distribution takes
    minutes to reach the edge; the first Lambda calls start cold)."""
    deadline = time.monotonic() + minutes * 60
    last = ""
    for path in ("/", "/config.json", "/api/health"):
        while True:
            try:
                with urllib.request.urlopen(url.rstrip("/") + path, timeout=15) as answer:
                    if answer.status == 200:
                        info(f"{url.rstrip('/')}{path}: 200")
                        break
                    last = f"HTTP {answer.status}"
            except urllib.error.HTTPError as error:
                last = f"HTTP {error.code}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                last = str(getattr(error, "reason", error))
            if time.monotonic() > deadline:
                raise DeployError(
                    f"{url}{path} did not answer 200 within {minutes} min (last: {last}). For /api/health, "
                    "look at the functions' logs (/aws/lambda/<name>-product) and the projector's")
            time.sleep(10)
