variable "name" {
  description = "Name of the dashboard and prefix of the alarms and topic."
  type        = string
}

variable "kms_key_arn" {
  description = "Key for the alarm topic; its policy must let CloudWatch use it."
  type        = string
}

variable "alarm_email" {
  description = "Address subscribed to the alarm topic (confirm the mail AWS sends); null for none."
  type        = string
  default     = null
}

variable "api_name" {
  description = "REST API name (ApiName dimension)."
  type        = string
}

variable "api_stage_name" {
  description = "REST API stage (Stage dimension)."
  type        = string
}

variable "queue_name" {
  description = "Event queue name."
  type        = string
}

variable "dlq_name" {
  description = "Dead-letter queue name."
  type        = string
}

variable "function_names" {
  description = "Lambda function names by role."
  type        = map(string)
}

variable "db_instance_identifier" {
  description = "RDS instance identifier."
  type        = string
}

variable "ecs_cluster_name" {
  description = "ECS cluster of the projector."
  type        = string
}

variable "ecs_service_name" {
  description = "ECS service of the projector."
  type        = string
}

variable "cloudfront_distribution_id" {
  description = "Id of the storefront's CloudFront distribution (DistributionId dimension; its metrics are in us-east-1)."
  type        = string
}
