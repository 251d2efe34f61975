"""The checks before anything is created: tools, credentials, account, region, permissions, the
name, and what the deployment will cost a day. Each failure stops the deploy with one message
that says what to do; nothing has been created when it does.
"""

import json
import os
import re
import shutil
import subprocess

import botocore.exceptions

from .report import DeployError, info, warn
from .terraform import ROOT

TERRAFORM_MIN = (1, 11)

# What creating envs/aws needs, one action per service it uses: enough to tell a read-only or
# a narrowly scoped role from one that can deploy, before a 20-minute apply finds out.
ACTIONS = [
    "ec2:CreateVpc", "ec2:CreateVpcEndpoint", "rds:CreateDBInstance", "lambda:CreateFunction",
    "iam:CreateRole", "iam:PassRole", "cloudfront:CreateDistribution", "ecs:CreateCluster",
    "ecs:CreateService", "ecr:CreateRepository", "cognito-idp:CreateUserPool", "kms:CreateKey",
    "s3:CreateBucket", "sqs:CreateQueue", "apigateway:POST", "logs:CreateLogGroup",
    "cloudwatch:PutMetricAlarm", "cloudwatch:PutCompositeAlarm", "sns:CreateTopic",
    "servicediscovery:CreatePrivateDnsNamespace", "application-autoscaling:RegisterScalableTarget",
    "secretsmanager:DescribeSecret", "xray:CreateGroup",
]


def tools(emulated):
    """terraform (1.11+), and for a real deploy skopeo to push the image."""
    path = shutil.which("terraform")
    if not path:
        raise DeployError("terraform is missing: install Terraform 1.11 or newer (see docs/deploy.md, Before you start)")
    out = subprocess.run([path, "version", "-json"], capture_output=True, text=True).stdout
    version = json.loads(out or "{}").get("terraform_version", "0.0")
    if tuple(int(p) for p in re.findall(r"\d+", version)[:2]) < TERRAFORM_MIN:
        raise DeployError(f"terraform {version} is too old: this deployment needs 1.11 or newer")
    info(f"terraform {version}")
    for tool in ("cargo", "npm", "umoci") + (() if emulated else ("skopeo",)):
        if not shutil.which(tool):
            raise DeployError(f"{tool} is missing: scripts/deploy installs umoci and skopeo with apt-get "
                              "where it can; install Rust (rustup) and Node.js 20 yourself")


def identity(target):
    """The account and caller the credentials belong to."""
    try:
        who = target.client("sts").get_caller_identity()
    except botocore.exceptions.NoCredentialsError:
        raise DeployError("no AWS credentials: sign in with `aws configure sso` (or set AWS_PROFILE), "
                          "check with `aws sts get-caller-identity`, then run this again")
    except botocore.exceptions.ClientError as error:
        code = error.response["Error"]["Code"]
        raise DeployError(f"the AWS credentials were refused ({code}): they are wrong or expired; "
                          "sign in again (`aws sso login`) and rerun")
    except botocore.exceptions.EndpointConnectionError:
        raise DeployError(f"cannot reach AWS STS in {target.region}: check the region name and the network")
    target.account, target.caller_arn = who["Account"], who["Arn"]
    info(f"account {target.account}, as {target.caller_arn}")


def region(target, interface_endpoints):
    """The region is enabled for the account and offers every interface endpoint the private
    subnets need (without them, and without a NAT gateway, the services cannot reach AWS)."""
    ec2 = target.client("ec2")
    try:
        found = ec2.describe_regions(RegionNames=[target.region], AllRegions=True)["Regions"]
    except botocore.exceptions.ClientError as error:
        raise DeployError(f"region {target.region}: {error.response['Error']['Message']}")
    if found and found[0].get("OptInStatus") == "not-opted-in":
        raise DeployError(f"region {target.region} is not enabled for account {target.account}: "
                          "enable it in the account settings or choose another --region")
    wanted = {f"com.amazonaws.{target.region}.{e}": e for e in interface_endpoints}
    offered = set()
    paginator_args = {}
    while True:
        page = ec2.describe_vpc_endpoint_services(**paginator_args)
        offered.update(page.get("ServiceNames", []))
        if not page.get("NextToken"):
            break
        paginator_args = {"NextToken": page["NextToken"]}
    missing = [name for service, name in wanted.items() if service not in offered]
    if missing and target.variables.get("nat_gateway") != "true":
        raise DeployError(
            f"region {target.region} offers no interface endpoint for {', '.join(missing)}: deploy with "
            f"--nat (a NAT gateway gives the private subnets a route out) and drop them from "
            f"interface_endpoints with --var, or choose another region")
    info(f"region {target.region}: all {len(wanted)} interface endpoint services offered" if not missing
         else f"region {target.region}: no endpoint for {', '.join(missing)}; the NAT gateway carries them")


