variable "name" {
  description = "Prefix of the function names (<name>-order, <name>-product, <name>-admin)."
  type        = string
}

variable "package_dir" {
  description = "Folder holding <function>/bootstrap.zip as built by scripts/build-release."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the functions run in."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the functions."
  type        = string
}

variable "kms_key_arn" {
  description = "Key for the environment variables and log groups."
  type        = string
}

variable "database_secret_arn" {
  description = "RDS-managed secret with the database credentials."
  type        = string
}

variable "queue_arn" {
  description = "Event queue the command handlers notify after commit."
  type        = string
}

variable "images_bucket_arn" {
  description = "Product image bucket: the admin function writes and deletes images/*, the admin and product functions read them."
  type        = string
}

variable "environment" {
  description = "Environment shared by all functions (database, queue, Cognito, tracing settings)."
  type        = map(string)
}

variable "memory_mb" {
  description = "Memory per function; CPU scales with it."
  type        = number
  default     = 256
}

variable "timeout_seconds" {
  description = "Function timeout; API Gateway gives up after 29 s anyway."
  type        = number
  default     = 20
}

variable "function_environment" {
  description = "Environment of one function only, by role (order, product, admin), on top of environment."
  type        = map(map(string))
  default     = {}
}

variable "query_log_group_names" {
  description = "Log groups the admin function's Observe console runs its Logs Insights queries over (the OBSERVE_LOG_GROUPS the caller gives it in function_environment): its role may StartQuery on these and no others. Empty, it may start none."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "adot_collector_layer" {
  description = "Add the AWS Distro for OpenTelemetry collector layer to every function, configure it (OPENTELEMETRY_COLLECTOR_CONFIG_URI: OTLP/HTTP in, X-Ray out, xray_indexed_attributes as annotations), and point OTEL_EXPORTER_OTLP_ENDPOINT at it unless environment sets one: the functions' own spans then reach X-Ray."
  type        = bool
  default     = true
}

variable "xray_indexed_attributes" {
  description = "Span attributes the collector layer's awsxray exporter indexes as X-Ray annotations (searchable in filter expressions and groups); every other attribute stays metadata. X-Ray keeps at most 50 annotations per trace."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "layers" {
  description = "Further layer ARNs added to every function (after the ADOT collector layer, when it is on)."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Retention of the function log groups."
  type        = number
  default     = 30
}

variable "database_pool_size" {
  description = "PostgreSQL connections per function instance (DATABASE_POOL_SIZE)."
  type        = number
  default     = 2
}

variable "permissions_boundary" {
  description = "ARN of the managed policy set as permissions boundary on every IAM role this module creates; null for none. terraform/bootstrap's deploy role may only create and change roles that carry its boundary."
  type        = string
  default     = null
}
