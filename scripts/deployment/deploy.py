"""scripts/deploy and scripts/destroy: the steps in order.

Every step finds what an earlier run left and goes on from there, so a failed deploy is resumed
by running the same command again: the state bucket and the state in it, the image (tags are
immutable: pushed once per commit), Terraform (which changes only what differs; a function is
updated only when its zip's hash changed), the admin user (left as it is), the storefront
(only changed files are uploaded).

A rehearsal (`--endpoint`, a local emulator) runs the same steps against it; what the emulator
cannot serve is planned, not applied, and the steps that need running code are skipped, each
with its reason (deployment/emulator.py).
"""

import argparse
import collections
import os
import re
import subprocess
import sys

from . import catalog, emulator, image, preflight, site, teardown, terraform, users
from .api import Api
from .report import DeployError, Steps, info, summary
from .target import from_args, parse_email
from .terraform import ROOT, Workspace


def common_arguments(parser):
    parser.add_argument("--name", default="shop", help="prefix of every resource (default shop)")
    parser.add_argument("--region", help="AWS region (default $AWS_REGION, else us-east-1)")
    parser.add_argument("--state-bucket", help="Terraform state bucket (default NAME-tfstate-ACCOUNT-REGION, made on first run)")
    parser.add_argument("--var", action="append", metavar="NAME=VALUE",
                        help="a variable of terraform/envs/aws (repeatable), e.g. --var alarm_email=you@example.com")
    parser.add_argument("--endpoint", metavar="URL",
                        help="rehearse against a local AWS emulator (moto) at URL instead of AWS; loopback only")


def interface_endpoints(target):
    """The interface endpoints this deploy will create: --var's list, else the default's."""
    text = target.variables.get("interface_endpoints")
    if text is None:
        source = (ROOT / "terraform" / "envs" / "aws" / "variables.tf").read_text()
        block = source[source.index('variable "interface_endpoints"'):]
        text = block[block.index("default"):block.index("]") + 1]
    return re.findall(r'"([a-z0-9.-]+)"', text)


def confirm(target, args):
    if args.yes:
        return
    if not sys.stdin.isatty():
        raise DeployError("not a terminal, so nobody can confirm: pass --yes to deploy without asking")
    answer = input(f"Deploy '{target.name}' to account {target.account}, {target.region}? Type the name to go on: ")
    if answer.strip() != target.name:
        raise DeployError("not confirmed; nothing was created")


