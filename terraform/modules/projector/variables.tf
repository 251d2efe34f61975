variable "name" {
  description = "Prefix of the cluster, service, roles and log group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the tasks."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the tasks."
  type        = string
}

variable "service_discovery_namespace_id" {
  description = "Cloud Map private DNS namespace in which the tasks register as stock-projector."
  type        = string
}

variable "service_discovery_namespace_name" {
  description = "Domain of that namespace (<name>.internal), for the stock service's URL."
  type        = string
}

variable "kms_key_arn" {
  description = "Key for the image repository, log group and the database secret."
  type        = string
}

variable "queue_arn" {
  description = "Event queue the projector consumes."
  type        = string
}

variable "queue_name" {
  description = "Event queue name, the dimension of the scaling metrics."
  type        = string
}

variable "database_secret_arn" {
  description = "RDS-managed secret with the database credentials."
  type        = string
}

variable "environment" {
  description = "Environment of the projector container (database, queue, tracing settings)."
  type        = map(string)
}

variable "image_tag" {
  description = "Tag of the stock-projector image in the repository this module creates. Tags are immutable: push each build under a new tag (the git commit, say)."
  type        = string
}

variable "cpu" {
  description = "Task CPU units (256 = 0.25 vCPU)."
  type        = number
  default     = 256
}

variable "memory_mb" {
  description = "Task memory in MiB."
  type        = number
  default     = 512
}

variable "desired_count" {
  description = "Tasks at creation; Application Auto Scaling owns the count afterwards."
  type        = number
  default     = 1
}

variable "min_count" {
  description = "Fewest tasks. Keep at least 1: the projector also catches up periodically without messages."
  type        = number
  default     = 1
}

variable "max_count" {
  description = "Most tasks. Extra tasks only help if the projector serialises batches on its checkpoint row."
  type        = number
  default     = 2
}

variable "target_visible_messages" {
  description = "Scaling target for ApproximateNumberOfMessagesVisible on the event queue."
  type        = number
  default     = 100
}

variable "target_oldest_message_age_seconds" {
  description = "Scaling target for ApproximateAgeOfOldestMessage on the event queue."
  type        = number
  default     = 30
}

variable "health_port" {
  description = "Port of the projector's HTTP listener: health, status, metrics, and the stock service (/stock) the Order function calls."
  type        = number
  default     = 8081
}

variable "adot_collector" {
  description = "Run an AWS Distro for OpenTelemetry collector as a sidecar: the projector exports its spans to it on 127.0.0.1:4318 (unless the environment sets OTEL_EXPORTER_OTLP_ENDPOINT) and it sends them to X-Ray."
  type        = bool
  default     = true
}

variable "xray_indexed_attributes" {
  description = "Span attributes the collector sidecar's awsxray exporter indexes as X-Ray annotations (searchable in filter expressions and groups); every other attribute stays metadata. X-Ray keeps at most 50 annotations per trace."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "adot_collector_image" {
  description = "Image of the collector sidecar. An ECR Public image (public.ecr.aws/...) is pulled through a pull-through cache rule this module creates, since the VPC has no route to public registries; any other image must be in a private ECR repository of the account. Null means the default."
  type        = string
  # Pinned: a new collector release must not change a deployment that did not ask for it.
  default  = "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0"
  nullable = false
}

variable "log_retention_days" {
  description = "Retention of the task log group."
  type        = number
  default     = 30
}

variable "force_delete_repository" {
  description = "Let terraform destroy delete the image repository with its images."
  type        = bool
  default     = false
}

variable "permissions_boundary" {
  description = "ARN of the managed policy set as permissions boundary on every IAM role this module creates; null for none. terraform/bootstrap's deploy role may only create and change roles that carry its boundary."
  type        = string
  default     = null
}
