# One origin for the browser: the storefront at /, the API at /api/*, images at /images/*.
# Same origin means no CORS and no token ever sent to a second host.

# AWS's managed policies, by the ids AWS documents for them (the same in every account): no
# lookup at plan time, so a plan reads nothing from CloudFront (and one against an emulator
# without these policies still plans).
locals {
  managed_cache_policy = {
    optimized = "658327ea-f89d-4fab-a63d-7e88639e58f6" # Managed-CachingOptimized
    disabled  = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" # Managed-CachingDisabled
  }
  # Everything but Host: API Gateway routes on its own host name and answers 403 to any other.
  # With caching disabled this policy also forwards the Authorization header.
  all_viewer_except_host = "b689b0a8-53d0-40ab-baf2-68738e2966ac" # Managed-AllViewerExceptHostHeader
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

# A missing storefront path should answer the export's /404.html with status 404, not S3's XML
# 403 (the bucket gives CloudFront s3:GetObject only, so S3 says 403 for a key it lacks). How:
#
# - Not custom_error_response: it belongs to the whole distribution, not to a behaviour, so it
#   would also replace the API's own 403 and 404 answers under /api/* (a shopper's order that is
#   not theirs, a route for admins only, an unknown product: problem+json the storefront reads)
#   with the HTML page, and turn every 403 into a 404.
# - Not a viewer-response function alone: CloudFront runs none when the origin answers 400 or
#   above, so it never sees S3's 403.
# - Not Lambda@Edge (its origin-response trigger does run on errors): a function in us-east-1
#   whatever the region, a second provider, a zip to build, and replicas that AWS removes only
#   hours after the distribution lets go of them, which terraform destroy runs into.
#
# Instead the static export's pages are known in advance (site_pages: every page is a folder
# with an index.html, and ids travel in the query string, never in the path): the viewer-request
# function below maps a directory-style path to its page's index.html, and any other to
# /404.html, which S3 answers 200; the viewer-response function then sets 404 on that answer. The
# default behaviour alone has these functions, so /api/* and /images/* answer exactly as their
# origins do. A path with an extension (an asset) is passed to S3 as asked, and a missing one is
# still S3's 403. With site_pages null, every directory-style path maps to its index.html, as before.
locals {
  know_pages = var.site_pages != null
  pages      = var.site_pages == null ? [] : var.site_pages
  # {"/cart/": true, ...}: a JS object literal for both functions.
  pages_js = jsonencode({ for p in local.pages : p => true })
  # Shared by both functions: whether a request path (as the viewer sent it, or as the request
  # function rewrote it) is a page the export does not have. A viewer-response function sees
  # event.request; whichever of the two it is, the answer is the same.
  not_found_js = <<-JS
    var pages = ${local.pages_js};
    // The page a path asks for ("/cart/" for /cart, /cart/ and /cart/index.html), or null for
    // a file (a last segment with a dot: assets, /404.html).
    function pageOf(uri) {
      if (uri.endsWith('/index.html')) {
        return uri.slice(0, -'index.html'.length);
      }
      if (uri.endsWith('/')) {
        return uri;
      }
      return uri.split('/').pop().indexOf('.') === -1 ? uri + '/' : null;
    }
    function notFound(uri) {
      var page = pageOf(uri);
      return uri === '/404.html' || (page !== null && pages[page] !== true);
    }
  JS

  # Viewer request, with site_pages: a page's index.html, or /404.html.
  page_request_js = <<-JS
    ${local.not_found_js}
    function handler(event) {
      var request = event.request;
      var page = pageOf(request.uri);
      if (page !== null) {
        request.uri = pages[page] === true ? page + 'index.html' : '/404.html';
      }
      return request;
    }
  JS

  # Viewer request, without site_pages: every directory-style path is a page.
  index_request_js = <<-JS
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

  # Viewer response, with site_pages: 404 on the answer of /404.html.
  not_found_response_js = <<-JS
    ${local.not_found_js}
    function handler(event) {
      var response = event.response;
      if (response.statusCode === 200 && notFound(event.request.uri)) {
        response.statusCode = 404;
        response.statusDescription = 'Not Found';
      }
      return response;
    }
  JS
}

# S3 behind origin access control has no index documents: map directory-style paths of the
# static export to their index.html (and, with site_pages, paths that are no page to /404.html).
resource "aws_cloudfront_function" "index" {
  name    = "${var.name}-index-html"
  runtime = "cloudfront-js-2.0"
  comment = local.know_pages ? "Serve path/index.html for /path and /path/ of an export page, /404.html for other paths" : "Serve path/index.html for /path and /path/"
  publish = true
  code    = local.know_pages ? local.page_request_js : local.index_request_js

  lifecycle {
    precondition {
      condition     = !local.know_pages || contains(local.pages, "/")
      error_message = "site_pages has no \"/\" (the storefront's home page): the page list is empty or wrong (is storefront/src/app where envs/aws looks?), and every page would answer 404."
    }
    precondition {
      condition     = alltrue([for p in local.pages : startswith(p, "/") && endswith(p, "/") && !strcontains(p, "[")])
      error_message = "site_pages must be paths like /cart/ (a leading and a trailing slash) and no dynamic segment ([id]): the export serves ids in the query string. Got ${jsonencode(local.pages)}."
    }
  }
}

# 404 on the answer of /404.html (from S3 or CloudFront's cache, 200 there). It runs only when
# that answer is below 400, which it always is for /404.html once the export is uploaded.
resource "aws_cloudfront_function" "not_found" {
  count = local.know_pages ? 1 : 0

  name    = "${var.name}-not-found-status"
  runtime = "cloudfront-js-2.0"
  comment = "Status 404 for paths that are no page of the storefront export"
  publish = true
  code    = local.not_found_response_js
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
    cache_policy_id            = local.managed_cache_policy.optimized
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
    compress                   = true

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.index.arn
    }

    dynamic "function_association" {
      for_each = aws_cloudfront_function.not_found
      content {
        event_type   = "viewer-response"
        function_arn = function_association.value.arn
      }
    }
  }

  # Never cached: answers depend on the caller's token and on live stock.
  ordered_cache_behavior {
    path_pattern               = "/api/*"
    target_origin_id           = local.api_origin
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods             = ["GET", "HEAD"]
    cache_policy_id            = local.managed_cache_policy.disabled
    origin_request_policy_id   = local.all_viewer_except_host
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
    compress                   = true
  }

  ordered_cache_behavior {
    path_pattern               = "/images/*"
    target_origin_id           = local.images_origin
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    cache_policy_id            = local.managed_cache_policy.optimized
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
