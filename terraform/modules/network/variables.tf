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
  description = "Availability zones with a private subnet (RDS needs at least two): the first az_count, in zone ID order, that offer every service of interface_endpoints and are not excluded."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 4
    error_message = "az_count must be between 2 and 4."
  }
}

variable "availability_zone_ids" {
  description = "Zone IDs of the private subnets (for example [\"use1-az1\", \"use1-az2\"]), in place of choosing az_count of them; each must offer every service of interface_endpoints. Pin them to keep an existing deployment's subnets where they are."
  type        = list(string)
  default     = null

  validation {
    condition     = var.availability_zone_ids == null ? true : length(var.availability_zone_ids) >= 2 && length(var.availability_zone_ids) <= 4
    error_message = "availability_zone_ids must name 2 to 4 zones (RDS needs two)."
  }
}

variable "excluded_zone_ids" {
  description = "Zone IDs never used, whatever their endpoint services: use1-az3 (the oldest us-east-1 zone: no RDS Proxy, few current instance types, several endpoint services missing), and the zones AWS documents Fargate is not offered in (usw1-az2, apne1-az3). IDs of other regions are ignored."
  type        = list(string)
  default     = ["use1-az3", "usw1-az2", "apne1-az3"]
}

variable "nat_gateway" {
  description = "Add one public subnet, an internet gateway and a NAT gateway (with an Elastic IP) and route the private subnets' other traffic through it, with HTTPS egress for the workloads: the fallback for what PrivateLink does not serve. About $1.08 a day plus $0.045 per GB processed, and $0.12 a day for the public IPv4 address."
  type        = bool
  default     = false
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

variable "permissions_boundary" {
  description = "ARN of the managed policy set as permissions boundary on every IAM role this module creates; null for none. terraform/bootstrap's deploy role may only create and change roles that carry its boundary."
  type        = string
  default     = null
}
