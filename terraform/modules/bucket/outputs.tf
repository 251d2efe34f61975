output "bucket" {
  description = "Name of the bucket (known at plan time, unlike the id)."
  value       = aws_s3_bucket.this.bucket
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "bucket_domain_name" {
  description = "Global domain name, for CloudFront logging_config."
  value       = aws_s3_bucket.this.bucket_domain_name
}

output "bucket_regional_domain_name" {
  description = "Regional domain name, the CloudFront origin."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}
