"""terraform/envs/aws, run from a staged copy with its state in S3.

Each run copies terraform/, observability/ (which modules/observability reads) and the names of
the storefront's pages (which envs/aws reads) into the
deployment's own folder under ~/.cache/shop/deploy and writes two override files there: the S3
backend (state bucket, key, S3's own lock file), and for a rehearsal the provider's endpoints
pointed at the emulator. The clone is never written to, so no override can be left behind in
it to send a later real deploy somewhere else. Terraform's data folder is kept per deployment,
so a rerun initialises in seconds.
"""

import json
import os
import pathlib
import shutil
import subprocess

from .report import DeployError, info

ROOT = pathlib.Path(__file__).resolve().parents[2]
CACHE = pathlib.Path(os.environ.get("SHOP_CACHE_DIR", pathlib.Path.home() / ".cache" / "shop"))
MIRROR = pathlib.Path(os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins"))

# The services envs/aws uses, by the name the provider's `endpoints` block gives them.
PROVIDER_SERVICES = [
    "apigateway", "applicationautoscaling", "cloudfront", "cloudwatch", "cognitoidp", "ec2", "ecr",
    "ecs", "iam", "kms", "lambda", "logs", "rds", "route53", "s3", "secretsmanager",
    "servicediscovery", "sns", "sqs", "sts", "xray",
]


class Workspace:
    def __init__(self, target):
        self.target = target
        suffix = f"-emulator-{target.endpoint.rsplit(':', 1)[1]}" if target.emulated else ""
        self.folder = CACHE / "deploy" / f"{target.name}-{target.region}{suffix}"
        self.source = self.folder / "src"
        self.env_dir = self.source / "terraform" / "envs" / "aws"
        self.log_dir = self.folder / "logs"

    # --- staging --------------------------------------------------------------------------
    def stage(self):
        shutil.rmtree(self.source, ignore_errors=True)
        ignore = shutil.ignore_patterns(".terraform", "*.tfstate*", "*_override.tf", "*.tfvars", "*.tfplan")
        for part in ("terraform", "observability"):
            shutil.copytree(ROOT / part, self.source / part, ignore=ignore)
        # envs/aws reads which pages the storefront has from their source files' names.
        app = ROOT / "storefront" / "src" / "app"
        for page in app.rglob("page.*"):
            copy = self.source / "storefront" / "src" / "app" / page.relative_to(app)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page, copy)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        (self.env_dir / "backend_override.tf").write_text(self._backend())
        if self.target.emulated:
            (self.env_dir / "emulator_override.tf").write_text(self._emulator_provider())
        rc = self.folder / "terraformrc"
        lines = ["disable_checkpoint = true"]
        if MIRROR.is_dir():
            lines += [f'plugin_cache_dir = "{MIRROR}"', "plugin_cache_may_break_dependency_lock_file = true"]
        rc.write_text("\n".join(lines) + "\n")

    def _backend(self):
        t = self.target
        extra = ""
        if t.emulated:
            extra = f"""
    endpoints                   = {{ s3 = "{t.endpoint}" }}
    use_path_style              = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true"""
        return f"""# Written by scripts/deploy for this run; never committed.
terraform {{
  backend "s3" {{
    bucket       = "{t.state_bucket}"
    key          = "{t.state_key}"
    region       = "{t.region}"
    encrypt      = true
    use_lockfile = true{extra}
  }}
}}
"""

    def _emulator_provider(self):
        endpoints = "\n".join(f'    {s} = "{self.target.endpoint}"' for s in PROVIDER_SERVICES)
        return f"""# Written by scripts/deploy for a rehearsal against a local emulator; never committed.
provider "aws" {{
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  # An emulator answers at once or not at all: no minutes of retries on a call it lacks.
  max_retries = 2
  endpoints {{
{endpoints}
  }}
}}
"""

    # --- running --------------------------------------------------------------------------
    def env(self):
        env = dict(os.environ)
        env.update(
            TF_IN_AUTOMATION="1", TF_INPUT="0", CHECKPOINT_DISABLE="1",
            TF_DATA_DIR=str(self.folder / "data"), TF_CLI_CONFIG_FILE=str(self.folder / "terraformrc"),
        )
        for name in ("TF_WORKSPACE", "TF_LOG", "TF_LOG_PATH", "TF_PLUGIN_CACHE_DIR"):
            env.pop(name, None)
        return env

    def run(self, *args, log=None, capture=False, check=True):
        """terraform ARGS in the staged envs/aws. With `log`, its output goes to that file and
        only its last lines are shown on a failure; otherwise it streams to the terminal."""
        command = ["terraform", *args]
        if capture:
            done = subprocess.run(command, cwd=self.env_dir, env=self.env(), capture_output=True, text=True)
            if check and done.returncode:
                raise DeployError(f"terraform {args[0]} failed:\n{done.stderr.strip()[-3000:]}")
            return done
        if log:
            path = self.log_dir / log
            with open(path, "w") as out:
                done = subprocess.run(command, cwd=self.env_dir, env=self.env(), stdout=out, stderr=subprocess.STDOUT)
            if check and done.returncode:
                tail = "\n".join(path.read_text(errors="replace").splitlines()[-40:])
                raise DeployError(f"terraform {args[0]} failed (whole log: {path}):\n{tail}")
            return done
        done = subprocess.run(command, cwd=self.env_dir, env=self.env())
        if check and done.returncode:
            raise DeployError(f"terraform {args[0]} failed; rerun the same command to resume once the cause is fixed")
        return done

    def init(self):
        args = ["init", "-input=false", "-reconfigure", "-no-color"]
        if MIRROR.is_dir():
            args.append(f"-plugin-dir={MIRROR}")
        self.run(*args, log="init.log")

    def variables(self, extra=None):
        values = {"name": self.target.name, "region": self.target.region, **self.target.variables, **(extra or {})}
        args = []
        for key, value in values.items():
            args += ["-var", f"{key}={value}"]
        return args

    def plan(self, plan_file, variables, targets=(), destroy=False, log="plan.log"):
        args = ["plan", "-input=false", "-no-color", "-out", str(self.folder / plan_file), *variables]
        args += [f"-target={t}" for t in targets]
        if destroy:
            args.append("-destroy")
        self.run(*args, log=log)
        return self.show(plan_file)

    def show(self, plan_file):
        done = self.run("show", "-json", str(self.folder / plan_file), capture=True)
        return json.loads(done.stdout)

    def apply(self, plan_file, log=None):
        self.run("apply", "-input=false", "-no-color", "-compact-warnings", str(self.folder / plan_file), log=log)

    def outputs(self):
        done = self.run("output", "-json", capture=True)
        return {k: v["value"] for k, v in json.loads(done.stdout or "{}").items()}

    def state_list(self):
        done = self.run("state", "list", capture=True, check=False)
        return [line for line in done.stdout.splitlines() if line.strip()] if done.returncode == 0 else []

    def graph_edges(self):
        """(dependent, dependency) pairs between configuration addresses, from `terraform graph`."""
        done = self.run("graph", capture=True)
        edges = []
        for line in done.stdout.splitlines():
            line = line.strip()
            if "->" in line:
                left, _, right = line.partition("->")
                edges.append((left.strip().strip('"'), right.strip().strip('" ;')))
        return edges


