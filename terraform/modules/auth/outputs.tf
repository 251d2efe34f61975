output "user_pool_id" {
  description = "Id of the user pool."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "ARN of the user pool (for the API Gateway authorizer)."
  value       = aws_cognito_user_pool.this.arn
}

output "client_id" {
  description = "Id of the app client (no secret)."
  value       = aws_cognito_user_pool_client.storefront.id
}

output "admin_group" {
  description = "Name of the admin group."
  value       = aws_cognito_user_group.admin.name
}

output "issuer" {
  description = "Token issuer (iss claim)."
  value       = local.issuer
}

output "jwks_url" {
  description = "Signing keys of the pool."
  value       = "${local.issuer}/.well-known/jwks.json"
}

output "client_name" {
  description = "Name of the app client."
  value       = aws_cognito_user_pool_client.storefront.name
}

output "user_pool_name" {
  description = "Name of the user pool."
  value       = aws_cognito_user_pool.this.name
}
