"""A rehearsal against a local AWS emulator (moto): what it cannot serve of terraform/envs/aws,
and which resources that leaves to apply.

The whole configuration is always planned, against the emulator, so every resource is checked
down to its arguments. Those whose type the emulator lacks are then only planned, and so is
everything that depends on them (through any chain of references: a bucket policy naming the
CloudFront distribution, say); the rest is applied. docs/deploy.md lists the same types with
the same reasons (a test keeps the two equal).
"""

import re

# resource type -> why the emulator cannot create it (found by applying envs/aws to moto 5.2).
UNSERVED = {
    "aws_cloudfront_function":
        "moto has no CloudFront Functions API (CreateFunction answers 404)",
    "aws_cloudfront_response_headers_policy":
        "moto has no response headers policies (CreateResponseHeadersPolicy answers 404)",
    "aws_cloudfront_distribution":
        "the distribution uses the function and the headers policy above, and AWS's managed cache "
        "policies, none of which moto knows",
    "aws_cloudwatch_composite_alarm":
        "moto's PutCompositeAlarm fails (500) for the SLO burn-rate rules",
    "aws_ecr_pull_through_cache_rule":
        "moto has no ECR pull-through cache (CreatePullThroughCacheRule answers 500)",
    "aws_sqs_queue_redrive_allow_policy":
        "moto does not keep a queue's RedriveAllowPolicy, so the provider waits for it for ever",
    "aws_s3_bucket_logging":
        "moto accepts server access logging only through the legacy log-delivery ACL, not the "
        "bucket policy AWS recommends and the access log bucket uses",
    "aws_xray_group":
        "moto's X-Ray has no groups (CreateGroup answers 500: not implemented)",
    "aws_cloudwatch_query_definition":
        "moto's CloudWatch Logs has no saved queries (PutQueryDefinition answers 500: not implemented)",
}

# Variables a rehearsal sets, because moto lacks what the defaults need. Each is a setting a
# real deployment may choose too, so the rehearsal still applies a configuration AWS would take.
REHEARSAL_VARIABLES = {
    "interface_endpoints": ('["sqs","secretsmanager","ecr.api","ecr.dkr","logs","xray","monitoring"]',
                            "moto lists no cognito-idp endpoint service, so the network module cannot "
                            "place that endpoint; the Cognito endpoint is left out"),
    "nat_gateway": ("true", "the documented fallback without the Cognito endpoint: a NAT gateway"),
    "adot_lambda_layer": ("false", "moto does not hold AWS's public ADOT collector layer "
                                   "(account 901920570463), so the functions are made without it"),
}

# Steps of scripts/deploy that need a part the emulator does not run at all.
SKIPPED_STEPS = {
    "image push": "moto has ECR's API but no image registry to push to",
    "image cache warm-up": "no pull-through cache (above) and no registry",
    "database migrations": "moto's RDS is an API without a database engine; scripts/check-image "
                           "runs the image's migrations against PostgreSQL instead",
    "wait for CloudFront": "no distribution (above), and moto's Lambda runs no code without Docker",
    "smoke test": "no code runs behind moto's API Gateway; CI runs scripts/smoke against a local stack",
    "seed catalog": "the catalog is seeded through the API, which runs nowhere under moto",
}

_INSTANCE_KEY = re.compile(r"\[[^\]]*\]")


def config_address(address):
    """module.buckets["images"].aws_s3_bucket.this -> module.buckets.aws_s3_bucket.this"""
    return _INSTANCE_KEY.sub("", address)


def resource_type(address):
    parts = config_address(address).split(".")
    # ... [module.X]* [data.]TYPE.NAME
    return parts[-2]


def _is_data(address):
    parts = config_address(address).split(".")
    return len(parts) >= 3 and parts[-3] == "data"


def left_out(edges, addresses):
    """The configuration addresses to leave unapplied: those of an unserved type, and every
    node that depends on one of them, transitively. `edges` are (dependent, dependency)."""
    dependents = {}
    for dependent, dependency in edges:
        dependents.setdefault(dependency, set()).add(dependent)
    nodes = {config_address(a) for a in addresses} | {n for edge in edges for n in edge}
    out = {n for n in nodes if not _is_data(n) and resource_type(n) in UNSERVED}
    todo = list(out)
    while todo:
        for dependent in dependents.get(todo.pop(), ()):
            if dependent not in out:
                out.add(dependent)
                todo.append(dependent)
    return out


def split(changes, edges):
    """(addresses to apply, {address: reason} only planned) of a plan's resource changes."""
    out = left_out(edges, [c["address"] for c in changes])
    applied, planned = [], {}
    for change in changes:
        address = change["address"]
        if config_address(address) in out:
            kind = change["type"]
            planned[address] = UNSERVED.get(kind, "depends on a resource the emulator cannot create")
        else:
            applied.append(address)
    return applied, planned
