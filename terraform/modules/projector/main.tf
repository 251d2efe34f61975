data "aws_region" "current" {}
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  container    = "stock-projector"
  with_sidecar = var.adot_collector
  # The private subnets reach no public registry. An ECR Public image is pulled through a
  # pull-through cache rule of this account instead: ECR fetches it from upstream on the first
  # pull, and the task pulls it from the account's registry over the ecr.api, ecr.dkr and S3
  # endpoints, like the projector's own image. Its prefix carries the deployment's name, so two
  # deployments in one account keep a rule each.
  ecr_public          = "public.ecr.aws/"
  pull_through        = local.with_sidecar && startswith(var.adot_collector_image, local.ecr_public)
  pull_through_prefix = "${var.name}-ecr-public"
  # <account>.dkr.ecr.<region>.<partition's domain>, as ECR spells it for the projector's repository.
  registry = split("/", aws_ecr_repository.this.repository_url)[0]
  # The prefix is the rule's, by name rather than by reference: the task definition is only a
  # description, and the rule has to exist (and hold the image) before a task starts, which the
  # service's depends_on and scripts/deploy's warm-up see to.
  collector_image = local.pull_through ? join("/", [
    local.registry,
    local.pull_through_prefix,
    trimprefix(var.adot_collector_image, local.ecr_public),
  ]) : var.adot_collector_image
  repository_arn_prefix = "arn:${data.aws_partition.current.partition}:ecr:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:repository"
  # With a sidecar the collector listens on loopback (the task shares one network namespace);
  # without one, whatever endpoint the caller set is passed through unchanged.
  environment = merge(
    var.environment,
    # The image listens on 0.0.0.0 already; said here too so the task definition shows where
    # /healthz, /status and /stock are. Every interface, not loopback: the Order function calls
    # /stock from outside the task (through the Cloud Map name below). The security group admits
    # the Lambda functions' group on this port and nothing else.
    { PROJECTOR_HTTP_ADDR = "0.0.0.0:${var.health_port}" },
    local.with_sidecar && lookup(var.environment, "OTEL_EXPORTER_OTLP_ENDPOINT", "") == "" ? { OTEL_EXPORTER_OTLP_ENDPOINT = "http://127.0.0.1:4318" } : {},
  )
}

resource "aws_ecr_repository" "this" {
  name                 = "${var.name}/${local.container}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete_repository

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }
}

