output "storefront_url" {
  description = "CloudFront URL: the storefront at /, the API at /api/*."
  value       = module.storefront.url
}

output "api_url" {
  description = "API Gateway stage URL (direct, bypassing CloudFront); paths start with /api."
  value       = module.api.invoke_url
}

output "cognito_user_pool_id" {
  description = "Cognito user pool id."
  value       = module.auth.user_pool_id
}

output "cognito_client_id" {
  description = "Cognito app client id (no secret)."
  value       = module.auth.client_id
}

output "cognito_issuer" {
  description = "Issuer of the pool's tokens."
  value       = module.auth.issuer
}

output "event_queue_url" {
  description = "URL of shop-events.fifo."
  value       = module.queue.queue_url
}

output "dead_letter_queue_url" {
  description = "URL of shop-events-dlq.fifo."
  value       = module.queue.dlq_url
}

output "ecr_repository_url" {
  description = "Push the stock-projector image here."
  value       = module.projector.repository_url
}

output "adot_collector_image_uri" {
  description = "The projector's ADOT collector sidecar image as the task pulls it, through the account's ECR pull-through cache; null with adot_projector_sidecar = false. Pull it once with ECR credentials (docker pull, after aws ecr get-login-password) before the service starts: the cache's first pull needs a route out that the private subnets have only with nat_gateway = true."
  value       = module.projector.collector_image
}

output "ecr_pull_through_cache_prefix" {
  description = "Repository prefix of the ECR pull-through cache rule (<name>-ecr-public). terraform destroy leaves the cache repositories ECR created under it (aws ecr describe-repositories, names starting <prefix>/): delete them after the destroy. Null without a pulled-through image."
  value       = module.projector.pull_through_cache_prefix
}

output "availability_zone_ids" {
  description = "Zone IDs of the private subnets (pin them with availability_zone_ids to keep the subnets where they are)."
  value       = module.network.availability_zone_ids
}

output "nat_gateway_public_ip" {
  description = "Address the workloads' internet traffic leaves from with nat_gateway = true; null otherwise."
  value       = module.network.nat_gateway_public_ip
}

output "storefront_bucket" {
  description = "Upload the storefront export here."
  value       = module.buckets["storefront"].bucket
}

output "images_bucket" {
  description = "Product images, keys under images/."
  value       = module.buckets["images"].bucket
}

output "cloudfront_distribution_id" {
  description = "For cache invalidations after a storefront upload."
  value       = module.storefront.distribution_id
}

output "database_secret_arn" {
  description = "RDS-managed secret with the master credentials."
  value       = module.database.master_secret_arn
}

output "database_host" {
  description = "Private hostname of the database."
  value       = module.database.address
}

output "ecs_cluster_name" {
  description = "Cluster of the projector."
  value       = module.projector.cluster_name
}

output "ecs_service_name" {
  description = "Service of the projector."
  value       = module.projector.service_name
}

output "stock_service_url" {
  description = "The stock service (the projector's /stock) by its Cloud Map name, as the Order function gets it in STOCK_SERVICE_URL; it resolves inside the VPC only."
  value       = module.projector.stock_service_url
}

output "projector_log_group" {
  description = "Log group of the projector tasks."
  value       = module.projector.log_group_name
}

output "dashboard_url" {
  description = "CloudWatch dashboard."
  value       = module.observability.dashboard_url
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms."
  value       = module.observability.alarm_topic_arn
}

output "alarm_names" {
  description = "The CloudWatch alarms that notify the topic (from observability/alarms.json: its alarms, the SLO burn alerts and the AWS-only resource alarms)."
  value       = module.observability.alarm_names
}

output "alarm_urls" {
  description = "Console URL of each alarm, by name."
  value       = module.observability.alarm_urls
}
