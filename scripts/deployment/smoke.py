"""scripts/smoke URL: after a deploy, one shopper's order end to end, and its telemetry found.

A temporary shopper is made in the site's user pool (read from the site's own /config.json)
and signs in as the storefront does (USER_PASSWORD_AUTH). It orders one unit of a product in
stock, waits for the saga to decide, and cancels a confirmed order so the stock comes back.
Then the order's trace and its log lines must be found where a learner would look for them:
on AWS in X-Ray (a filter expression on the order's URL) and CloudWatch Logs (the trace's id in
the order function's log group); locally in the Observe API. Each check prints ok or
FAILED with where to look; the last line is `smoke: N passed, M failed`, and any failure
exits non-zero. The temporary users are deleted in every case.
"""

import argparse
import datetime
import sys
import time
import uuid

import boto3
import botocore.exceptions

from .api import Api
from .report import DeployError
from .users import temporary_user

SMOKE_PRODUCT = {
    "sku": "SMOKE-TEST", "name": "Smoke-test item", "description": "Ordered and cancelled by scripts/smoke",
    "price_cents": 100, "image_url": None, "initial_stock": 100,
}


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def ok(self, what):
        self.passed += 1
        print(f"ok      {what}", flush=True)

    def failed_(self, what, where):
        self.failed += 1
        print(f"FAILED  {what}\n        look at: {where}", flush=True)


def until(seconds, probe, every=2.0):
    """probe() until it returns something truthy or `seconds` pass; its last answer."""
    deadline = time.monotonic() + seconds
    while True:
        answer = probe()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(every)