def planned_changes(plan):
    """The managed resources a plan creates, updates or replaces, with their types."""
    changes = []
    for change in plan.get("resource_changes", []):
        actions = change["change"]["actions"]
        if change.get("mode") == "managed" and actions != ["no-op"] and actions != ["read"]:
            changes.append(change)
    return changes


def summarize(plan):
    counts = {"create": 0, "update": 0, "delete": 0}
    for change in planned_changes(plan):
        for action in change["change"]["actions"]:
            if action in counts:
                counts[action] += 1
    info(f"plan: {counts['create']} to add, {counts['update']} to change, {counts['delete']} to destroy")
    return counts


def state_exists(target):
    try:
        target.client("s3").head_object(Bucket=target.state_bucket, Key=target.state_key)
        return True
    except Exception:  # noqa: BLE001 - no bucket, no object or no access all mean "no state yet"
        return False


def ensure_state_bucket(target):
    """The state bucket, made on the first run: versioned (a bad apply can be rolled back to the
    previous state), encrypted, private, TLS only. Terraform locks with a lock file in it."""
    s3 = target.client("s3")
    bucket = target.state_bucket
    try:
        s3.head_bucket(Bucket=bucket)
        info(f"state: s3://{bucket}/{target.state_key} (bucket exists)")
        return
    except Exception:  # noqa: BLE001 - created below; a bucket of another account fails there
        pass
    args = {"Bucket": bucket}
    if target.region != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": target.region}
    try:
        s3.create_bucket(**args)
    except s3.exceptions.BucketAlreadyExists:
        raise DeployError(f"the state bucket name {bucket} belongs to another account: pass --state-bucket")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    if target.emulated:
        # The emulator speaks plain HTTP, which the TLS-only policy would refuse.
        info(f"state: created s3://{bucket} (versioned, encrypted, private; no TLS rule on the emulator)")
        return
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    info(f"state: created s3://{bucket} (versioned, encrypted, private); state at {target.state_key}")


def settings_key(target):
    return f"shop/{target.name}.settings.json"


def save_settings(target, settings):
    """The variables this deployment was made with, beside its state: a later deploy or destroy,
    from any clone or from CI, plans with the same configuration."""
    target.client("s3").put_object(Bucket=target.state_bucket, Key=settings_key(target),
                                   Body=json.dumps(settings, indent=2).encode(), ContentType="application/json")


def load_settings(target):
    try:
        body = target.client("s3").get_object(Bucket=target.state_bucket, Key=settings_key(target))["Body"].read()
        return json.loads(body)
    except Exception:  # noqa: BLE001 - no settings saved: a deployment made before they were
        return {}
