"""What to deploy where, parsed once from the command line: the deployment's name, the region,
the AWS account the credentials belong to, the Terraform state bucket, and, for a rehearsal,
the local AWS emulator that stands in for AWS. Every AWS client comes from here, so a
rehearsal can never reach real AWS by accident.
"""

import dataclasses
import ipaddress
import os
import re
import urllib.parse

import boto3
import botocore.config

from .report import DeployError

NAME = re.compile(r"^[a-z][a-z0-9-]{1,14}[a-z0-9]$")
REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclasses.dataclass
class Target:
    name: str
    region: str
    endpoint: str | None = None  # a local AWS emulator (loopback only), or None for AWS
    state_bucket: str | None = None
    account: str | None = None
    caller_arn: str | None = None
    variables: dict = dataclasses.field(default_factory=dict)

    @property
    def emulated(self):
        return self.endpoint is not None

    @property
    def state_key(self):
        return f"shop/{self.name}.tfstate"

    def client(self, service, region=None):
        config = botocore.config.Config(retries={"max_attempts": 3 if self.emulated else 8, "mode": "standard"})
        return boto3.session.Session(region_name=region or self.region).client(
            service, endpoint_url=self.endpoint, config=config)

    def default_state_bucket(self):
        return f"{self.name}-tfstate-{self.account}-{self.region}"


def parse_name(value):
    if not NAME.match(value):
        raise DeployError(
            f"--name {value!r}: use 3 to 16 lower-case letters, digits and dashes, starting with a letter "
            "(it prefixes every resource, and the image cache's 30-character ECR prefix must fit)")
    return value


def parse_region(value):
    if not REGION.match(value):
        raise DeployError(f"--region {value!r} is not an AWS region name such as us-east-1")
    return value


def parse_email(value):
    if not EMAIL.match(value):
        raise DeployError(f"--admin-email {value!r} is not an e-mail address")
    return value


def parse_endpoint(value):
    """A rehearsal's emulator must be on this machine: nothing else is ever contacted."""
    url = urllib.parse.urlparse(value)
    host = url.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if url.scheme != "http" or not loopback or not url.port:
        raise DeployError(f"--endpoint {value!r}: give a local emulator as http://127.0.0.1:PORT")
    return f"http://{host}:{url.port}"


def parse_variable(value):
    key, sep, val = value.partition("=")
    if not sep or not re.match(r"^[a-z_][a-z0-9_]*$", key):
        raise DeployError(f"--var {value!r}: write it as name=value, a variable of terraform/envs/aws")
    return key, val


def from_args(args):
    endpoint = parse_endpoint(args.endpoint) if args.endpoint else None
    if endpoint:
        # The emulator takes any credentials; never hand it real ones.
        os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
        os.environ.pop("AWS_SESSION_TOKEN", None)
        os.environ.pop("AWS_PROFILE", None)
    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return Target(
        name=parse_name(args.name),
        region=parse_region(region),
        endpoint=endpoint,
        state_bucket=args.state_bucket,
        variables=dict(parse_variable(v) for v in (args.var or [])),
    )
