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
  description = "Image of the ADOT collector sidecar as the task pulls it (<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<upstream path>:<tag> through the pull-through cache); null without a sidecar. Pull it once with ECR credentials before the service starts: the private subnets have no route to public.ecr.aws, which the cache's first pull needs."
  value       = local.with_sidecar ? local.collector_image : null
}

output "pull_through_cache_prefix" {
  description = "Repository prefix of the pull-through cache rule for public.ecr.aws (<name>-ecr-public); ECR creates the cache repositories under <prefix>/ on first pull, and terraform destroy leaves them behind. Null when no image is pulled through the cache."
  value       = one(aws_ecr_pull_through_cache_rule.ecr_public[*].ecr_repository_prefix)
}

output "stock_service_url" {
  description = "URL of the stock service (the tasks' /stock) by its Cloud Map name, resolvable inside the VPC only: the Order function's STOCK_SERVICE_URL."
  value       = "http://${aws_service_discovery_service.this.name}.${var.service_discovery_namespace_name}:${var.health_port}"
}
