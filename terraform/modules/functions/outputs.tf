output "function_names" {
  description = "Function names by role (order, product, admin)."
  value       = { for k, f in aws_lambda_function.this : k => f.function_name }
}

output "function_arns" {
  description = "Function ARNs by role."
  value       = { for k, f in aws_lambda_function.this : k => f.arn }
}

output "invoke_arns" {
  description = "Invoke ARNs by role, for API Gateway integrations."
  value       = { for k, f in aws_lambda_function.this : k => f.invoke_arn }
}

output "log_group_names" {
  description = "Log group names by role (/aws/lambda/<name>-<role>)."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.name }
}
