output "repository_url" {
  description = "ECR repository for the stock-projector image."
  value       = aws_ecr_repository.this.repository_url
}

output "cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "ECS service name."
  value       = aws_ecs_service.this.name
}

output "log_group_name" {
  description = "Log group of the projector tasks."
  value       = aws_cloudwatch_log_group.this.name
}

output "collector_image" {
  description = "Image of the ADOT collector sidecar as the task pulls it; null without a sidecar."
  value       = local.with_sidecar ? local.collector_image : null
}

output "stock_service_url" {
  description = "URL of the stock service (the tasks' /stock) by its Cloud Map name, resolvable inside the VPC only: the Order function's STOCK_SERVICE_URL."
  value       = "http://${aws_service_discovery_service.this.name}.${var.service_discovery_namespace_name}:${var.health_port}"
}
