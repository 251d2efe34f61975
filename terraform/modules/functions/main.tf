data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # Which function may send to the queue and use images follows docs/architecture.md: every
  # command handler notifies the projector after commit; only admin uploads and deletes images
  # (writes_images), and the catalog reads of product read what S3 says of each one
  # (reads_images; admin reads them too, checking an upload before attaching it).
  functions = {
    order = {
      description       = "Order commands: place and cancel"
      sends_events      = true
      reads_images      = false
      writes_images     = false
      reads_alarms      = false
      queries_telemetry = false
    }
    product = {
      description       = "Read models: products and orders, health, OpenAPI"
      sends_events      = false
      reads_images      = true
      writes_images     = false
      reads_alarms      = false
      queries_telemetry = false
    }
    admin = {
      description   = "Admin commands, event log, projections, traces"
      sends_events  = true
      reads_images  = true
      writes_images = true
      # The Observe console's alarm board reads the deployment's CloudWatch alarms.
      reads_alarms = true
      # Its Traces, Service map and Logs pages query X-Ray and CloudWatch Logs Insights
      # (OBSERVE_XRAY, OBSERVE_LOG_GROUPS).
      queries_telemetry = true
    }
  }
}

# The AWS Distro for OpenTelemetry collector as a Lambda extension: it receives OTLP on
# localhost:4318 and sends the spans to X-Ray (over the VPC's xray endpoint) with the function
# role's AWSXRayDaemonWriteAccess. AWS publishes the layer from account 901920570463 in every
# commercial region; amd64 matches the functions' x86_64. Pinned, like every other version here:
# https://github.com/aws-observability/aws-otel-lambda lists newer ones.
locals {
  adot_layer = "arn:${data.aws_partition.current.partition}:lambda:${data.aws_region.current.name}:901920570463:layer:aws-otel-collector-amd64-ver-0-117-0:1"
  layers     = concat(var.adot_collector_layer ? [local.adot_layer] : [], var.layers)

  # The extension's configuration: the layer's default (/opt/collector-config/config.yaml) with
  # the awsxray exporter told which span attributes to index as X-Ray annotations, which filter
  # expressions can search (annotation.order_id = "..."); the others stay metadata, shown in a
  # trace but not searchable. Only OTLP/HTTP on localhost:4318, what the services export with,
  # and only traces: on AWS the services send no OTLP metrics or logs (their logs are stdout,
  # their metrics EMF lines in it). The layer reads it from OPENTELEMETRY_COLLECTOR_CONFIG_URI,
  # here its env: provider and a variable of its own, so no file in the zip and no S3 object;
  # JSON, which is YAML, on one line.
  collector_config = {
    receivers = { otlp = { protocols = { http = { endpoint = "localhost:4318" } } } }
    exporters = {
      awsxray = {
        index_all_attributes = false
        indexed_attributes   = var.xray_indexed_attributes
      }
    }
    service = {
      pipelines = { traces = { receivers = ["otlp"], exporters = ["awsxray"] } }
      # As the layer's default: the collector's own metrics on loopback only.
      telemetry = { metrics = { address = "localhost:8888" } }
    }
  }

  # The services export to the extension unless the caller named another endpoint; a
  # configuration the caller names for the extension wins over this one too.
  environment = merge(
    var.adot_collector_layer ? {
      OPENTELEMETRY_COLLECTOR_CONFIG_URI = "env:ADOT_COLLECTOR_CONFIG"
      ADOT_COLLECTOR_CONFIG              = jsonencode(local.collector_config)
    } : {},
    var.environment,
    var.adot_collector_layer && lookup(var.environment, "OTEL_EXPORTER_OTLP_ENDPOINT", "") == "" ? { OTEL_EXPORTER_OTLP_ENDPOINT = "http://localhost:4318" } : {},
  )
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = local.functions

  name                 = "${var.name}-${each.key}-lambda"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary
}

# ENI management for VPC access; AWSLambdaVPCAccessExecutionRole would also grant log
# writes to every log group, which the inline policy below scopes to the function's own.
resource "aws_iam_role_policy_attachment" "eni" {
  for_each = local.functions

  role       = aws_iam_role.this[each.key].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaENIManagementAccess"
}

