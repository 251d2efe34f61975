"""The projector's image into ECR, and the ADOT collector's image into the pull-through cache.

skopeo copies the OCI layout scripts/build-image wrote straight to the registry: no Docker
daemon. The registry login lives in a temporary auth file readable by this user only, removed
right after; it is never printed or passed on a command line.

The collector sidecar is pulled through an ECR pull-through cache rule. AWS documents that the
first pull through a rule needs a route to the upstream registry, which the private subnets do
not have (no NAT): a Fargate task would stop with CannotPullContainerError. So the deploy pulls
it once from here, where the upstream is reachable; the cache then holds it and the tasks pull
it over the VPC endpoints like the projector's own image.
"""

import contextlib
import json
import os
import subprocess
import tempfile
import time

import botocore.exceptions

from .report import DeployError, info


@contextlib.contextmanager
def registry_login(target):
    ecr = target.client("ecr")
    data = ecr.get_authorization_token()["authorizationData"][0]
    registry = data["proxyEndpoint"].removeprefix("https://")
    fd, path = tempfile.mkstemp(prefix="ecr-auth.", suffix=".json")
    try:
        with os.fdopen(fd, "w") as out:
            json.dump({"auths": {registry: {"auth": data["authorizationToken"]}}}, out)
        os.chmod(path, 0o600)
        yield path
    finally:
        os.unlink(path)


def image_exists(target, repository_name, tag):
    try:
        target.client("ecr").describe_images(repositoryName=repository_name, imageIds=[{"imageTag": tag}])
        return True
    except botocore.exceptions.ClientError as error:
        if error.response["Error"]["Code"] in ("ImageNotFoundException", "RepositoryNotFoundException"):
            return False
        raise


def push(target, layout, repository_url, tag):
    """Pushes oci:LAYOUT:TAG as REPOSITORY:TAG once (tags are immutable: a rerun skips it)."""
    repository_name = repository_url.split("/", 1)[1]
    if image_exists(target, repository_name, tag):
        info(f"{repository_url}:{tag} is already in ECR")
        return
    with registry_login(target) as auth:
        done = subprocess.run(
            ["skopeo", "copy", "--retry-times", "3", "--dest-authfile", auth,
             f"oci:{layout}:{tag}", f"docker://{repository_url}:{tag}"],
            capture_output=True, text=True)
    if done.returncode:
        raise DeployError(f"pushing the projector image failed: {done.stderr.strip()[-1500:]}")
    info(f"pushed {repository_url}:{tag}")


def warm_cache(target, image_uri, minutes=5):
    """Pulls the collector's manifest through the cache rule so the cache holds it."""
    if not image_uri:
        info("no collector image through the pull-through cache (adot_projector_sidecar off or another registry)")
        return
    deadline = time.monotonic() + minutes * 60
    with registry_login(target) as auth:
        while True:
            done = subprocess.run(["skopeo", "inspect", "--retry-times", "3", "--authfile", auth,
                                   f"docker://{image_uri}"], capture_output=True, text=True)
            if done.returncode == 0:
                digest = json.loads(done.stdout).get("Digest", "")
                info(f"the cache holds {image_uri} ({digest[:19]}…)")
                return
            if time.monotonic() > deadline:
                raise DeployError(
                    f"the pull-through cache did not give {image_uri} within {minutes} min: "
                    f"{done.stderr.strip()[-800:]}\nWithout it the projector's task cannot start; rerun "
                    "scripts/deploy, or deploy with --nat, or --var adot_projector_sidecar=false")
            time.sleep(10)