# --- deploy --------------------------------------------------------------------------------------
def deploy(argv):
    parser = argparse.ArgumentParser(prog="scripts/deploy", description="The shop on AWS in one command (docs/deploy.md).")
    common_arguments(parser)
    parser.add_argument("--admin-email", type=str, help="the first admin: Cognito e-mails them a temporary password")
    parser.add_argument("--seed", action="store_true", help="add the seed catalog and its images through the API")
    parser.add_argument("--nat", action="store_true", help="add a NAT gateway (about $1.20/day): a route out of the private subnets")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation (CI)")
    parser.add_argument("--tag", default=os.environ.get("SHOP_IMAGE_TAG"), help="image tag (default: the commit)")
    parser.add_argument("--no-smoke", action="store_true", help="skip the smoke test at the end")
    args = parser.parse_args(argv)
    target = from_args(args)
    admin_email = parse_email(args.admin_email) if args.admin_email else None
    if args.nat:
        target.variables["nat_gateway"] = "true"
    if target.emulated:
        for key, (value, why) in emulator.REHEARSAL_VARIABLES.items():
            if key not in target.variables:
                target.variables[key] = value
                info(f"rehearsal: {key} = {value}: {why}")
    if not args.tag:
        raise DeployError("no image tag: scripts/deploy passes the commit's; give --tag")
    rehearsal = target.emulated
    steps = Steps(12)
    work = Workspace(target)
    tf_vars = None
    outputs = {}

    with steps.step("preflight: tools, credentials, region, permissions, name, cost"):
        preflight.tools(rehearsal)
        preflight.identity(target)
        target.state_bucket = target.state_bucket or target.default_state_bucket()
        if rehearsal:
            info(f"rehearsal against the emulator at {target.endpoint}: nothing reaches AWS")
        preflight.region(target, interface_endpoints(target))
        preflight.permissions(target)
        preflight.boundary(target)
        preflight.name_free(target, terraform.state_exists(target))
        info(f"creates: a VPC with private subnets and {len(interface_endpoints(target))} interface endpoints"
             f"{' and a NAT gateway' if target.variables.get('nat_gateway') == 'true' else ''}, RDS PostgreSQL, "
             "3 Lambda functions behind API Gateway, the projector on Fargate, SQS, Cognito, CloudFront and S3, "
             "alarms and a dashboard (docs/deploy.md, What gets created)")
        preflight.cost()
        confirm(target, args)

    with steps.step("release artifacts (scripts/build-release) and the projector image (scripts/build-image)"):
        run_script("build-release")
        layout = ROOT / "target" / "image" / "stock-projector"
        run_script("build-image", "--tag", args.tag, "--binary", str(ROOT / "target/image/bin/stock-projector/bootstrap"),
                   "--out", str(layout))

    with steps.step("Terraform state and init"):
        terraform.ensure_state_bucket(target)
        terraform.save_settings(target, {"variables": target.variables, "image_tag": args.tag})
        work.stage()
        work.init()
        tf_vars = work.variables({"projector_image_tag": args.tag,
                                  "lambda_package_dir": str(ROOT / "target" / "lambda")})

    with steps.step("image repository and pull-through cache rule"):
        first = ["module.projector.aws_ecr_repository.this"]
        if not rehearsal:
            first.append("module.projector.aws_ecr_pull_through_cache_rule.ecr_public")
        work.plan("repository.tfplan", tf_vars, targets=first, log="repository-plan.log")
        work.apply("repository.tfplan", log="repository-apply.log")
        outputs = work.outputs()

    with steps.step("push the projector image; warm the collector image's cache"):
        if rehearsal:
            info(f"skipped: {emulator.SKIPPED_STEPS['image push']}")
        else:
            image.push(target, layout, outputs["ecr_repository_url"], args.tag)
            image.warm_cache(target, outputs.get("adot_collector_image_uri"))

    with steps.step("apply terraform/envs/aws"):
        plan = work.plan("deploy.tfplan", tf_vars)
        terraform.summarize(plan)
        if rehearsal:
            applied, planned = emulator.split(terraform.planned_changes(plan), work.graph_edges())
            info(f"the emulator serves {len(applied)} of the {len(applied) + len(planned)} changes; "
                 f"{len(planned)} only planned:")
            kinds = collections.Counter(emulator.resource_type(a) for a in planned)
            for kind, count in sorted(kinds.items()):
                info(f"  {kind} x{count}: {emulator.UNSERVED.get(kind, 'depends on one of the above')}")
            work.plan("deploy.tfplan", tf_vars, targets=applied, log="deploy-targeted-plan.log")
        work.apply("deploy.tfplan")
        outputs = work.outputs()
        info(f"state: {len(work.state_list())} resources")

    with steps.step("database migrations (the projector applies them at start) and the projector's health"):
        if rehearsal:
            info(f"skipped: {emulator.SKIPPED_STEPS['database migrations']}")
        else:
            wait_for_projector(target, outputs)

    with steps.step("the first admin user"):
        idp = target.client("cognito-idp")
        if admin_email:
            users.first_admin(idp, outputs["cognito_user_pool_id"], admin_email)
        else:
            info("no --admin-email: no admin created (docs/deploy.md says how to add one later)")

    with steps.step("the storefront"):
        out = site.build(args.tag)
        changed = site.upload(target, outputs["storefront_bucket"], out)
        if changed and not rehearsal:
            site.invalidate(target, outputs["cloudfront_distribution_id"])

    with steps.step("wait until the site answers through CloudFront"):
        if rehearsal:
            info(f"skipped: {emulator.SKIPPED_STEPS['wait for CloudFront']}")
        else:
            site.wait_until_served(outputs["storefront_url"])

    with steps.step("the seed catalog" + ("" if args.seed else " (not asked: --seed)")):
        if args.seed and rehearsal:
            info(f"skipped: {emulator.SKIPPED_STEPS['seed catalog']}")
        elif args.seed:
            with users.temporary_user(idp, outputs["cognito_user_pool_id"], outputs["cognito_client_id"],
                                      "deploy-seed", admin=True) as (_, token):
                catalog.seed(Api(outputs["storefront_url"] + "/api", token))

    with steps.step("smoke test: a shopper's order, its trace and its logs"):
        if rehearsal:
            info(f"skipped: {emulator.SKIPPED_STEPS['smoke test']}")
        elif args.no_smoke:
            info("skipped: --no-smoke")
        else:
            done = subprocess.run([sys.executable, "-m", "deployment", "smoke", outputs["storefront_url"],
                                   "--name", target.name, "--ensure-product"], cwd=ROOT / "scripts")
            if done.returncode:
                raise DeployError("the smoke test failed (above: what failed and where to look); the deployment "
                                  "stays up: fix it and rerun scripts/deploy, or scripts/destroy")

    region = target.region
    rows = [
        ("storefront", outputs.get("storefront_url", "(not created: rehearsal)")),
        ("API (direct)", outputs.get("api_url", "")),
        ("admin", f"{admin_email} (Cognito e-mails the temporary password)" if admin_email else "none created"),
        ("dashboard", outputs.get("dashboard_url", "")),
        ("X-Ray map", f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#xray:service-map/map"),
        ("image", f"{outputs.get('ecr_repository_url', '')}:{args.tag}"),
        ("state", f"s3://{target.state_bucket}/{target.state_key}"),
        ("destroy", f"scripts/destroy --name {target.name} --region {region} --confirm"
                    + (f" --endpoint {target.endpoint}" if rehearsal else "")),
    ]
    notes = []
    if rehearsal:
        notes.append(f"Rehearsal against {target.endpoint}: {len(emulator.UNSERVED)} resource types only planned "
                     "(docs/deploy.md, 'Rehearsing against moto').")
    summary(f"shop '{target.name}' deployed in {steps.elapsed() / 60:.1f} min", rows, notes)
    return 0


def run_script(name, *args):
    done = subprocess.run([str(ROOT / "scripts" / name), *args], cwd=ROOT)
    if done.returncode:
        raise DeployError(f"scripts/{name} failed (above); fix it and rerun scripts/deploy")


def wait_for_projector(target, outputs):
    """ECS reports the service stable once a task passed its health check, which needs the
    database: the projector applied the migrations it carries before it listened."""
    ecs = target.client("ecs")
    info("waiting for the projector's service to be stable (the first task pulls two images)")
    try:
        ecs.get_waiter("services_stable").wait(
            cluster=outputs["ecs_cluster_name"], services=[outputs["ecs_service_name"]],
            WaiterConfig={"Delay": 15, "MaxAttempts": 60})
    except Exception as error:  # noqa: BLE001 - botocore's WaiterError; the message says what to do
        raise DeployError(
            f"the projector's service did not become stable in 15 min ({error}). Look at its stopped tasks' "
            f"reason (aws ecs describe-tasks) and its log group {outputs.get('projector_log_group')}; "
            "CannotPullContainerError means the images were not reachable")
    info("the projector is running and healthy: the database schema is current")


# --- destroy -------------------------------------------------------------------------------------
def destroy(argv):
    parser = argparse.ArgumentParser(prog="scripts/destroy", description="Removes everything scripts/deploy made.")
    common_arguments(parser)
    parser.add_argument("--confirm", action="store_true", help="required: yes, delete the deployment and its data")
    parser.add_argument("--keep-state", action="store_true", help="keep the Terraform state bucket")
    args = parser.parse_args(argv)
    target = from_args(args)
    if not args.confirm:
        raise DeployError(f"this deletes the deployment '{target.name}' and all its data (orders, users, images): "
                          "rerun with --confirm")
    steps = Steps(6)
    work = Workspace(target)
    with steps.step("credentials and state"):
        preflight.identity(target)
        target.state_bucket = target.state_bucket or target.default_state_bucket()
        has_state = terraform.state_exists(target)
        info(f"state: s3://{target.state_bucket}/{target.state_key}" + ("" if has_state else " (none)"))
        # The configuration the deployment was made with; --var still overrides it.
        saved = terraform.load_settings(target).get("variables", {})
        target.variables = {**saved, **target.variables}
        if saved:
            info(f"settings of the deploy: {', '.join(f'{k}={v}' for k, v in sorted(saved.items())) or 'defaults'}")
    outputs = {}
    if has_state:
        with steps.step("lift the guards: deletion protection, non-empty buckets and repositories"):
            work.stage()
            work.init()
            tf_vars = work.variables({**teardown.UNGUARD, "projector_image_tag": "destroy",
                                      "lambda_package_dir": str(placeholder_packages(work))})
            outputs = work.outputs()
            guarded = teardown.guarded(work.state_list())
            if guarded:
                work.plan("unguard.tfplan", tf_vars, targets=guarded, log="unguard-plan.log")
                work.apply("unguard.tfplan", log="unguard-apply.log")
        with steps.step("the functions first, then wait for their network interfaces"):
            functions = [a for a in work.state_list() if a.startswith("module.functions.")]
            if functions:
                work.plan("functions.tfplan", tf_vars, targets=["module.functions"], destroy=True, log="functions-plan.log")
                work.apply("functions.tfplan", log="functions-destroy.log")
            vpc = outputs.get("vpc_id") or vpc_of(target)
            if vpc and not target.emulated:
                teardown.wait_for_function_interfaces(target, vpc)
        with steps.step("empty the buckets, then terraform destroy"):
            for bucket in (outputs.get("storefront_bucket"), outputs.get("images_bucket"),
                           f"{target.name}-access-logs-{target.account}"):
                if bucket:
                    teardown.empty_bucket(target, bucket)
            work.plan("destroy.tfplan", tf_vars, destroy=True, log="destroy-plan.log")
            work.apply("destroy.tfplan")
    else:
        for title in ("lift the guards", "the functions first", "terraform destroy"):
            with steps.step(f"{title}: nothing in the state"):
                pass
    with steps.step("what Terraform does not own: the pull-through cache's repositories"):
        teardown.delete_cache_repositories(target, outputs.get("ecr_pull_through_cache_prefix") or f"{target.name}-ecr-public")
    with steps.step("the state bucket, and anything left of the name"):
        if not args.keep_state:
            teardown.delete_bucket(target, target.state_bucket)
        left = teardown.leftovers(target)
        if left:
            raise DeployError(f"still there after the destroy: {'; '.join(left)}")
        info(f"nothing named {target.name} is left in {target.region} (a KMS key waits 7 days for deletion; "
             "RDS took no final snapshot)")
    summary(f"shop '{target.name}' destroyed in {steps.elapsed() / 60:.1f} min", [("region", target.region)])
    return 0


def vpc_of(target):
    found = target.client("ec2").describe_vpcs(Filters=[{"Name": "tag:Project", "Values": [target.name]}])["Vpcs"]
    return found[0]["VpcId"] if found else None


def placeholder_packages(work):
    """Destroying needs no build: the configuration reads each zip's hash, so a missing zip gets
    an empty stand-in that is never uploaded (nothing is created or updated by a destroy)."""
    real = ROOT / "target" / "lambda"
    if all((real / f / "bootstrap.zip").exists() for f in ("order", "product", "admin")):
        return real
    folder = work.folder / "placeholder-packages"
    for f in ("order", "product", "admin"):
        (folder / f).mkdir(parents=True, exist_ok=True)
        (folder / f / "bootstrap.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    return folder