resource "aws_iam_role_policy_attachment" "xray" {
  for_each = local.functions

  role       = aws_iam_role.this[each.key].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

data "aws_iam_policy_document" "function" {
  for_each = local.functions

  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this[each.key].arn}:*"]
  }

  statement {
    sid       = "DatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [var.database_secret_arn]
  }

  # The secret and the environment are encrypted with the deployment key.
  statement {
    sid       = "DecryptWithDeploymentKey"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }

  dynamic "statement" {
    for_each = each.value.sends_events ? [1] : []
    content {
      sid       = "NotifyProjector"
      actions   = ["sqs:SendMessage"]
      resources = [var.queue_arn]
    }
  }

  # HeadObject of an image is authorized as s3:GetObject.
  dynamic "statement" {
    for_each = each.value.reads_images || each.value.writes_images ? [1] : []
    content {
      sid       = "ReadProductImages"
      actions   = ["s3:GetObject"]
      resources = ["${var.images_bucket_arn}/images/*"]
    }
  }

  # Without s3:ListBucket S3 answers a HeadObject of a missing key 403, not 404, and the services
  # read only a 404 as "no such image" (an upload not made yet, an image gone): a 403 is a
  # storage error. S3 checks it with the object's key as s3:prefix, so the listing it grants
  # stays under images/.
  dynamic "statement" {
    for_each = each.value.reads_images || each.value.writes_images ? [1] : []
    content {
      sid       = "ProductImagesNotFoundIs404"
      actions   = ["s3:ListBucket"]
      resources = [var.images_bucket_arn]
      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = ["images/*"]
      }
    }
  }

  # The presigned upload URLs the admin function hands out are signed with this role's
  # credentials: the browser's PUT is allowed as if the function made it. Replaced and
  # abandoned uploads are deleted.
  dynamic "statement" {
    for_each = each.value.writes_images ? [1] : []
    content {
      sid       = "WriteProductImages"
      actions   = ["s3:PutObject", "s3:DeleteObject"]
      resources = ["${var.images_bucket_arn}/images/*"]
    }
  }
}

resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  name   = "${each.key}-least-privilege"
  role   = aws_iam_role.this[each.key].id
  policy = data.aws_iam_policy_document.function[each.key].json
}

