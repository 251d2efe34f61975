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

variable "metrics_namespace" {
  description = "CloudWatch namespace of the services' EMF metrics."
  type        = string
  default     = "Shop"
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

variable "api_5xx_rate_threshold" {
  description = "Alarm when this fraction of API requests fails with 5xx."
  type        = number
  default     = 0.05
}

variable "api_p99_latency_ms_threshold" {
  description = "Alarm when API p99 latency exceeds this many milliseconds."
  type        = number
  default     = 2000
}

variable "projection_lag_ms_threshold" {
  description = "Alarm when the projector trails the event store by more than this."
  type        = number
  default     = 10000
}

variable "oldest_message_age_seconds_threshold" {
  description = "Alarm when the oldest queued message is older than this."
  type        = number
  default     = 120
}

variable "max_receive_count" {
  description = "Receives before a message moves to the dead-letter queue (for the alarm text)."
  type        = number
  default     = 5
}
