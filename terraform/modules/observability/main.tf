data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  region = data.aws_region.current.name
  ns     = var.metrics_namespace

  # SEARCH matches a metric under any dimension set, so the dashboard keeps working whatever
  # dimensions the services attach to their EMF metrics.
  shop = { for m in ["OrdersPlaced", "OrdersRejected", "CommandLatency", "ProjectionLagEvents", "ProjectionLagMs"] :
    m => "Namespace=\"${local.ns}\" MetricName=\"${m}\""
  }

  lambda_metric = { for stat_metric in ["Errors", "Throttles"] :
    stat_metric => [for role, fn in var.function_names : ["AWS/Lambda", stat_metric, "FunctionName", fn, { label = role }]]
  }

  api_dims   = ["ApiName", var.api_name, "Stage", var.api_stage_name]
  ecs_dims   = ["ClusterName", var.ecs_cluster_name, "ServiceName", var.ecs_service_name]
  queue_dims = ["QueueName", var.queue_name]
  db_dims    = ["DBInstanceIdentifier", var.db_instance_identifier]

  # One panel per question a learner asks, in reading order; the layout (three per row) and
  # the settings every panel shares are added below.
  panels = [
    {
      title = "Orders placed and rejected (per minute)"
      stat  = "Sum"
      metrics = [
        [{ expression = "SUM(SEARCH('${local.shop.OrdersPlaced}', 'Sum', 60))", label = "OrdersPlaced", id = "placed" }],
        [{ expression = "SUM(SEARCH('${local.shop.OrdersRejected}', 'Sum', 60))", label = "OrdersRejected", id = "rejected" }],
      ]
    },
    {
      title   = "CommandLatency p99 (ms)"
      metrics = [[{ expression = "SEARCH('${local.shop.CommandLatency}', 'p99', 60)", id = "latency" }]]
    },
    {
      title = "Projection lag"
      metrics = [
        [{ expression = "MAX(SEARCH('${local.shop.ProjectionLagEvents}', 'Maximum', 60))", label = "ProjectionLagEvents", id = "lagevents" }],
        [{ expression = "MAX(SEARCH('${local.shop.ProjectionLagMs}', 'Maximum', 60))", label = "ProjectionLagMs", id = "lagms", yAxis = "right" }],
      ]
    },
    {
      title = "Event queue"
      stat  = "Maximum"
      metrics = [
        concat(["AWS/SQS", "ApproximateNumberOfMessagesVisible"], local.queue_dims, [{ label = "visible" }]),
        concat(["AWS/SQS", "ApproximateNumberOfMessagesNotVisible"], local.queue_dims, [{ label = "in flight" }]),
        concat(["AWS/SQS", "ApproximateAgeOfOldestMessage"], local.queue_dims, [{ label = "oldest age (s)", yAxis = "right" }]),
      ]
    },
    {
      title   = "Dead-letter queue depth"
      stat    = "Maximum"
      metrics = [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.dlq_name, { label = "DLQ visible" }]]
    },
    {
      title = "stock-projector tasks"
      stat  = "Average"
      metrics = [
        concat(["ECS/ContainerInsights", "RunningTaskCount"], local.ecs_dims, [{ label = "running" }]),
        concat(["ECS/ContainerInsights", "CpuUtilized"], local.ecs_dims, [{ label = "CPU units", yAxis = "right" }]),
      ]
    },
    { title = "Lambda errors", stat = "Sum", metrics = local.lambda_metric.Errors },
    { title = "Lambda throttles", stat = "Sum", metrics = local.lambda_metric.Throttles },
    {
      title = "API Gateway"
      metrics = [
        concat(["AWS/ApiGateway", "Count"], local.api_dims, [{ stat = "Sum", label = "requests" }]),
        concat(["AWS/ApiGateway", "5XXError"], local.api_dims, [{ stat = "Sum", label = "5xx" }]),
        concat(["AWS/ApiGateway", "4XXError"], local.api_dims, [{ stat = "Sum", label = "4xx" }]),
        concat(["AWS/ApiGateway", "Latency"], local.api_dims, [{ stat = "p99", label = "p99 latency (ms)", yAxis = "right" }]),
      ]
    },
    { title = "RDS CPU (%)", stat = "Average", metrics = [concat(["AWS/RDS", "CPUUtilization"], local.db_dims)] },
    { title = "RDS connections", stat = "Maximum", metrics = [concat(["AWS/RDS", "DatabaseConnections"], local.db_dims)] },
  ]

  widgets = [for i, panel in local.panels : {
    type       = "metric"
    x          = (i % 3) * 8
    y          = floor(i / 3) * 6
    width      = 8
    height     = 6
    properties = merge({ region = local.region, view = "timeSeries", period = 60 }, panel)
  }]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({ widgets = local.widgets })
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn
}

