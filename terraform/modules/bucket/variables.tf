variable "bucket_name" {
  description = "Globally unique bucket name."
  type        = string
}

variable "force_destroy" {
  description = "Let terraform destroy delete a non-empty bucket (throwaway environments only)."
  type        = bool
  default     = false
}

variable "cloudfront_read" {
  description = "Grant the CloudFront distribution read access to objects under cloudfront_read_prefix."
  type        = bool
  default     = false
}

variable "cloudfront_read_prefix" {
  description = "Key prefix CloudFront may read; empty for the whole bucket."
  type        = string
  default     = ""
}

variable "cloudfront_distribution_arn" {
  description = "Distribution allowed to read through origin access control (with cloudfront_read)."
  type        = string
  default     = null
}

variable "access_logging" {
  description = "Send S3 server access logs to access_log_bucket."
  type        = bool
  default     = false
}

variable "access_log_bucket" {
  description = "Bucket that receives S3 server access logs (with access_logging)."
  type        = string
  default     = null
}

variable "log_delivery" {
  description = "This is the log bucket: ACLs stay enabled for CloudFront log delivery, and S3 server access logging may write under s3/."
  type        = bool
  default     = false
}

variable "expire_days" {
  description = "Delete current objects after this many days (logs); null keeps them."
  type        = number
  default     = null
}

variable "noncurrent_version_days" {
  description = "Days an overwritten or deleted object stays recoverable."
  type        = number
  default     = 30
}

variable "browser_uploads" {
  description = "Add a CORS rule letting web pages on upload_origins PUT objects with presigned URLs."
  type        = bool
  default     = false
}

variable "upload_origins" {
  description = "Origins (scheme://host, no trailing slash) whose pages may PUT with presigned URLs (with browser_uploads)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for o in var.upload_origins : can(regex("^https?://[^/]+$", o))])
    error_message = "Each upload origin is scheme://host[:port], without a path or trailing slash: browsers send the Origin header in that form."
  }
}
