data "aws_region" "current" {}

locals {
  region = data.aws_region.current.name
  # The services' EMF namespace, as observability/alarms.json names it (read below).
  ns = local.definition.namespace

  # SEARCH matches a metric under any dimension set, so the dashboard keeps working whatever
  # dimensions the services attach to their EMF metrics.
  shop = { for m in [
    "OrdersPlaced", "OrdersRejected", "CommandLatency", "ProjectionLagEvents", "ProjectionLagMs",
    "OrderDecisionLatency", "HttpRequests", "HttpRequestLatency", "SqsSendLatency", "PublishFailures", "DLQDepth",
    "StockCheckLatency", "StockChecks",
    ] :
    m => "Namespace=\"${local.ns}\" MetricName=\"${m}\""
  }

  lambda_metric = { for stat_metric in ["Errors", "Throttles", "ConcurrentExecutions"] :
    stat_metric => [for role, fn in var.function_names : ["AWS/Lambda", stat_metric, "FunctionName", fn, { label = role }]]
  }

  api_dims   = ["ApiName", var.api_name, "Stage", var.api_stage_name]
  ecs_dims   = ["ClusterName", var.ecs_cluster_name, "ServiceName", var.ecs_service_name]
  queue_dims = ["QueueName", var.queue_name]
  db_dims    = ["DBInstanceIdentifier", var.db_instance_identifier]
  cdn_dims   = ["DistributionId", var.cloudfront_distribution_id, "Region", "Global"]

  # The thresholds of observability/alarms.json, as lines on the panels of their metrics.
  alarm_lines = { for a in concat(local.definition.alarms, try(local.definition.resource_alarms, [])) :
    "${a.aws.metric.namespace} ${a.aws.metric.name}" => { label = "${a.name} alarm", value = a.threshold }... if can(a.aws.metric)
  }
  gib = 1073741824

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
    {
      title       = "RDS CPU (%)"
      stat        = "Average"
      metrics     = [concat(["AWS/RDS", "CPUUtilization"], local.db_dims)]
      annotations = { horizontal = lookup(local.alarm_lines, "AWS/RDS CPUUtilization", []) }
    },
    {
      title       = "RDS connections"
      stat        = "Maximum"
      metrics     = [concat(["AWS/RDS", "DatabaseConnections"], local.db_dims)]
      annotations = { horizontal = lookup(local.alarm_lines, "AWS/RDS DatabaseConnections", []) }
    },
    {
      title = "RDS free storage (GiB)"
      stat  = "Minimum"
      metrics = [
        concat(["AWS/RDS", "FreeStorageSpace"], local.db_dims, [{ id = "bytes", visible = false }]),
        [{ expression = "bytes / ${local.gib}", label = "free storage (GiB)", id = "gib" }],
      ]
      annotations = { horizontal = [for l in lookup(local.alarm_lines, "AWS/RDS FreeStorageSpace", []) : merge(l, { value = l.value / local.gib })] }
    },
    {
      title = "stock-projector CPU and memory (% of the task's)"
      metrics = [
        concat(["AWS/ECS", "CPUUtilization"], local.ecs_dims, [{ stat = "Average", label = "CPU (average of tasks)" }]),
        concat(["AWS/ECS", "MemoryUtilization"], local.ecs_dims, [{ stat = "Maximum", label = "memory (fullest task)" }]),
      ]
      annotations = { horizontal = concat(
        lookup(local.alarm_lines, "AWS/ECS CPUUtilization", []),
        lookup(local.alarm_lines, "AWS/ECS MemoryUtilization", []),
      ) }
    },
    {
      title = "Lambda concurrent executions"
      stat  = "Maximum"
      metrics = concat(
        local.lambda_metric.ConcurrentExecutions,
        [["AWS/Lambda", "ConcurrentExecutions", { label = "account and region (all functions)" }]],
      )
      annotations = { horizontal = lookup(local.alarm_lines, "AWS/Lambda ConcurrentExecutions", []) }
    },
    {
      title = "CloudFront 5xx error rate (%)"
      stat  = "Average"
      # CloudFront publishes its metrics in us-east-1 only, whatever the deployment's region.
      region      = "us-east-1"
      metrics     = [concat(["AWS/CloudFront", "5xxErrorRate"], local.cdn_dims)]
      annotations = { horizontal = lookup(local.alarm_lines, "AWS/CloudFront 5xxErrorRate", []) }
    },
    {
      title = "Order decision latency p50/p99 (ms)"
      metrics = [
        [{ expression = "SEARCH('${local.shop.OrderDecisionLatency}', 'p50', 60)", label = "p50", id = "decisionp50" }],
        [{ expression = "SEARCH('${local.shop.OrderDecisionLatency}', 'p99', 60)", label = "p99", id = "decisionp99" }],
      ]
      # The SLOs' thresholds on this metric, from observability/alarms.json.
      annotations = { horizontal = [for slo in local.definition.slos : {
        label = "${slo.name} SLO: ${slo.threshold_ms} ms"
        value = slo.threshold_ms
      } if slo.metric == "OrderDecisionLatency"] }
    },
    {
      title   = "Requests by route (per minute)"
      metrics = [[{ expression = "SEARCH('${local.shop.HttpRequests}', 'Sum', 60)", id = "requests" }]]
    },
    {
      title   = "HTTP request latency p99 (ms)"
      metrics = [[{ expression = "SEARCH('${local.shop.HttpRequestLatency}', 'p99', 60)", id = "httpp99" }]]
    },
    {
      title   = "SQS send p99 (ms)"
      metrics = [[{ expression = "SEARCH('${local.shop.SqsSendLatency}', 'p99', 60)", id = "sendp99" }]]
    },
    {
      title = "Stock check p99 (ms) and outcomes"
      metrics = [
        [{ expression = "SEARCH('${local.shop.StockCheckLatency}', 'p99', 60)", id = "stockp99" }],
        [{ expression = "SEARCH('${local.shop.StockChecks}', 'Sum', 60)", id = "stockchecks", yAxis = "right" }],
      ]
    },
    {
      title = "Publish failures and DLQDepth"
      metrics = [
        [{ expression = "SUM(SEARCH('${local.shop.PublishFailures}', 'Sum', 60))", label = "PublishFailures", id = "publishfailures" }],
        [{ expression = "MAX(SEARCH('${local.shop.DLQDepth}', 'Maximum', 60))", label = "DLQDepth", id = "dlqdepth", yAxis = "right" }],
      ]
    },
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
    # The topic's own account (the fifth field of its ARN): no STS call, so the module plans
    # offline, which the alarm parity check in scripts/check-terraform does.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [split(":", aws_sns_topic.alarms.arn)[4]]
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

# The alarms and SLOs are defined once, in observability/alarms.json, which scripts/alarms also
# turns into the Prometheus rules of the local stack; scripts/check-terraform fails when the two
# sides name different alarms. Its resource_alarms are AWS-only (RDS, ECS, Lambda, CloudFront
# have no local counterpart), and the check expects CloudWatch to have those as well. Nothing
# here sets a threshold, a period or a text of its own.
locals {
  definition = jsondecode(file("${path.module}/../../../observability/alarms.json"))

  # The file names dimensions symbolically (its metrics are the same on every deployment); the
  # deployment's own names fill them in. Each is a list of dimension sets: one, except for
  # "functions", which is one set per function (the alarm sums the metric over them).
  dimension_sets = {
    api          = [tomap({ ApiName = var.api_name, Stage = var.api_stage_name })]
    queue        = [tomap({ QueueName = var.queue_name })]
    dlq          = [tomap({ QueueName = var.dlq_name })]
    db           = [tomap({ DBInstanceIdentifier = var.db_instance_identifier })]
    ecs          = [tomap({ ClusterName = var.ecs_cluster_name, ServiceName = var.ecs_service_name })]
    distribution = [tomap({ DistributionId = var.cloudfront_distribution_id, Region = "Global" })]
    functions    = [for role in sort(keys(var.function_names)) : tomap({ FunctionName = var.function_names[role] })]
  }

  # The file's `comparison`, as CloudWatch spells it.
  comparisons = {
    ">"  = "GreaterThanThreshold"
    ">=" = "GreaterThanOrEqualToThreshold"
    "<"  = "LessThanThreshold"
    "<=" = "LessThanOrEqualToThreshold"
  }

  # Both sections, each entry marked with the section it comes from: `alarms` have a Prometheus
  # rule too, `resource_alarms` are AWS-only.
  alarm_entries = concat(
    [for a in local.definition.alarms : { section = "alarms", alarm = a }],
    [for a in try(local.definition.resource_alarms, []) : { section = "resource_alarms", alarm = a }],
  )

  # One metric alarm per entry with an `aws` part. An entry without one (a local-only alarm)
  # gets none, and the parity check names it. An alarm reads a metric with a statistic, or a
  # Metrics Insights expression (for the services' own EMF metrics, which it aggregates over
  # whatever dimensions they carry). A metric whose dimensions expand to several sets (one per
  # function) is one query per set and a math expression summing them; FILL makes a function
  # without invocations count as 0 instead of leaving the sum without a value.
  alarms = { for e in local.alarm_entries : e.alarm.name => {
    section     = e.section
    description = e.alarm.summary
    threshold   = e.alarm.threshold
    period      = e.alarm.aws.period
    evaluate    = e.alarm.aws.evaluate
    comparison  = try(e.alarm.aws.comparison, ">")
    # No data means no traffic, an empty queue or an idle function: not a reason to page
    # anyone. An entry says "breaching" where a resource that runs always reports.
    missing_data = try(e.alarm.aws.missing_data, "notBreaching")
    expression   = try(e.alarm.aws.expression, null)
    metric       = try(e.alarm.aws.metric, null)
    # Every combination of the dimensions' sets, merged. setproduct wants two lists at least:
    # the two lists of one empty set change no combination.
    series = can(e.alarm.aws.metric) ? [for combination in setproduct(concat(
      [[tomap({})], [tomap({})]],
      [for d in e.alarm.aws.metric.dimensions : lookup(local.dimension_sets, d, [tomap({})])],
    )...) : merge(combination...)] : []
    unknown_dimensions = [for d in try(e.alarm.aws.metric.dimensions, []) : d if !contains(keys(local.dimension_sets), d)]
  } if can(e.alarm.aws) }

  # The metric queries of each alarm: exactly one returns the value the alarm compares.
  alarm_queries = { for name, a in local.alarms : name => concat(
    a.expression == null ? [] : [{ id = "m", label = null, expression = a.expression, period = a.period, metric = null, return_data = true }],
    [for i, dims in a.series : {
      id          = length(a.series) == 1 ? "m" : "m${i}"
      label       = length(a.series) == 1 ? null : join(" ", values(dims))
      expression  = null
      period      = null
      metric      = { namespace = a.metric.namespace, name = a.metric.name, stat = a.metric.stat, dimensions = dims }
      return_data = length(a.series) == 1
    }],
    length(a.series) < 2 ? [] : [{
      id          = "e"
      label       = "${a.metric.name}, sum over ${length(a.series)}"
      expression  = join(" + ", [for i in range(length(a.series)) : "FILL(m${i}, 0)"])
      period      = null
      metric      = null
      return_data = true
    }],
  ) }

  # The SRE workbook's multi-window, multi-burn-rate alerts (chapter 5, "Alerting on SLOs"): an
  # alert fires while the error budget burns faster than `burn_rate` over its long window AND
  # over its short one, so it fires fast on a real burn and resets soon after the burn stops.
  burn_alerts = merge([for slo in local.definition.slos : { for b in slo.burn_alerts : b.name => {
    description  = b.summary
    burn_rate    = b.burn_rate
    windows      = b.aws
    metric       = slo.metric
    service      = slo.service
    objective    = slo.objective
    threshold_ms = slo.threshold_ms
    # The error budget as a decimal ("0.01" for 99%): Terraform's numbers are exact, and
    # 1 - 0.99 would otherwise print with a hundred and fifty digits.
    budget = replace(format("%.10f", 1 - slo.objective), "/\\.?0+$/", "")
  } if can(b.aws) }]...)

  # Each burn alert is two metric alarms, one per window, and a composite of both.
  burn_windows = merge([for name, b in local.burn_alerts : { for w in ["long", "short"] : "${name}-${w}" => merge(b, {
    alert  = name
    window = w
    period = b.windows[w]
  }) }]...)
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  evaluation_periods  = each.value.evaluate[0]
  datapoints_to_alarm = each.value.evaluate[1]
  comparison_operator = lookup(local.comparisons, each.value.comparison, "GreaterThanThreshold")
  threshold           = each.value.threshold
  treat_missing_data  = each.value.missing_data
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]

  dynamic "metric_query" {
    for_each = local.alarm_queries[each.key]
    iterator = query
    content {
      id          = query.value.id
      label       = query.value.label
      return_data = query.value.return_data
      expression  = query.value.expression
      period      = query.value.period

      dynamic "metric" {
        for_each = query.value.metric == null ? [] : [query.value.metric]
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

  lifecycle {
    precondition {
      condition     = (each.value.metric == null) != (each.value.expression == null)
      error_message = "observability/alarms.json: alarm ${each.key} needs exactly one of aws.metric and aws.expression."
    }
    precondition {
      condition     = length(each.value.unknown_dimensions) == 0
      error_message = "observability/alarms.json: alarm ${each.key} names dimensions ${jsonencode(each.value.unknown_dimensions)}; this module knows ${jsonencode(keys(local.dimension_sets))}."
    }
    precondition {
      condition     = each.value.metric == null || length(each.value.series) >= 1 && length(each.value.series) <= 10
      error_message = "observability/alarms.json: alarm ${each.key} reads ${length(each.value.series)} metrics; CloudWatch alarms read 1 to 10."
    }
    precondition {
      condition     = contains(keys(local.comparisons), each.value.comparison)
      error_message = "observability/alarms.json: alarm ${each.key} has comparison \"${each.value.comparison}\"; use one of ${jsonencode(keys(local.comparisons))}."
    }
    # scripts/alarms writes every entry of `alarms` as the rule `expr <comparison> threshold`,
    # with this same comparison, so both sides fire on the same side of the threshold.
    precondition {
      condition     = contains(["breaching", "notBreaching", "ignore", "missing"], each.value.missing_data)
      error_message = "observability/alarms.json: alarm ${each.key} has missing_data \"${each.value.missing_data}\"; use breaching, notBreaching, ignore or missing."
    }
  }
}

# CloudFront publishes its metrics in us-east-1 only, and an alarm reads the metrics of its own
# region. The alarm is created here, in the deployment's region, all the same: its action is the
# alarm topic, which must be in the alarm's region, and so must the topic's KMS key, so a
# us-east-1 alarm for a deployment elsewhere would need a second provider, key and topic. With
# the default region, us-east-1, it works; elsewhere it never sees data and stays OK (missing
# data is not breaching), which this check says at every plan. The dashboard panel reads
# us-east-1 explicitly and works from any region.
check "cloudfront_alarms_region" {
  assert {
    condition     = local.region == "us-east-1" || length([for n, a in local.alarms : n if contains(try(a.metric.dimensions, []), "distribution")]) == 0
    error_message = "CloudFront publishes its metrics in us-east-1 only: in ${local.region} the alarms ${join(", ", [for n, a in local.alarms : "${var.name}-${n}" if contains(try(a.metric.dimensions, []), "distribution")])} never see data and stay OK. Watch the dashboard's CloudFront panel instead, or deploy in us-east-1."
  }
}

# One window of a burn alert. PR(:threshold) is the percentile rank of the threshold: the
# percentage of decisions that took at most threshold_ms in the window. The rest, as a fraction,
# divided by the error budget, is the burn rate: 1 spends the budget exactly over the SLO
# window, 14.4 spends 2% of a 30-day budget in an hour. No actions: the composite notifies.
resource "aws_cloudwatch_metric_alarm" "burn" {
  for_each = local.burn_windows

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = "The ${each.value.window} window (${each.value.period} s) of ${var.name}-${each.value.alert}: the error budget's burn rate above ${each.value.burn_rate}. The composite alarm ${var.name}-${each.value.alert} notifies."
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.burn_rate
  # No orders decided, no budget burnt.
  treat_missing_data = "notBreaching"

  metric_query {
    id          = "m"
    return_data = false
    metric {
      namespace   = local.ns
      metric_name = each.value.metric
      dimensions  = { Service = each.value.service }
      stat        = "PR(:${each.value.threshold_ms})"
      period      = each.value.period
    }
  }

  metric_query {
    id          = "e"
    label       = "burn rate"
    expression  = "(100 - m) / 100 / ${each.value.budget}"
    return_data = true
  }

  lifecycle {
    precondition {
      condition     = each.value.objective > 0 && each.value.objective < 1
      error_message = "observability/alarms.json: the objective of ${each.value.alert} must lie between 0 and 1."
    }
    # CloudWatch's own limits, said before an apply runs into them.
    precondition {
      condition     = each.value.period % 60 == 0 && each.value.period <= 86400
      error_message = "observability/alarms.json: window ${each.value.window} of ${each.value.alert} is ${each.value.period} s; CloudWatch needs a multiple of 60 s of at most a day."
    }
  }
}

resource "aws_cloudwatch_composite_alarm" "burn" {
  for_each = local.burn_alerts

  alarm_name        = "${var.name}-${each.key}"
  alarm_description = each.value.description
  alarm_rule        = "ALARM(\"${aws_cloudwatch_metric_alarm.burn["${each.key}-long"].alarm_name}\") AND ALARM(\"${aws_cloudwatch_metric_alarm.burn["${each.key}-short"].alarm_name}\")"
  alarm_actions     = [aws_sns_topic.alarms.arn]
  ok_actions        = [aws_sns_topic.alarms.arn]
}

locals {
  # What a person is paged by: the plain alarms and the burn alerts (not their windows).
  alarm_names = sort(concat(
    [for a in aws_cloudwatch_metric_alarm.this : a.alarm_name],
    [for a in aws_cloudwatch_composite_alarm.burn : a.alarm_name],
  ))
}

# X-Ray groups: a filter expression X-Ray applies to the traces as they arrive, each group with
# a service map and trace list of its own in the console. The expressions are X-Ray's filter
# language, as a learner types it into the trace search.
locals {
  xray_groups = {
    faults      = "fault = true"
    slow-orders = "service(\"order\") AND responsetime > 1"
  }
}

resource "aws_xray_group" "this" {
  for_each = local.xray_groups

  group_name        = "${var.name}-${each.key}"
  filter_expression = each.value

  lifecycle {
    precondition {
      condition     = length("${var.name}-${each.key}") <= 32
      error_message = "The X-Ray group name ${var.name}-${each.key} is longer than X-Ray's 32 characters: shorten name."
    }
  }
}

# Saved Logs Insights queries: one per "insights" entry of terraform/saved-queries.json (read
# by envs/aws), named <name>/<its name> (the console shows <name> as a folder), over the log
# groups of the services it names. A query definition has no description field, so the
# description goes first, as a comment line. The file's "xray" entries are filter expressions
# for the console to offer; they make nothing here.
locals {
  insights_queries = { for q in var.saved_queries : q.name => q if q.language == "insights" }
}

resource "aws_cloudwatch_query_definition" "saved" {
  for_each = local.insights_queries

  name            = "${var.name}/${each.key}"
  query_string    = "# ${replace(each.value.description, "\n", " ")}\n${each.value.query}"
  log_group_names = [for s in each.value.services : var.log_group_names[s]]
}
