# A private, encrypted, versioned S3 bucket. Every bucket of the deployment is one of these;
# the options say what else it does:
#   - cloudfront_read: CloudFront may read objects under a prefix through origin access control
#     (the storefront export, product images under images/).
#   - access_logging: its S3 server access logs go to the log bucket.
#   - log_delivery: it is the log bucket, receiving CloudFront standard logs and S3 server
#     access logs, and expiring them.
#   - browser_uploads: browsers on upload_origins may PUT objects with presigned URLs (product
#     images an admin uploads from the storefront).

# Only the log bucket's policy names the account; other buckets make no STS call for it.
data "aws_caller_identity" "current" {
  count = var.log_delivery ? 1 : 0
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:Contents are rebuildable (storefront export, catalog images) or short-lived logs; a replica in a second region costs more than losing them.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to uploads; event notifications would have no consumer.
  #checkov:skip=CKV_AWS_145:SSE-S3 encrypts at rest without per-request KMS charges; CloudFront reading through OAC and CloudFront log delivery would each need a key policy grant for SSE-KMS.
  #checkov:skip=CKV_AWS_18:Content buckets log to the log bucket (access_logging); the log bucket itself cannot log into itself without a loop.
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_ownership_controls" "this" {
  #checkov:skip=CKV2_AWS_65:Only the log bucket keeps ACLs enabled: CloudFront standard logging grants its delivery account through a bucket ACL. Every other bucket enforces bucket-owner ownership (ACLs off).
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = var.log_delivery ? "BucketOwnerPreferred" : "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# Versioning makes an overwritten or deleted object recoverable; the lifecycle rule below
# keeps old versions from accumulating cost.
resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire"
    status = "Enabled"
    filter {}

    dynamic "expiration" {
      for_each = var.expire_days == null ? [] : [var.expire_days]
      content {
        days = expiration.value
      }
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_logging" "this" {
  # A flag, not a null test on the bucket name: the name is unknown until the log bucket exists.
  count = var.access_logging ? 1 : 0

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_log_bucket
  target_prefix = "s3/${var.bucket_name}/"
}

# A presigned PUT from a web page is a cross-origin request: without this rule the browser's
# preflight fails and the upload never reaches S3. What may be uploaded is fixed by the URL's
# signature (key, content type, length, expiry), not here; the rule names only the origins.
resource "aws_s3_bucket_cors_configuration" "this" {
  # A flag, not a length test on the origins: they are unknown until the distribution exists.
  count = var.browser_uploads ? 1 : 0

  bucket = aws_s3_bucket.this.id
  cors_rule {
    allowed_methods = ["PUT"]
    allowed_origins = var.upload_origins
    # Whatever headers the signed request carries (content-type; x-amz-* if the SDK ever signs
    # more): a header outside the signature fails the signature check anyway.
    allowed_headers = ["*"]
    expose_headers  = ["ETag"]
    # A browser asks once per 50 minutes, not before every upload.
    max_age_seconds = 3000
  }

  # S3 answers OperationAborted to concurrent changes of one bucket's configuration.
  depends_on = [aws_s3_bucket_policy.this]
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  dynamic "statement" {
    for_each = var.cloudfront_read ? [1] : []
    content {
      sid       = "CloudFrontReads"
      actions   = ["s3:GetObject"]
      resources = ["${aws_s3_bucket.this.arn}/${var.cloudfront_read_prefix}*"]
      principals {
        type        = "Service"
        identifiers = ["cloudfront.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "AWS:SourceArn"
        values   = [var.cloudfront_distribution_arn]
      }
    }
  }

  # S3 server access logging delivers as a service principal, limited to this account's buckets.
  dynamic "statement" {
    for_each = var.log_delivery ? [1] : []
    content {
      sid       = "S3ServerAccessLogs"
      actions   = ["s3:PutObject"]
      resources = ["${aws_s3_bucket.this.arn}/s3/*"]
      principals {
        type        = "Service"
        identifiers = ["logging.s3.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [one(data.aws_caller_identity.current[*].account_id)]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  # S3 answers OperationAborted to concurrent changes of one bucket's configuration.
  depends_on = [aws_s3_bucket_public_access_block.this, aws_s3_bucket_ownership_controls.this]
}
