"""What destroying a deployment needs beyond `terraform destroy`: lifting the guards first
(deletion protection on the database and the user pool, buckets and the image repository that
refuse to go while they hold objects), waiting for the in-VPC functions' network interfaces,
removing what Terraform never created (the pull-through cache's repositories, made by the first
pull), and finally looking for anything of the deployment's name that is left.
"""

import time

import botocore.exceptions

from .report import info, warn

GUARDED_TYPES = ("aws_db_instance", "aws_cognito_user_pool", "aws_s3_bucket", "aws_ecr_repository")
UNGUARD = {"deletion_protection": "false", "force_destroy_buckets": "true", "skip_final_snapshot": "true"}


def guarded(state):
    """The state addresses whose guards a destroy must lift first."""
    return [a for a in state if any(f".{t}." in f".{a}" for t in GUARDED_TYPES)]


def wait_for_function_interfaces(target, vpc_id, minutes=45):
    """Lambda releases a deleted function's network interfaces (Hyperplane ENIs) only after
    some 20 minutes; until then the subnets and security groups cannot be deleted."""
    ec2 = target.client("ec2")
    deadline = time.monotonic() + minutes * 60
    started, last = time.monotonic(), None
    while True:
        found = ec2.describe_network_interfaces(Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "interface-type", "Values": ["lambda"]}])
        left = len(found["NetworkInterfaces"])
        if left == 0:
            info(f"the functions' network interfaces are gone ({time.monotonic() - started:.0f} s)")
            return
        if left != last or int(time.monotonic() - started) % 120 < 15:
            info(f"{left} function network interface(s) still in the VPC; AWS releases them about 20 min "
                 f"after the functions are deleted ({time.monotonic() - started:.0f} s so far)")
            last = left
        if time.monotonic() > deadline:
            warn(f"{left} network interface(s) remain after {minutes} min; terraform destroy will wait on them")
            return
        time.sleep(15)


def delete_cache_repositories(target, prefix):
    """The repositories the pull-through cache made on first pull (Terraform does not own them)."""
    if not prefix:
        return
    ecr = target.client("ecr")
    try:
        pages = ecr.get_paginator("describe_repositories").paginate()
        names = [r["repositoryName"] for p in pages for r in p["repositories"]
                 if r["repositoryName"].startswith(prefix + "/")]
    except botocore.exceptions.ClientError as error:
        warn(f"listing ECR repositories: {error.response['Error']['Message']}")
        return
    for name in names:
        ecr.delete_repository(repositoryName=name, force=True)
        info(f"deleted the cache repository {name}")


def empty_bucket(target, bucket):
    """Every version and delete marker of a versioned bucket; the bucket stays. Done here rather
    than by Terraform's force_destroy, whose batch delete an emulator may refuse."""
    s3 = target.client("s3")
    removed = 0
    try:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                       for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
            if objects:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
                removed += len(objects)
    except botocore.exceptions.ClientError as error:
        if error.response["Error"]["Code"] not in ("NoSuchBucket", "404"):
            raise
        return None
    info(f"emptied s3://{bucket} ({removed} object versions)")
    return removed


def delete_bucket(target, bucket):
    """Every version and delete marker, then the bucket."""
    if empty_bucket(target, bucket) is None:
        return
    target.client("s3").delete_bucket(Bucket=bucket)
    info(f"deleted the state bucket {bucket}")


def leftovers(target):
    """Anything still named after the deployment, service by service."""
    name, found = target.name, []

    def look(what, call):
        try:
            found.extend(f"{what} {item}" for item in call())
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
            warn(f"could not list {what}s: {error}")

    look("bucket", lambda: [b["Name"] for b in target.client("s3").list_buckets()["Buckets"]
                            if b["Name"].startswith(f"{name}-")])
    look("user pool", lambda: [p["Name"] for p in target.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
                               if p["Name"] == name])
    look("queue", lambda: target.client("sqs").list_queues(QueueNamePrefix=f"{name}-").get("QueueUrls", []))
    def every(service, operation, key, **args):
        """Every item of a paginated listing (an account may have more than a page)."""
        pages = target.client(service).get_paginator(operation).paginate(**args)
        return [item for page in pages for item in page[key]]

    look("function", lambda: [f["FunctionName"] for f in every("lambda", "list_functions", "Functions")
                              if f["FunctionName"].startswith(f"{name}-")])
    look("IAM role", lambda: [r["RoleName"] for r in every("iam", "list_roles", "Roles")
                              if r["RoleName"].startswith(f"{name}-")])
    look("log group", lambda: [g["logGroupName"] for prefix in (f"/aws/lambda/{name}-", f"/ecs/{name}/", f"/{name}/")
                               for g in every("logs", "describe_log_groups", "logGroups", logGroupNamePrefix=prefix)])
    look("ECR repository", lambda: [r["repositoryName"] for r in every("ecr", "describe_repositories", "repositories")
                                    if r["repositoryName"].startswith(f"{name}/")
                                    or r["repositoryName"].startswith(f"{name}-ecr-public/")])
    look("ECS cluster", lambda: [c for c in target.client("ecs").list_clusters()["clusterArns"]
                                 if c.rsplit("/", 1)[-1].startswith(name)
                                 and target.client("ecs").describe_clusters(clusters=[c])["clusters"][0]["status"] == "ACTIVE"])
    look("database", lambda: [d["DBInstanceIdentifier"] for d in target.client("rds").describe_db_instances()["DBInstances"]
                              if d["DBInstanceIdentifier"].startswith(name)])
    look("REST API", lambda: [a["name"] for a in target.client("apigateway").get_rest_apis()["items"] if a["name"].startswith(name)])
    look("VPC", lambda: [v["VpcId"] for v in target.client("ec2").describe_vpcs(
        Filters=[{"Name": "tag:Project", "Values": [name]}])["Vpcs"]])
    look("alarm", lambda: [a["AlarmName"] for a in target.client("cloudwatch").describe_alarms(
        AlarmNamePrefix=f"{name}-")["MetricAlarms"]])
    look("SNS topic", lambda: [t["TopicArn"] for t in target.client("sns").list_topics()["Topics"]
                               if t["TopicArn"].rsplit(":", 1)[-1].startswith(f"{name}-")])
    look("KMS alias", lambda: [a["AliasName"] for a in target.client("kms").list_aliases()["Aliases"]
                               if a["AliasName"].startswith(f"alias/{name}")])
    return found
