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
  description = "Availability zones with a private subnet: the first az_count by zone ID that offer every service of interface_endpoints (and are not excluded_zone_ids)."
  type        = number
  default     = 2
}

variable "availability_zone_ids" {
  description = "Zone IDs of the private subnets (for example [\"use1-az1\", \"use1-az2\"]) in place of choosing az_count of them; null chooses."
  type        = list(string)
  default     = null
}

variable "excluded_zone_ids" {
  description = "Zone IDs never used (use1-az3, and the zones without Fargate in us-west-1 and ap-northeast-1); see modules/network."
  type        = list(string)
  default     = ["use1-az3", "usw1-az2", "apne1-az3"]
}

variable "nat_gateway" {
  description = "One NAT gateway (public subnet, internet gateway, Elastic IP) as a route out for what PrivateLink does not serve; about $1.08 a day plus $0.045 per GB and $0.12 a day for its IPv4 address (docs/deploy.md)."
  type        = bool
  default     = false
}

variable "interface_endpoints" {
  description = "Services reached through interface endpoints (suffix of com.amazonaws.<region>.<service>); drop one the region lacks (with nat_gateway = true where the services need it)."
  type        = list(string)
  default     = ["sqs", "secretsmanager", "ecr.api", "ecr.dkr", "logs", "xray", "cognito-idp", "monitoring"]

  # The services verify every token themselves against COGNITO_JWKS_URL
  # (https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json), fetched at run
  # time from inside the VPC: through the cognito-idp endpoint, or through the NAT gateway.
  validation {
    condition     = contains(var.interface_endpoints, "cognito-idp") || var.nat_gateway
    error_message = "interface_endpoints has no \"cognito-idp\" and nat_gateway is false: the functions could not fetch the user pool's signing keys (COGNITO_JWKS_URL) from inside the VPC, so they could not verify any token and every signed-in request would be refused with 401. Keep \"cognito-idp\", or set nat_gateway = true where the region has no Cognito interface endpoint."
  }
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

variable "permissions_boundary_policy" {
  description = "Name of a customer managed policy in the account set as permissions boundary on every IAM role of the deployment: <name>-workload-boundary when terraform/bootstrap's deploy role applies (the GitHub workflows set TF_VAR_permissions_boundary_policy). Null or empty for none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_policy == null || can(regex("^[A-Za-z0-9+=,.@_-]*$", var.permissions_boundary_policy))
    error_message = "permissions_boundary_policy is an IAM policy name (letters, digits and +=,.@_-), not an ARN."
  }
}