resource "aws_ecr_pull_through_cache_rule" "ecr_public" {
  count = local.pull_through ? 1 : 0

  ecr_repository_prefix = local.pull_through_prefix
  upstream_registry_url = "public.ecr.aws"

  lifecycle {
    precondition {
      condition     = length(local.pull_through_prefix) <= 30
      error_message = "The pull-through cache prefix ${local.pull_through_prefix} is longer than ECR's 30 characters: shorten name."
    }
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the 20 newest images; older builds only cost storage."
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = 20
      }
      action = { type = "expire" }
    }]
  })
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is the log_retention_days variable (30 days by default); a teaching deployment's logs are not worth a year of storage.
  name              = "/ecs/${var.name}/${local.container}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  # Per-task CPU, memory and network metrics for the dashboard and for scaling decisions.
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# Execution role: what ECS itself needs to start the task (pull the image, ship logs).
resource "aws_iam_role" "execution" {
  name                 = "${var.name}-projector-execution"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid = "EcrLogin"
    # GetAuthorizationToken is account-wide and accepts no resource.
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid     = "PullImages"
    actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
    # The sidecar image lives in the pull-through cache's repositories, or in another
    # repository of this account that the caller names.
    resources = concat(
      [aws_ecr_repository.this.arn],
      local.pull_through ? ["${local.repository_arn_prefix}/${local.pull_through_prefix}/*"] : [],
      local.with_sidecar && !local.pull_through ? ["${local.repository_arn_prefix}/*"] : [],
    )
  }

  # The first pull of an image through the cache creates its repository and imports the image
  # from upstream, with the puller's permissions.
  dynamic "statement" {
    for_each = local.pull_through ? [1] : []
    content {
      sid       = "PullThroughCache"
      actions   = ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"]
      resources = ["${local.repository_arn_prefix}/${local.pull_through_prefix}/*"]
    }
  }

  statement {
    sid       = "TaskLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "pull-and-log"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# Task role: what the projector's own code calls.
resource "aws_iam_role" "task" {
  name                 = "${var.name}-projector-task"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary
}

data "aws_iam_policy_document" "task" {
  statement {
    sid = "ConsumeEvents"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
    ]
    resources = [var.queue_arn]
  }

  statement {
    sid       = "DatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [var.database_secret_arn]
  }

  statement {
    sid       = "DecryptSecret"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "consume-and-read-secret"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

# The collector exports spans to X-Ray with the task role's credentials.
resource "aws_iam_role_policy_attachment" "task_xray" {
  count = local.with_sidecar ? 1 : 0

  role       = aws_iam_role.task.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

locals {
  log_configuration = {
    logDriver = "awslogs"
    options = {
      awslogs-group         = aws_cloudwatch_log_group.this.name
      awslogs-region        = data.aws_region.current.name
      awslogs-stream-prefix = local.container
    }
  }

  projector_base = {
    name                   = local.container
    image                  = "${aws_ecr_repository.this.repository_url}:${var.image_tag}"
    essential              = true
    readonlyRootFilesystem = true
    # Time to finish the current batch and commit its checkpoint after SIGTERM.
    stopTimeout = 30
    # A minimal init as PID 1 forwards SIGTERM to the projector and reaps the health check's
    # processes.
    linuxParameters = { initProcessEnabled = true }
    portMappings    = [{ containerPort = var.health_port, protocol = "tcp" }]
    environment     = [for k in sort(keys(local.environment)) : { name = k, value = local.environment[k] }]
    # Runs inside the container, so loopback reaches the listener. The binary checks its own
    # /healthz (GET, exit 0 on 200): the distroless image has no shell and no curl to run.
    healthCheck = {
      command     = ["CMD", "/usr/local/bin/stock-projector", "healthcheck"]
      interval    = 30
      timeout     = 5
      retries     = 3
      startPeriod = 60
    }
    logConfiguration = local.log_configuration
  }

  # dependsOn only with a sidecar: ECS stores no empty list, so [] would show as a diff forever.
  projector_container = merge(
    local.projector_base,
    { for k, v in { dependsOn = [{ containerName = "otel-collector", condition = "START" }] } : k => v if local.with_sidecar },
  )

  # The sidecar's configuration: the traces pipeline of the image's ECS default
  # (/etc/ecs/ecs-default-config.yaml), with the awsxray exporter told which span attributes to
  # index as X-Ray annotations, which filter expressions can search (annotation.order_id =
  # "..."); the others stay metadata, shown in a trace but not searchable. Only OTLP/HTTP on
  # loopback, where the projector exports: not the default's X-Ray UDP and StatsD receivers, nor
  # its metrics pipeline to EMF (the projector writes its metrics as EMF lines to stdout, and
  # sends no OTLP metrics or logs on AWS). JSON, which is YAML, on one line.
  collector_config = {
    receivers  = { otlp = { protocols = { http = { endpoint = "127.0.0.1:4318" } } } }
    processors = { "batch/traces" = { timeout = "1s", send_batch_size = 50 } }
    exporters = {
      awsxray = {
        index_all_attributes = false
        indexed_attributes   = var.xray_indexed_attributes
      }
    }
    service = {
      pipelines = { traces = { receivers = ["otlp"], processors = ["batch/traces"], exporters = ["awsxray"] } }
    }
  }

  # Not essential: losing the collector loses traces, not projections. The ADOT image reads its
  # configuration from AOT_CONFIG_CONTENT when that is set; the flag says the same to any
  # collector built on the upstream one, whose env: provider reads a variable.
  collector_container = {
    name                   = "otel-collector"
    image                  = local.collector_image
    essential              = false
    readonlyRootFilesystem = true
    command                = ["--config=env:AOT_CONFIG_CONTENT"]
    environment            = [{ name = "AOT_CONFIG_CONTENT", value = jsonencode(local.collector_config) }]
    logConfiguration       = local.log_configuration
  }
}

resource "aws_ecs_task_definition" "this" {
  family                   = "${var.name}-${local.container}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory_mb
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode(concat(
    [local.projector_container],
    [for c in [local.collector_container] : c if local.with_sidecar],
  ))
}

# The stock service's name, stock-projector.<name>.internal: an A record per running task (the
# tasks use awsvpc networking, so each has its own address, and the port is the fixed
# health_port, so no SRV record is needed). MULTIVALUE answers with up to eight healthy tasks'
# addresses; a 10 s TTL keeps a replaced or scaled-in task's address out of resolvers soon.
# Health is the custom health check config, as AWS documents for ECS service discovery (Route 53
# health checks are for public namespaces only): ECS reports each task's health to Cloud Map
# from the container health check (/healthz) and the task's state, so a task that is starting,
# stopping or failing its check is not in the answer.
resource "aws_service_discovery_service" "this" {
  name        = local.container
  description = "stock-projector tasks: /stock for the Order function's stock check"

  dns_config {
    namespace_id   = var.service_discovery_namespace_id
    routing_policy = "MULTIVALUE"

    dns_records {
      type = "A"
      ttl  = 10
    }
  }

  # AWS fixes the threshold at 1 whatever is sent, but the provider sends the block only with a
  # value in it: an empty block would leave the service without a health check.
  health_check_custom_config {
    failure_threshold = 1
  }

  # ECS deregisters a stopped task's instance itself, but on terraform destroy it may still be
  # doing so when this service is deleted: deregister what is left instead of failing.
  force_destroy = true
}

resource "aws_ecs_service" "this" {
  name            = local.container
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = var.desired_count
  launch_type     = "FARGATE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [var.security_group_id]
    assign_public_ip = false
  }

  # Each task registers its address under the stock service's name while it runs. With awsvpc
  # networking and A records, the registry ARN is all ECS needs (no container name or port).
  service_registries {
    registry_arn = aws_service_discovery_service.this.arn
  }

  # A build that fails its health check rolls back instead of cycling forever.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  propagate_tags          = "SERVICE"
  enable_ecs_managed_tags = true

  # A task pulls the collector through the cache rule: the rule first.
  depends_on = [aws_ecr_pull_through_cache_rule.ecr_public]

  lifecycle {
    ignore_changes = [desired_count]
  }
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_count
  max_capacity       = var.max_count
}

# Two target-tracking policies: scale out when either metric is above target, scale in only
# when both are below. Depth catches bursts; age catches a projector that is stuck or slow.
locals {
  scaling = {
    queue-depth    = { metric = "ApproximateNumberOfMessagesVisible", statistic = "Average", target = var.target_visible_messages }
    oldest-message = { metric = "ApproximateAgeOfOldestMessage", statistic = "Maximum", target = var.target_oldest_message_age_seconds }
  }
}

resource "aws_appautoscaling_policy" "queue" {
  for_each = local.scaling

  name               = "${var.name}-projector-${each.key}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    customized_metric_specification {
      namespace   = "AWS/SQS"
      metric_name = each.value.metric
      statistic   = each.value.statistic
      dimensions {
        name  = "QueueName"
        value = var.queue_name
      }
    }
  }
}
