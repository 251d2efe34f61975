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

variable "log_group_names" {
  description = "Log group of each service a saved query may name: order, product, admin (the functions) and stock-projector."
  type        = map(string)
}

variable "saved_queries" {
  description = "The saved queries of terraform/saved-queries.json: name, description, language (insights: a Logs Insights query over the log groups of its services, made a query definition here; xray: a filter expression, for the console only) and query."
  type = list(object({
    name        = string
    description = string
    language    = string
    query       = string
    services    = optional(list(string), [])
  }))
  nullable = false

  validation {
    condition     = alltrue([for q in var.saved_queries : contains(["insights", "xray"], q.language)])
    error_message = "A saved query's language is \"insights\" or \"xray\", not: ${join(", ", distinct([for q in var.saved_queries : jsonencode(q.language) if !contains(["insights", "xray"], q.language)]))}."
  }

  validation {
    condition     = length(distinct([for q in var.saved_queries : q.name])) == length(var.saved_queries)
    error_message = "Two saved queries have the same name: each name is one query definition."
  }

  validation {
    condition     = alltrue([for q in var.saved_queries : trimspace(q.name) != "" && trimspace(q.query) != ""])
    error_message = "Every saved query has a name and a query."
  }

  validation {
    condition = alltrue([for q in var.saved_queries :
      q.language != "insights" || (length(q.services) > 0 && alltrue([for s in q.services : contains(keys(var.log_group_names), s)]))
    ])
    error_message = "Every insights query names one or more services, each one of ${join(", ", sort(keys(var.log_group_names)))}; these do not: ${join(", ", [for q in var.saved_queries : jsonencode(q.name) if q.language == "insights" && (length(q.services) == 0 || !alltrue([for s in q.services : contains(keys(var.log_group_names), s)]))])}."
  }

  validation {
    condition     = alltrue([for q in var.saved_queries : q.language != "xray" || length(q.services) == 0])
    error_message = "An xray query names no services: X-Ray searches every trace of the region."
  }
}
