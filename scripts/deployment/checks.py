"""Assertions of scripts/check-deploy about a rehearsal in moto, read back with boto3:

  python -m deployment.checks deployed ENDPOINT NAME ADMIN_EMAIL STOREFRONT_OUT
  python -m deployment.checks gone ENDPOINT NAME

Each failed expectation is printed; the exit status is the number of them (capped at 1).
"""

import json
import os
import pathlib
import sys

from .site import IMMUTABLE, MANAGED_BY_TERRAFORM, REVALIDATE, content_type
from .target import Target
from .teardown import leftovers


def deployed(target, admin, out):
    problems = []
    name = target.name
    sqs = target.client("sqs")
    queues = sqs.list_queues(QueueNamePrefix=f"{name}-").get("QueueUrls", [])
    for queue in (f"{name}-events.fifo", f"{name}-events-dlq.fifo"):
        if not any(url.endswith("/" + queue) for url in queues):
            problems.append(f"queue {queue} missing (have {queues})")
    events = next((u for u in queues if u.endswith(f"/{name}-events.fifo")), None)
    if events:
        attributes = sqs.get_queue_attributes(QueueUrl=events, AttributeNames=["All"])["Attributes"]
        redrive = json.loads(attributes.get("RedrivePolicy", "{}"))
        if str(redrive.get("maxReceiveCount")) != "5":
            problems.append(f"{name}-events.fifo has no redrive after 5 receives: {redrive}")
    functions = {f["FunctionName"]: f for f in target.client("lambda").list_functions()["Functions"]}
    for function in ("order", "product", "admin"):
        if f"{name}-{function}" not in functions:
            problems.append(f"function {name}-{function} missing")
    if f"{name}-order" in functions and "STOCK_SERVICE_URL" not in functions[f"{name}-order"].get(
            "Environment", {}).get("Variables", {}):
        problems.append("the order function lacks STOCK_SERVICE_URL")
    if not [d for d in target.client("rds").describe_db_instances()["DBInstances"] if d["DBInstanceIdentifier"].startswith(name)]:
        problems.append("no database instance")
    if not target.client("apigateway").get_rest_apis()["items"]:
        problems.append("no REST API")
    if not [c for c in target.client("ecs").list_clusters()["clusterArns"] if name in c]:
        problems.append("no ECS cluster")

    idp = target.client("cognito-idp")
    pools = [p for p in idp.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == name]
    if len(pools) != 1:
        problems.append(f"{len(pools)} user pools named {name}, not one")
    else:
        pool = pools[0]["Id"]
        user = idp.admin_get_user(UserPoolId=pool, Username=admin)
        if user["UserStatus"] != "FORCE_CHANGE_PASSWORD":
            problems.append(f"the admin is {user['UserStatus']}, not FORCE_CHANGE_PASSWORD (a password to change)")
        groups = [g["GroupName"] for g in idp.admin_list_groups_for_user(UserPoolId=pool, Username=admin)["Groups"]]
        if "admin" not in groups:
            problems.append(f"the admin is in {groups}, not in group admin")

    s3 = target.client("s3")
    account = target.client("sts").get_caller_identity()["Account"]
    bucket = f"{name}-storefront-{account}"
    files = [p for p in pathlib.Path(out).rglob("*") if p.is_file() and p.name not in MANAGED_BY_TERRAFORM]
    keys = {o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket) for o in page.get("Contents", [])}
    missing = [p for p in files if p.relative_to(out).as_posix() not in keys]
    if missing:
        problems.append(f"{len(missing)} of {len(files)} storefront files not uploaded, e.g. {missing[0]}")
    for sample in ("index.html", next((p.relative_to(out).as_posix() for p in files if "_next/static/" in p.as_posix()
                                       and p.suffix == ".js"), None)):
        if not sample:
            continue
        head = s3.head_object(Bucket=bucket, Key=sample)
        want_cache = IMMUTABLE if sample.startswith("_next/static/") else REVALIDATE
        if head.get("ContentType") != content_type(pathlib.Path(sample)) or head.get("CacheControl") != want_cache:
            problems.append(f"{sample}: {head.get('ContentType')} / {head.get('CacheControl')}")
    return problems


def main(argv):
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    command, endpoint, name = argv[:3]
    target = Target(name=name, region="us-east-1", endpoint=endpoint)
    if command == "deployed":
        problems = deployed(target, argv[3], argv[4])
    else:
        problems = [f"left: {item}" for item in leftovers(target)]
        account = target.client("sts").get_caller_identity()["Account"]
        if any(b["Name"] == f"{name}-tfstate-{account}-us-east-1" for b in target.client("s3").list_buckets()["Buckets"]):
            problems.append("the state bucket is left")
    for problem in problems:
        print(f"        {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
