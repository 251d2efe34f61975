# One origin for the browser: the storefront at /, the API at /api/*, images at /images/*.
# Same origin means no CORS and no token ever sent to a second host.

data "aws_cloudfront_cache_policy" "optimized" {
  name = "Managed-CachingOptimized"
}

data "aws_cloudfront_cache_policy" "disabled" {
  name = "Managed-CachingDisabled"
}

# Everything but Host: API Gateway routes on its own host name and answers 403 to any other.
# With caching disabled this policy also forwards the Authorization header.
data "aws_cloudfront_origin_request_policy" "all_viewer_except_host" {
  name = "Managed-AllViewerExceptHostHeader"
}

locals {
  site_origin   = "storefront"
  images_origin = "images"
  api_origin    = "api"
}

resource "aws_cloudfront_origin_access_control" "s3" {
  name                              = "${var.name}-s3"
  description                       = "CloudFront signs every request to the private buckets"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# S3 behind origin access control has no index documents: map directory-style paths of the
# static export to their index.html.
resource "aws_cloudfront_function" "index" {
  name    = "${var.name}-index-html"
  runtime = "cloudfront-js-2.0"
  comment = "Serve path/index.html for /path and /path/"
  publish = true
  code    = <<-JS
    function handler(event) {
      var request = event.request;
      var uri = request.uri;
      if (uri.endsWith('/')) {
        request.uri = uri + 'index.html';
      } else if (uri.split('/').pop().indexOf('.') === -1) {
        request.uri = uri + '/index.html';
      }
      return request;
    }
  JS
}

resource "aws_cloudfront_response_headers_policy" "security" {
  #checkov:skip=CKV_AWS_259:HSTS is sent for a year with subdomains; only "preload" is left out, a commitment for a whole registrable domain that *.cloudfront.net cannot make.
  name    = "${var.name}-security-headers"
  comment = "Security headers on every response"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = true
      override                   = true
    }
    content_type_options {
      override = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }
  }
}

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_68:A WAF web ACL costs a monthly fee per ACL and rule; attach one through web_acl_arn when the deployment serves real traffic.
  #checkov:skip=CKV2_AWS_47:Same as CKV_AWS_68: the log4j managed rule needs a web ACL, which is optional here.
  #checkov:skip=CKV_AWS_174:Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose TLS policy cannot be chosen.
  #checkov:skip=CKV2_AWS_42:A custom certificate needs a domain the learner owns; the default cloudfront.net certificate is used.
  #checkov:skip=CKV_AWS_310:There is one copy of each origin; failover would need a second bucket and API in another region.
  #checkov:skip=CKV_AWS_374:The shop sells worldwide; no geo restriction applies.
  enabled             = true
  comment             = "${var.name} storefront and API"
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  default_root_object = "index.html"
  price_class         = var.price_class
  web_acl_id          = var.web_acl_arn

  origin {
    origin_id                = local.site_origin
    domain_name              = var.site_bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.s3.id
  }

  origin {
    origin_id                = local.images_origin
    domain_name              = var.images_bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.s3.id
  }

  origin {
    origin_id   = local.api_origin
    domain_name = var.api_domain_name
    # /api/orders at the edge becomes /<stage>/api/orders at API Gateway.
    origin_path = "/${var.api_stage_name}"

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id           = local.site_origin
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
    compress                   = true

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.index.arn
    }
  }

  # Never cached: answers depend on the caller's token and on live stock.
  ordered_cache_behavior {
    path_pattern               = "/api/*"
    target_origin_id           = local.api_origin
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods             = ["GET", "HEAD"]
    cache_policy_id            = data.aws_cloudfront_cache_policy.disabled.id
    origin_request_policy_id   = data.aws_cloudfront_origin_request_policy.all_viewer_except_host.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
    compress                   = true
  }

  ordered_cache_behavior {
    path_pattern               = "/images/*"
    target_origin_id           = local.images_origin
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
    compress                   = true
  }

  logging_config {
    bucket          = var.log_bucket_domain_name
    prefix          = "cloudfront/"
    include_cookies = false
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}

# The storefront is one static build for every deployment: it learns the user pool at run time
# from /config.json, which only Terraform knows the values of. `aws s3 sync --delete` of a new
# export must exclude this key (docs/deploy.md does); the next apply would rewrite it anyway.
resource "aws_s3_object" "config" {
  #checkov:skip=CKV_AWS_186:Public, non-secret settings any visitor reads; the bucket's SSE-S3 default encrypts it at rest, and SSE-KMS would need a key grant for CloudFront.
  bucket       = var.site_bucket
  key          = "config.json"
  content      = jsonencode(var.site_config)
  content_type = "application/json"
  # Revalidated on every load, so a re-created pool is picked up without an invalidation.
  cache_control = "no-cache"
}
