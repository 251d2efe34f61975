# REST API (not HTTP API) because it offers stage access logs, X-Ray tracing and a Cognito
# authorizer in one place, all visible to a learner in the console.

data "aws_region" "current" {}

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = "shop HTTP API (docs/architecture.md section 4)"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = alltrue([for p in local.prefixes : length(split("/", p)) <= 5])
      error_message = "A route is deeper than four path segments: add a depth5 level of resources (or end it in {proxy+})."
    }
  }
}

resource "aws_api_gateway_authorizer" "cognito" {
  name            = "cognito"
  rest_api_id     = aws_api_gateway_rest_api.this.id
  type            = "COGNITO_USER_POOLS"
  provider_arns   = [var.user_pool_arn]
  identity_source = "method.request.header.Authorization"
}

# The services validate bodies and answer problem+json; the gateway only checks that
# required parameters are present, so its own error shape stays rare.
resource "aws_api_gateway_request_validator" "params" {
  name                        = "parameters"
  rest_api_id                 = aws_api_gateway_rest_api.this.id
  validate_request_parameters = true
  validate_request_body       = false
}

# Answers the gateway gives itself (no token, throttled, an integration failure) in the same
# application/problem+json shape the services use, so a client parses one error format.
# DEFAULT_4XX and DEFAULT_5XX cover whatever type has no entry of its own; their status is not
# available to a template, so their body leaves it out (RFC 9457 makes it optional).
locals {
  # The stage's throttling, shared with the local gateway (handlers/src/throttle.rs).
  throttle = jsondecode(file("${path.module}/../../throttle.json"))

  gateway_problems = {
    UNAUTHORIZED  = { status = 401, title = "Unauthorized" }
    ACCESS_DENIED = { status = 403, title = "Forbidden" }
    THROTTLED     = { status = 429, title = "Too Many Requests" }
    DEFAULT_4XX   = { status = null, title = "Request refused by the API gateway" }
    DEFAULT_5XX   = { status = null, title = "API gateway error" }
  }
}

resource "aws_api_gateway_gateway_response" "problem" {
  for_each = local.gateway_problems

  rest_api_id   = aws_api_gateway_rest_api.this.id
  response_type = each.key
  status_code   = each.value.status == null ? null : tostring(each.value.status)

  # A throttled client is told when to come back, as the local gateway tells it: the bucket
  # refills rate_limit tokens a second, so one second always frees a request.
  response_parameters = merge(
    { "gatewayresponse.header.Content-Type" = "'application/problem+json'" },
    each.key == "THROTTLED" ? { "gatewayresponse.header.Retry-After" = "'1'" } : {},
  )
  # $context.error.messageString is the gateway's message already quoted as a JSON string.
  response_templates = {
    "application/json" = each.value.status == null ? (
      "{\"type\":\"about:blank\",\"title\":\"${each.value.title}\",\"detail\":$context.error.messageString}"
      ) : (
      "{\"type\":\"about:blank\",\"title\":\"${each.value.title}\",\"status\":${each.value.status},\"detail\":$context.error.messageString}"
    )
  }
}

locals {
  # Routes of docs/architecture.md section 4, written as its table writes them: "METHOD path".
  # Reads of orders go to the product function, which owns the read models; "public" routes take
  # no token. The admin function serves its whole subtree through one proxy route and checks the
  # admin group itself (cognito:groups): a Cognito authorizer only checks that a token is valid.
  routes = {
    "GET /api/health"              = { function = "product", public = true }
    "GET /api/openapi.json"        = { function = "product", public = true }
    "GET /api/products"            = { function = "product", public = true }
    "GET /api/products/{sku}"      = { function = "product", public = true }
    "GET /api/orders"              = { function = "product", public = false }
    "POST /api/orders"             = { function = "order", public = false }
    "GET /api/orders/{id}"         = { function = "product", public = false }
    "POST /api/orders/{id}/cancel" = { function = "order", public = false }
    "ANY /api/admin/{proxy+}"      = { function = "admin", public = false }
  }

  route = { for k, r in local.routes : k => merge(r, {
    method = split(" ", k)[0]
    path   = split(" ", k)[1]
    # Lambda permission statement ids take only letters, digits, - and _: a readable slug.
    slug = trim(lower(replace(k, "/[^A-Za-z0-9]+/", "-")), "-")
  }) }

  # API Gateway wants one resource per path segment. Every prefix of every route path, by
  # depth ("/api" is 1, "/api/orders/{id}/cancel" is 4), so each level can name its parent in
  # the level above: a for_each resource cannot refer to its own instances.
  prefixes = distinct(flatten([
    for r in local.route : [
      for n in range(2, length(split("/", r.path)) + 1) : join("/", slice(split("/", r.path), 0, n))
    ]
  ]))
  depth = { for d in [1, 2, 3, 4] : d => toset([for p in local.prefixes : p if length(split("/", p)) == d + 1]) }

  resources = merge(
    aws_api_gateway_resource.depth1,
    aws_api_gateway_resource.depth2,
    aws_api_gateway_resource.depth3,
    aws_api_gateway_resource.depth4,
  )
}

resource "aws_api_gateway_resource" "depth1" {
  for_each = local.depth[1]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = basename(each.key)
}

