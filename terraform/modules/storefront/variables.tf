variable "name" {
  description = "Prefix of the distribution's policies and function."
  type        = string
}

variable "site_bucket_regional_domain_name" {
  description = "Bucket holding the storefront export (default behaviour)."
  type        = string
}

variable "images_bucket_regional_domain_name" {
  description = "Bucket holding product images, served under /images/*."
  type        = string
}

variable "api_domain_name" {
  description = "Host of the API Gateway REST API, served under /api/*."
  type        = string
}

variable "api_stage_name" {
  description = "API Gateway stage, prepended to the path sent to the API origin."
  type        = string
}

variable "log_bucket_domain_name" {
  description = "Bucket domain for CloudFront standard logs."
  type        = string
}

variable "price_class" {
  description = "Edge locations used; PriceClass_100 (North America and Europe) is the cheapest."
  type        = string
  default     = "PriceClass_100"
}

variable "web_acl_arn" {
  description = "Optional WAFv2 web ACL (scope CLOUDFRONT) to attach."
  type        = string
  default     = null
}

variable "site_bucket" {
  description = "Name of the storefront bucket; config.json is written there."
  type        = string
}

variable "site_config" {
  description = "Runtime configuration the storefront loads from /config.json."
  type = object({
    region              = string
    user_pool_id        = string
    user_pool_client_id = string
    cognito_endpoint    = optional(string)
  })
}

variable "site_pages" {
  description = "Pages of the storefront's static export as paths with a trailing slash (\"/\", \"/cart/\", ...): a directory-style path that is none of them answers the export's /404.html with status 404. Null maps every directory-style path to its index.html and leaves a missing one to S3 (403)."
  type        = list(string)
  default     = null
}
