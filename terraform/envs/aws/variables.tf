variable "region" {
  description = "AWS region of the deployment."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of every resource name; change it to run two copies in one account."
  type        = string
  default     = "shop"
}

# --- network ---

variable "vpc_cidr" {
  description = "CIDR of the VPC."
  type        = string
  default     = "10.40.0.0/16"
}

variable "az_count" {
  description = "Availability zones with a private subnet."
  type        = number
  default     = 2
}

variable "interface_endpoints" {
  description = "Services reached through interface endpoints (suffix of com.amazonaws.<region>.<service>); drop one the region lacks."
  type        = list(string)
  default     = ["sqs", "secretsmanager", "ecr.api", "ecr.dkr", "logs", "xray", "cognito-idp", "monitoring"]
}

variable "endpoint_subnet_count" {
  description = "Subnets per interface endpoint; each ENI is billed hourly (see docs/deploy.md)."
  type        = number
  default     = 1
}

# --- database ---

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_allocated_storage" {
  description = "Initial database storage in GiB."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB."
  type        = number
  default     = 100
}

variable "db_multi_az" {
  description = "Run a standby database in a second zone (doubles its cost)."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Days of automated database backups."
  type        = number
  default     = 7
}

variable "deletion_protection" {
  description = "Protect the database and the user pool from deletion; set false and apply before terraform destroy."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Destroy the database without a final snapshot."
  type        = bool
  default     = false
}

# --- queue ---

variable "queue_visibility_timeout_seconds" {
  description = "Visibility timeout of the event queue, above the projector's batch time."
  type        = number
  default     = 60
}

# --- functions ---

variable "lambda_package_dir" {
  description = "Folder with <function>/bootstrap.zip; null means target/lambda in the repository root."
  type        = string
  default     = null
}

variable "lambda_memory_mb" {
  description = "Memory of each Lambda function."
  type        = number
  default     = 256
}

variable "lambda_timeout_seconds" {
  description = "Timeout of each Lambda function."
  type        = number
  default     = 20
}

variable "lambda_layers" {
  description = "Further layer ARNs for every function (the ADOT collector layer is adot_lambda_layer's)."
  type        = list(string)
  default     = []
}

variable "adot_lambda_layer" {
  description = "Give every function the AWS Distro for OpenTelemetry collector layer, to which the functions export their own spans for X-Ray."
  type        = bool
  default     = true
}

# --- projector ---

variable "projector_image_tag" {
  description = "Tag of the stock-projector image pushed to the ECR repository (immutable tags: use the git commit)."
  type        = string
}

variable "projector_cpu" {
  description = "CPU units of a projector task."
  type        = number
  default     = 256
}

variable "projector_memory_mb" {
  description = "Memory of a projector task in MiB."
  type        = number
  default     = 512
}

variable "projector_min_count" {
  description = "Fewest projector tasks."
  type        = number
  default     = 1
}

variable "projector_max_count" {
  description = "Most projector tasks under queue-driven scaling."
  type        = number
  default     = 2
}

variable "adot_projector_sidecar" {
  description = "Run the AWS Distro for OpenTelemetry collector as a sidecar of the projector, to which it exports its own spans for X-Ray."
  type        = bool
  default     = true
}

variable "adot_collector_image" {
  description = "Image of the projector's collector sidecar: an ECR Public image (pulled through the account's ECR by a pull-through cache rule) or one in a private ECR repository of the account; null for the version modules/projector pins."
  type        = string
  default     = null
}

# --- service configuration ---

variable "otel_exporter_otlp_endpoint" {
  description = "OTLP endpoint the services export traces to; empty means each service's own collector (the functions' ADOT layer, the projector's sidecar), or none when those are off."
  type        = string
  default     = ""
}

variable "rust_log" {
  description = "RUST_LOG filter of the services."
  type        = string
  default     = "info"
}

# --- edge and observability ---

variable "price_class" {
  description = "CloudFront price class."
  type        = string
  default     = "PriceClass_100"
}

variable "web_acl_arn" {
  description = "Optional WAFv2 web ACL (CLOUDFRONT scope, created in us-east-1) for the distribution."
  type        = string
  default     = null
}

variable "force_destroy_buckets" {
  description = "Let terraform destroy delete non-empty storefront and image buckets and the image repository."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Retention of every log group."
  type        = number
  default     = 30
}

variable "alarm_email" {
  description = "E-mail address that receives alarms; null for none."
  type        = string
  default     = null
}