resource "aws_api_gateway_resource" "depth2" {
  for_each = local.depth[2]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth1[dirname(each.key)].id
  path_part   = basename(each.key)
}

resource "aws_api_gateway_resource" "depth3" {
  for_each = local.depth[3]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth2[dirname(each.key)].id
  path_part   = basename(each.key)
}

resource "aws_api_gateway_resource" "depth4" {
  for_each = local.depth[4]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth3[dirname(each.key)].id
  path_part   = basename(each.key)
}

resource "aws_api_gateway_method" "this" {
  for_each = local.route
  #checkov:skip=CKV_AWS_59:Catalog, health and OpenAPI are public by design (docs/architecture.md section 4); every other route uses the Cognito authorizer.

  rest_api_id          = aws_api_gateway_rest_api.this.id
  resource_id          = local.resources[each.value.path].id
  http_method          = each.value.method
  authorization        = each.value.public ? "NONE" : "COGNITO_USER_POOLS"
  authorizer_id        = each.value.public ? null : aws_api_gateway_authorizer.cognito.id
  request_validator_id = aws_api_gateway_request_validator.params.id
  # With a scope the authorizer takes access tokens (which the storefront and the docs send);
  # without one it would take only ID tokens. The services accept either.
  authorization_scopes = each.value.public ? null : var.authorization_scopes
}

resource "aws_api_gateway_integration" "this" {
  for_each = local.route

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = local.resources[each.value.path].id
  http_method             = aws_api_gateway_method.this[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.invoke_arns[each.value.function]
}

# One permission per route, so a function can be invoked only through its own paths.
resource "aws_lambda_permission" "this" {
  for_each = local.route

  statement_id  = "apigateway-${each.value.slug}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_names[each.value.function]
  principal     = "apigateway.amazonaws.com"
  source_arn = format("%s/*/%s%s",
    aws_api_gateway_rest_api.this.execution_arn,
    each.value.method == "ANY" ? "*" : each.value.method,
    replace(each.value.path, "/\\{[^}]+\\}/", "*"),
  )
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # A deployment is a snapshot: redeploy whenever a route, method or integration changes.
  triggers = {
    redeployment = sha1(jsonencode([
      local.routes,
      [for r in local.resources : r.id],
      [for m in aws_api_gateway_method.this : [m.id, m.authorization, m.authorizer_id, m.authorization_scopes]],
      [for i in aws_api_gateway_integration.this : [i.id, i.uri]],
      [for g in aws_api_gateway_gateway_response.problem : [g.id, g.response_templates]],
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_api_gateway_integration.this, aws_api_gateway_gateway_response.problem]
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_338:Retention is the log_retention_days variable (30 days by default); a teaching deployment's logs are not worth a year of storage.
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

# API Gateway names its execution log group itself; creating it first sets retention and key.
resource "aws_cloudwatch_log_group" "execution" {
  #checkov:skip=CKV_AWS_338:Retention is the log_retention_days variable (30 days by default); a teaching deployment's logs are not worth a year of storage.
  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.stage_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:Responses are per user or must be fresh (stock levels, order status); a cache would serve stale data and costs hourly.
  #checkov:skip=CKV2_AWS_29:A WAF web ACL costs a monthly fee per ACL and rule; stage throttling bounds abuse for this teaching deployment.
  #checkov:skip=CKV2_AWS_51:Browsers reach the API through CloudFront; client certificates authenticate backend-to-backend calls, which this API has none of.
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage_name
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    # xrayTraceId and the correlation of requestId with the Lambda logs are what a learner
    # follows from an access log line into a trace.
    format = jsonencode({
      requestId          = "$context.requestId"
      extendedRequestId  = "$context.extendedRequestId"
      xrayTraceId        = "$context.xrayTraceId"
      ip                 = "$context.identity.sourceIp"
      user               = "$context.authorizer.claims.sub"
      requestTime        = "$context.requestTime"
      httpMethod         = "$context.httpMethod"
      resourcePath       = "$context.resourcePath"
      path               = "$context.path"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integration.latency"
      integrationStatus  = "$context.integration.status"
      errorMessage       = "$context.error.message"
    })
  }

  depends_on = [
    aws_cloudwatch_log_group.execution,
    aws_api_gateway_account.this,
  ]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:Caching is off on purpose (see the stage); nothing to cache.
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = "ERROR"
    data_trace_enabled     = false
    caching_enabled        = false
    throttling_rate_limit  = coalesce(var.throttle_rate_limit, local.throttle.rate_limit)
    throttling_burst_limit = coalesce(var.throttle_burst_limit, local.throttle.burst_limit)
  }
}

# Stage logging needs a region-wide role that lets API Gateway write to CloudWatch Logs.
data "aws_iam_policy_document" "apigw_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cloudwatch" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  name                 = "${var.name}-apigateway-cloudwatch"
  assume_role_policy   = data.aws_iam_policy_document.apigw_assume.json
  permissions_boundary = var.permissions_boundary
}

resource "aws_iam_role_policy_attachment" "cloudwatch" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  role       = aws_iam_role.cloudwatch[0].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.cloudwatch[0].arn
  depends_on          = [aws_iam_role_policy_attachment.cloudwatch]
}