# The Observe console's alarm board (reads_alarms: the admin function only) reads the
# deployment's alarms: DescribeAlarms with the deployment's name prefix, asking for metric and
# composite alarms, and DescribeAlarmHistory of the last hour without an alarm name
# (observe/src/cloudwatch.rs). Both need "*": CloudWatch returns composite alarms (the SLO burn
# alerts) only to a caller allowed DescribeAlarms on every alarm, and authorizes a history request
# that names no alarm against "*". Its Metrics page asks GetMetricData for each panel's
# CloudWatch expression (storefront/src/observe/panels.ts), which takes no resource at all. A
# policy of its own, so that the one "*" here and its checkov skip cover these read-only actions
# and nothing else of the function's policy.
data "aws_iam_policy_document" "alarm_board" {
  #checkov:skip=CKV_AWS_356:DescribeAlarms returns composite alarms only when allowed on "*", DescribeAlarmHistory without an alarm name is authorized against "*", and GetMetricData has no resource-level permissions; all only read alarm configuration, state, history and metric values.
  statement {
    sid       = "AlarmBoard"
    actions   = ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"]
    resources = ["*"]
  }
  statement {
    sid       = "MetricPanels"
    actions   = ["cloudwatch:GetMetricData"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "alarm_board" {
  for_each = { for name, f in local.functions : name => f if f.reads_alarms }

  name   = "${each.key}-alarm-board"
  role   = aws_iam_role.this[each.key].id
  policy = data.aws_iam_policy_document.alarm_board.json
}

# The Observe console's Traces, Service map and Logs pages (queries_telemetry: the admin function
# only) send the learner's X-Ray filter expression to X-Ray, draw X-Ray's service graph, and send
# the Logs Insights query to CloudWatch Logs (observe/src/xray.rs, observe/src/cloudwatch_logs.rs).
# X-Ray has no resource-level permissions for GetTraceSummaries, BatchGetTraces and
# GetServiceGraph, so they take "*". StartQuery is held to the log groups the console queries
# (query_log_group_names, its OBSERVE_LOG_GROUPS); GetQueryResults and StopQuery name a query id,
# no resource, so they take "*" too. A policy of its own, like the alarm board's, so that these
# "*" and their checkov skip cover nothing else.
data "aws_iam_policy_document" "telemetry_queries" {
  #checkov:skip=CKV_AWS_356:X-Ray's GetTraceSummaries, BatchGetTraces and GetServiceGraph have no resource-level permissions; GetQueryResults and StopQuery name only the id of a query that StartQuery, held to the services' log groups, started, and no log group to scope them to. All five only read traces and query results (or stop a query).
  statement {
    sid       = "TraceQueries"
    actions   = ["xray:GetTraceSummaries", "xray:BatchGetTraces", "xray:GetServiceGraph"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = length(var.query_log_group_names) > 0 ? [1] : []
    content {
      sid     = "LogsInsightsOnTheServicesLogGroups"
      actions = ["logs:StartQuery"]
      resources = [for g in var.query_log_group_names :
        "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:${g}:*"
      ]
    }
  }

  statement {
    sid       = "LogsInsightsResults"
    actions   = ["logs:GetQueryResults", "logs:StopQuery"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "telemetry_queries" {
  for_each = { for name, f in local.functions : name => f if f.queries_telemetry }

  name   = "${each.key}-telemetry-queries"
  role   = aws_iam_role.this[each.key].id
  policy = data.aws_iam_policy_document.telemetry_queries.json
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is the log_retention_days variable (30 days by default); a teaching deployment's logs are not worth a year of storage.
  for_each = local.functions

  name              = "/aws/lambda/${var.name}-${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_lambda_function" "this" {
  for_each = local.functions
  #checkov:skip=CKV_AWS_116:API Gateway invokes synchronously and gets the error; a DLQ only applies to asynchronous invocations.
  #checkov:skip=CKV_AWS_115:New accounts have a concurrency quota of 10 and reserved concurrency must leave 10 unreserved, so any reservation fails there.
  #checkov:skip=CKV_AWS_272:Zips come from this repository's own release build; code signing needs a signing profile a learner account does not have.

  function_name = "${var.name}-${each.key}"
  description   = each.value.description
  role          = aws_iam_role.this[each.key].arn

  filename = "${var.package_dir}/${each.key}/bootstrap.zip"
  # try() defers a missing zip to the precondition below, which says how to build it.
  source_code_hash = try(filebase64sha256("${var.package_dir}/${each.key}/bootstrap.zip"), null)
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = ["x86_64"]
  memory_size      = var.memory_mb
  timeout          = var.timeout_seconds
  layers           = local.layers

  kms_key_arn = var.kms_key_arn
  environment {
    # lambda_http prefixes REST API paths with the stage ("/prod/api/orders") unless told
    # not to; the routers match "/api/...", as behind the local gateway.
    # One Lambda instance serves one request at a time, so two connections are plenty, and
    # every concurrent instance holds its own pool: 10 each (the default) would exhaust a
    # db.t4g.micro's ~80 connections at a concurrency of eight.
    variables = merge(local.environment, lookup(var.function_environment, each.key, {}), {
      AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH = "true"
      DATABASE_POOL_SIZE                   = tostring(var.database_pool_size)
    })
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [var.security_group_id]
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this[each.key].name
  }

  lifecycle {
    precondition {
      condition     = fileexists("${var.package_dir}/${each.key}/bootstrap.zip")
      error_message = "Missing ${var.package_dir}/${each.key}/bootstrap.zip: run scripts/build-release first."
    }
  }

  depends_on = [
    aws_iam_role_policy.function,
    aws_iam_role_policy.alarm_board,
    aws_iam_role_policy.telemetry_queries,
    aws_iam_role_policy_attachment.eni,
  ]
}
