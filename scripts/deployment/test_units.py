"""Unit tests of what scripts/deploy decides without AWS: the inputs it refuses, and which
resources a rehearsal leaves unapplied. Run by scripts/check-deploy:

  cd scripts && python -m unittest deployment.test_units
"""

import unittest

from . import emulator, target
from .report import DeployError


class Inputs(unittest.TestCase):
    def test_a_rehearsal_only_reaches_this_machine(self):
        self.assertEqual(target.parse_endpoint("http://127.0.0.1:4566/"), "http://127.0.0.1:4566")
        self.assertEqual(target.parse_endpoint("http://localhost:4566"), "http://localhost:4566")
        for outside in ("http://10.0.0.5:4566", "https://127.0.0.1:4566", "http://example.com:4566",
                        "http://127.0.0.1", "127.0.0.1:4566"):
            with self.assertRaises(DeployError, msg=outside) as refused:
                target.parse_endpoint(outside)
            self.assertIn("--endpoint", str(refused.exception))

    def test_names_that_would_break_resource_names_are_refused(self):
        self.assertEqual(target.parse_name("shop"), "shop")
        self.assertEqual(target.parse_name("shop-2"), "shop-2")
        for bad in ("Shop", "s", "2shop", "shop_1", "shop-", "a-name-far-too-long"):
            with self.assertRaises(DeployError, msg=bad) as refused:
                target.parse_name(bad)
            self.assertIn("--name", str(refused.exception))

    def test_variables_are_name_equals_value(self):
        self.assertEqual(target.parse_variable("alarm_email=a@b.c"), ("alarm_email", "a@b.c"))
        self.assertEqual(target.parse_variable('interface_endpoints=["sqs"]'), ("interface_endpoints", '["sqs"]'))
        for bad in ("alarm_email", "=x", "Bad-Name=1"):
            with self.assertRaises(DeployError, msg=bad):
                target.parse_variable(bad)

    def test_regions_and_emails(self):
        self.assertEqual(target.parse_region("eu-west-1"), "eu-west-1")
        self.assertEqual(target.parse_region("us-gov-west-1"), "us-gov-west-1")
        for bad in ("europe", "us-east", "US-EAST-1"):
            with self.assertRaises(DeployError):
                target.parse_region(bad)
        with self.assertRaises(DeployError):
            target.parse_email("not-an-address")


class Rehearsal(unittest.TestCase):
    EDGES = [
        # dependent -> dependency, as terraform graph draws them
        ("module.storefront.aws_cloudfront_distribution.this", "module.storefront.aws_cloudfront_function.index"),
        ("module.buckets.data.aws_iam_policy_document.this", "module.storefront.aws_cloudfront_distribution.this"),
        ("module.buckets.aws_s3_bucket_policy.this", "module.buckets.data.aws_iam_policy_document.this"),
        ("module.buckets.aws_s3_bucket_policy.this", "module.buckets.aws_s3_bucket.this"),
        ("module.functions.aws_lambda_function.this", "module.buckets.aws_s3_bucket.this"),
    ]

    def change(self, address):
        return {"address": address, "type": emulator.resource_type(address)}

    def test_what_depends_on_an_unserved_type_is_only_planned_through_any_chain(self):
        changes = [self.change(a) for a in (
            "module.storefront.aws_cloudfront_function.index",
            "module.storefront.aws_cloudfront_distribution.this",
            'module.buckets["images"].aws_s3_bucket_policy.this',
            'module.buckets["images"].aws_s3_bucket.this',
            'module.functions.aws_lambda_function.this["order"]',
        )]
        applied, planned = emulator.split(changes, self.EDGES)
        self.assertEqual(applied, ['module.buckets["images"].aws_s3_bucket.this',
                                   'module.functions.aws_lambda_function.this["order"]'])
        self.assertEqual(set(planned), {
            "module.storefront.aws_cloudfront_function.index",
            "module.storefront.aws_cloudfront_distribution.this",
            'module.buckets["images"].aws_s3_bucket_policy.this',
        })
        self.assertIn("CloudFront Functions", planned["module.storefront.aws_cloudfront_function.index"])
        self.assertIn("depends on", planned['module.buckets["images"].aws_s3_bucket_policy.this'])

    def test_instance_keys_and_data_sources_are_read_right(self):
        self.assertEqual(emulator.config_address('module.a["x"].aws_s3_bucket.b[0]'), "module.a.aws_s3_bucket.b")
        self.assertEqual(emulator.resource_type("module.a.data.aws_iam_policy_document.p"), "aws_iam_policy_document")

    def test_docs_list_every_unserved_type_with_its_reason(self):
        docs = (emulator.__file__.rsplit("/scripts/", 1)[0] + "/docs/deploy.md")
        text = open(docs).read()
        for kind in emulator.UNSERVED:
            self.assertIn(f"| `{kind}` |", text, f"docs/deploy.md's rehearsal table lacks {kind}")


if __name__ == "__main__":
    unittest.main()
