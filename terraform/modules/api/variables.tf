variable "name" {
  description = "Name of the REST API."
  type        = string
}

variable "stage_name" {
  description = "Stage name; CloudFront adds it as the origin path."
  type        = string
  default     = "prod"
}

variable "user_pool_arn" {
  description = "Cognito user pool whose tokens the authorizer accepts."
  type        = string
}

variable "function_names" {
  description = "Lambda function names keyed order, product, admin."
  type        = map(string)
}

variable "invoke_arns" {
  description = "Lambda invoke ARNs keyed order, product, admin."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "Key for the access and execution log groups."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the access and execution log groups."
  type        = number
  default     = 30
}

variable "throttle_rate_limit" {
  description = "Steady requests per second across the stage; protects the database from floods. null: terraform/throttle.json's, which the local gateway also uses."
  type        = number
  default     = null
}

variable "throttle_burst_limit" {
  description = "Burst allowance above the steady rate. null: terraform/throttle.json's."
  type        = number
  default     = null
}

variable "manage_account_cloudwatch_role" {
  description = "Set the region-wide API Gateway CloudWatch role; false if the account already has one you want to keep."
  type        = bool
  default     = true
}

variable "authorization_scopes" {
  description = "OAuth scopes the Cognito authorizer requires on authenticated routes. aws.cognito.signin.user.admin is in every access token the pool issues to a signed-in user, so access tokens pass; an empty list makes the authorizer take ID tokens instead."
  type        = list(string)
  default     = ["aws.cognito.signin.user.admin"]
}

variable "permissions_boundary" {
  description = "ARN of the managed policy set as permissions boundary on every IAM role this module creates; null for none. terraform/bootstrap's deploy role may only create and change roles that carry its boundary."
  type        = string
  default     = null
}
