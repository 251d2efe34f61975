variable "name" {
  description = "Prefix for resource names."
  type        = string
}

variable "cidr_block" {
  description = "CIDR of the VPC; each private subnet takes a /20 of it."
  type        = string
  default     = "10.40.0.0/16"
}

variable "az_count" {
  description = "Availability zones with a private subnet (RDS needs at least two)."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 4
    error_message = "az_count must be between 2 and 4."
  }
}

variable "interface_endpoints" {
  description = "AWS services reached through interface endpoints, as the suffix of com.amazonaws.<region>.<service>."
  type        = list(string)
  default     = ["sqs", "secretsmanager", "ecr.api", "ecr.dkr", "logs", "xray", "cognito-idp"]
}

variable "endpoint_subnet_count" {
  description = "How many subnets get an ENI per interface endpoint. Each ENI is billed hourly; 1 halves the cost and only loses endpoint reachability if that zone fails."
  type        = number
  default     = 1

  validation {
    condition     = var.endpoint_subnet_count >= 1
    error_message = "endpoint_subnet_count must be at least 1."
  }
}

variable "kms_key_arn" {
  description = "Key that encrypts the flow log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the VPC flow log group."
  type        = number
  default     = 30
}

variable "stock_service_port" {
  description = "Port of the stock-projector's HTTP listener (the projector module's health_port), which the Lambda functions may reach for the order path's stock check (/stock)."
  type        = number

  validation {
    condition     = var.stock_service_port >= 1 && var.stock_service_port <= 65535
    error_message = "stock_service_port must be a TCP port, 1 to 65535."
  }
}
