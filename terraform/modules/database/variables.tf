variable "name" {
  description = "Identifier of the DB instance and prefix of its companions."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the DB subnet group (at least two zones)."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect on 5432, keyed by a static label."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "Key for storage, Performance Insights, the master secret and the log groups."
  type        = string
}

variable "instance_class" {
  description = "DB instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "allocated_storage" {
  description = "Initial gp3 storage in GiB."
  type        = number
  default     = 20
}

variable "max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB."
  type        = number
  default     = 100
}

variable "database_name" {
  description = "Database created at launch; the services apply their migrations to it."
  type        = string
  default     = "shop"
}

variable "master_username" {
  description = "Master user; its password lives only in the RDS-managed secret."
  type        = string
  default     = "shop"
}

variable "backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery."
  type        = number
  default     = 7
}

variable "deletion_protection" {
  description = "Refuse to delete the instance; set false (and apply) before a teardown."
  type        = bool
  default     = true
}

variable "multi_az" {
  description = "Standby in a second zone; doubles the instance cost."
  type        = bool
  default     = false
}

variable "skip_final_snapshot" {
  description = "Skip the snapshot taken when the instance is destroyed."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Retention of the exported PostgreSQL logs."
  type        = number
  default     = 30
}

variable "slow_query_ms" {
  description = "Statements slower than this are logged (log_min_duration_statement)."
  type        = number
  default     = 500
}

variable "permissions_boundary" {
  description = "ARN of the managed policy set as permissions boundary on every IAM role this module creates; null for none. terraform/bootstrap's deploy role may only create and change roles that carry its boundary."
  type        = string
  default     = null
}