def main(argv):
    parser = argparse.ArgumentParser(prog="scripts/smoke", description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the site: the CloudFront URL, or a local stack's http://127.0.0.1:PORT")
    parser.add_argument("--name", default="shop", help="the deployment's name (its log group names); default shop")
    parser.add_argument("--ensure-product", action="store_true",
                        help=f"register {SMOKE_PRODUCT['sku']} when nothing is in stock (scripts/deploy does)")
    parser.add_argument("--wait", type=int, default=180, help="seconds to wait for traces and logs (default 180)")
    args = parser.parse_args(argv)
    checks = Checks()
    try:
        run(args, checks)
    except DeployError as error:
        checks.failed_(str(error), "the answer above")
    except botocore.exceptions.NoCredentialsError:
        checks.failed_("no AWS credentials to make the temporary users with",
                       "`aws sts get-caller-identity`: sign in (aws sso login) and run it again")
    except botocore.exceptions.ClientError as error:
        checks.failed_(f"AWS refused a call: {error}", "the credentials' permissions (the deploy role, or an administrator)")
    print(f"smoke: {checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


def run(args, checks):
    site = Api(args.url)
    _, config = site.call("GET", "/config.json")
    local = bool(config.get("cognito_endpoint"))
    # A local stack's Cognito is moto, which takes any credentials; on AWS, the caller's own.
    dummy = {"aws_access_key_id": "test", "aws_secret_access_key": "test"} if local else {}
    idp = boto3.client("cognito-idp", region_name=config["region"], endpoint_url=config.get("cognito_endpoint"), **dummy)
    pool, client = config["user_pool_id"], config["user_pool_client_id"]
    api = Api(args.url.rstrip("/") + "/api")
    _, health = api.call("GET", "/health")
    checks.ok(f"{args.url}/api/health answers 200")

    with temporary_user(idp, pool, client, "smoke-admin", admin=True) as (_, admin_token), \
            temporary_user(idp, pool, client, "smoke-shopper") as (shopper, token):
        checks.ok(f"a shopper signs in with the site's user pool ({shopper})")
        admin = Api(api.base, admin_token)
        sku = product_in_stock(api, admin if args.ensure_product else None)
        shop = Api(api.base, token)
        _, accepted = shop.call("POST", "/orders", {"lines": [{"sku": sku, "quantity": 1}]}, expect=(202,),
                                headers={"Idempotency-Key": str(uuid.uuid4())})
        order_id = accepted["order_id"]
        checks.ok(f"the shopper orders 1 x {sku}: order {order_id} accepted (202)")

        def decided():
            _, view = shop.call("GET", f"/orders/{order_id}?wait_for_change_from=pending", expect=(200, 404))
            return view if isinstance(view, dict) and view.get("status") not in (None, "pending") else None
        view = until(60, decided, every=1)
        if view:
            checks.ok(f"the order is decided: {view['status']}" + (f" ({view['reason']})" if view.get("reason") else ""))
            if view["status"] == "confirmed":
                shop.call("POST", f"/orders/{order_id}/cancel", expect=(202,))
        else:
            checks.failed_("the order was still pending after 60 s",
                           "the projector's log (stock-projector), the queue's depth and its dead-letter queue")

        if local:
            local_telemetry(admin, order_id, args.wait, checks)
        else:
            aws_telemetry(config["region"], args.name, order_id, args.wait, checks)


def product_in_stock(api, admin):
    _, page = api.call("GET", "/products")
    for item in page["items"]:
        if item["available"] >= 1:
            return item["sku"]
    if admin is None:
        raise DeployError("nothing in the catalog is in stock: seed it (scripts/deploy --seed) or pass --ensure-product")
    status, body = admin.call("POST", "/admin/products", SMOKE_PRODUCT, expect=(201, 409))
    if status == 409:
        admin.call("POST", f"/admin/products/{SMOKE_PRODUCT['sku']}/restock", {"quantity": 100}, expect=(202,))
    until(30, lambda: any(i["sku"] == SMOKE_PRODUCT["sku"] and i["available"] >= 1
                          for i in api.call("GET", "/products")[1]["items"]), every=1)
    return SMOKE_PRODUCT["sku"]


def local_telemetry(admin, order_id, wait, checks):
    def trace():
        _, found = admin.call("GET", f"/admin/observe/traces?q={order_id}&minutes=15")
        return found["traces"]
    traces = until(wait, trace)
    services = sorted({s for t in traces for s in t["services"]})
    if traces and len(services) >= 2:
        checks.ok(f"its trace is in the Observe API: {len(traces)} trace(s) across {', '.join(services)}")
    else:
        checks.failed_(f"no trace of order {order_id} across services in {wait} s (found {services})",
                       "Admin → Observe → Traces, and the OTLP receiver's log (otlp-receiver.log)")
        return

    def lines():
        return [line for t in traces
                for line in admin.call("GET", f"/admin/observe/logs?trace_id={t['trace_id']}&minutes=15")[1]["logs"]]
    logs = until(wait, lines)
    if logs:
        checks.ok(f"its log lines are in the Observe API: {len(logs)} with its trace ids")
    else:
        checks.failed_(f"no log line with the trace ids of order {order_id} in {wait} s", "Admin → Observe → Logs")


def aws_telemetry(region, name, order_id, wait, checks):
    xray = boto3.client("xray", region_name=region)
    logs = boto3.client("logs", region_name=region)
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=15)
    expression = f'http.url CONTAINS "{order_id}"'

    def trace():
        end = datetime.datetime.now(datetime.timezone.utc)
        return xray.get_trace_summaries(StartTime=start, EndTime=end, FilterExpression=expression)["TraceSummaries"]
    traces = until(wait, trace, every=10)
    if traces:
        checks.ok(f"its trace is in X-Ray: {len(traces)} trace(s) match {expression}")
    else:
        checks.failed_(f"no X-Ray trace matches {expression} after {wait} s",
                       f"X-Ray traces in {region}; the ADOT layer's and sidecar's logs; the xray VPC endpoint")
        return
    # X-Ray writes 1-XXXXXXXX-YYYYYYYYYYYYYYYYYYYYYYYY; the services log the same 32 hex digits.
    trace_ids = [t["Id"].replace("1-", "", 1).replace("-", "") for t in traces]
    # The order's URL is in its reads (the product function) and its cancel (the order function).
    groups = [f"/aws/lambda/{name}-order", f"/aws/lambda/{name}-product"]

    def lines():
        found = []
        for group in groups:
            for trace_id in trace_ids:
                found += logs.filter_log_events(logGroupName=group, startTime=int(start.timestamp() * 1000),
                                                filterPattern=f'"{trace_id}"', limit=20)["events"]
        return found
    events = until(wait, lines, every=10)
    if events:
        checks.ok(f"its log lines are in CloudWatch Logs: {len(events)} in {' and '.join(groups)} with its trace ids")
    else:
        checks.failed_(f"no line with the trace ids {', '.join(trace_ids)} in {' or '.join(groups)} after {wait} s",
                       f"CloudWatch Logs Insights on {groups[0]} and {groups[1]}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