data "aws_iam_policy_document" "alarms" {
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms.json
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# Every alarm notifies the topic on the way in and on the way out. Each is one metric query:
# either a metric with a statistic, or an expression (Metrics Insights for the projector's own
# metrics, which aggregates over whatever dimensions the projector attaches).
locals {
  alarms = {
    # 5XXError is 0 or 1 per request, so its average is the failure rate.
    api-5xx-rate = {
      description = "More than ${var.api_5xx_rate_threshold * 100}% of API requests failed with 5xx. Check the Lambda logs and X-Ray for the failing route."
      metric      = { namespace = "AWS/ApiGateway", name = "5XXError", dimensions = { ApiName = var.api_name, Stage = var.api_stage_name }, stat = "Average" }
      period      = 300
      evaluate    = [2, 2]
      threshold   = var.api_5xx_rate_threshold
    }
    api-p99-latency = {
      description = "API p99 latency above ${var.api_p99_latency_ms_threshold} ms. Compare IntegrationLatency (Lambda) with Latency (gateway) and look at cold starts."
      metric      = { namespace = "AWS/ApiGateway", name = "Latency", dimensions = { ApiName = var.api_name, Stage = var.api_stage_name }, stat = "p99" }
      period      = 60
      evaluate    = [5, 3]
      threshold   = var.api_p99_latency_ms_threshold
    }
    dlq-not-empty = {
      description = "A message failed processing ${var.max_receive_count} times and sits in ${var.dlq_name}. Inspect it, fix the cause, then redrive it to the event queue."
      metric      = { namespace = "AWS/SQS", name = "ApproximateNumberOfMessagesVisible", dimensions = { QueueName = var.dlq_name }, stat = "Maximum" }
      period      = 60
      evaluate    = [1, 1]
      threshold   = 0
    }
    queue-oldest-message-age = {
      description = "Messages wait longer than ${var.oldest_message_age_seconds_threshold} s: the projector is down, stuck or too slow."
      metric      = { namespace = "AWS/SQS", name = "ApproximateAgeOfOldestMessage", dimensions = { QueueName = var.queue_name }, stat = "Maximum" }
      period      = 60
      evaluate    = [3, 3]
      threshold   = var.oldest_message_age_seconds_threshold
    }
    projection-lag = {
      description = "Read models trail the event store by more than ${var.projection_lag_ms_threshold} ms. See GET /api/admin/projections for last_error."
      expression  = "SELECT MAX(ProjectionLagMs) FROM \"${local.ns}\""
      period      = 60
      evaluate    = [3, 3]
      threshold   = var.projection_lag_ms_threshold
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  evaluation_periods  = each.value.evaluate[0]
  datapoints_to_alarm = each.value.evaluate[1]
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  # No data means no traffic or an empty queue: not a reason to page anyone.
  treat_missing_data = "notBreaching"
  alarm_actions      = [aws_sns_topic.alarms.arn]
  ok_actions         = [aws_sns_topic.alarms.arn]

  metric_query {
    id          = "m"
    return_data = true
    expression  = lookup(each.value, "expression", null)
    period      = lookup(each.value, "expression", null) == null ? null : each.value.period

    dynamic "metric" {
      for_each = lookup(each.value, "metric", null) == null ? [] : [each.value.metric]
      content {
        namespace   = metric.value.namespace
        metric_name = metric.value.name
        dimensions  = metric.value.dimensions
        stat        = metric.value.stat
        period      = each.value.period
      }
    }
  }
}