def permissions(target):
    """Simulates the caller's policies for one action per service. A caller that may not
    simulate (iam:SimulatePrincipalPolicy) is warned about, not stopped."""
    arn = target.caller_arn
    match = re.match(r"^arn:(aws[a-z-]*):sts::(\d+):assumed-role/([^/]+)/", arn)
    iam = target.client("iam")
    try:
        if match:
            arn = iam.get_role(RoleName=match.group(3))["Role"]["Arn"]
        results = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=ACTIONS)["EvaluationResults"]
    except Exception as error:  # noqa: BLE001 - denied, or an emulator without the call: warn, go on
        warn(f"could not check permissions in advance ({type(error).__name__}); a missing one stops the apply instead")
        return
    denied = [r["EvalActionName"] for r in results if r["EvalDecision"] != "allowed"]
    if denied:
        raise DeployError(f"{arn} may not {', '.join(denied)}: deploy with an administrator role, or the "
                          "deploy role terraform/bootstrap creates")
    info(f"permissions: the {len(ACTIONS)} actions checked are allowed")


def name_free(target, state_exists):
    """A first deploy must not meet resources of the same name that its state does not hold:
    another deployment (or a half-deleted one) owns them."""
    if state_exists:
        info(f"name {target.name}: a previous deploy's state is in s3://{target.state_bucket}; this run updates it")
        return
    taken = []
    s3 = target.client("s3")
    for bucket in (f"{target.name}-storefront-{target.account}", f"{target.name}-product-images-{target.account}"):
        try:
            s3.head_bucket(Bucket=bucket)
            taken.append(f"bucket {bucket}")
        except botocore.exceptions.ClientError as error:
            if error.response["Error"]["Code"] not in ("404", "NoSuchBucket", "NotFound"):
                taken.append(f"bucket {bucket} (owned by another account)")
    pools = target.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
    taken += [f"user pool {p['Name']} ({p['Id']})" for p in pools if p["Name"] == target.name]
    try:
        target.client("iam").get_role(RoleName=f"{target.name}-order-lambda")
        taken.append(f"IAM role {target.name}-order-lambda")
    except botocore.exceptions.ClientError:
        pass
    if taken:
        raise DeployError(f"the name {target.name} is taken in {target.region} ({'; '.join(taken)}) and no "
                          f"state of this tool holds it: choose another --name, or remove the other deployment")
    info(f"name {target.name}: free")


def cost():
    """The day's cost of the defaults, from terraform/envs/aws/cost.json."""
    path = ROOT / "terraform" / "envs" / "aws" / "cost.json"
    table = json.loads(path.read_text())
    total = 0.0
    width = max(len(item["item"]) for item in table["items"])
    info("what it costs a day, with the defaults (terraform/envs/aws/cost.json):")
    for item in table["items"]:
        if item.get("optional"):
            continue
        total += item["per_day"]
        info(f"  {item['item']:<{width}}  ${item['per_day']:.2f}")
    info(f"  {'total':<{width}}  ${total:.2f} a day, about ${total * 30:.0f} a month "
         f"({table.get('region', 'us-east-1')} prices; destroy it when you are done)")
    for item in table["items"]:
        if item.get("optional"):
            info(f"  optional: {item['item']}: +${item['per_day']:.2f} a day")
    return total


def boundary(target):
    """When terraform/bootstrap made the deployment's permissions boundary, every role this
    deploy creates must carry it (the GitHub deploy role may only create roles that do), so a
    deploy from a workstation keeps it rather than removing it until the next CI deploy."""
    if "permissions_boundary_policy" in target.variables or os.environ.get("TF_VAR_permissions_boundary_policy"):
        return
    name = f"{target.name}-workload-boundary"
    try:
        target.client("iam").get_policy(PolicyArn=f"arn:aws:iam::{target.account}:policy/{name}")
    except Exception:  # noqa: BLE001 - no bootstrap (or no right to look): no boundary
        return
    target.variables["permissions_boundary_policy"] = name
    info(f"permissions boundary: {name} (made by terraform/bootstrap) on every role")
