output "distribution_id" {
  description = "Id of the distribution (for cache invalidations)."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "ARN of the distribution (for bucket policies)."
  value       = aws_cloudfront_distribution.this.arn
}

output "url" {
  description = "Public URL of the storefront."
  value       = "https://${aws_cloudfront_distribution.this.domain_name}"
}

output "config_json" {
  description = "What the storefront reads from /config.json."
  value       = aws_s3_object.config.content
}
