output "event_queue_url" {
  description = "URL of the event queue (EVENT_QUEUE_URL)."
  value       = module.queue.queue_url
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue (EVENT_DLQ_URL)."
  value       = module.queue.dlq_url
}

output "cognito_user_pool_id" {
  description = "User pool id (COGNITO_USER_POOL_ID)."
  value       = module.auth.user_pool_id
}

output "cognito_client_id" {
  description = "App client id (COGNITO_CLIENT_ID)."
  value       = module.auth.client_id
}

output "cognito_issuer" {
  description = "Issuer as AWS would write it, which moto also puts in its tokens (COGNITO_ISSUER)."
  value       = module.auth.issuer
}

output "cognito_jwks_url" {
  description = "Where moto serves the pool's keys (COGNITO_JWKS_URL): the emulator, not the issuer's host."
  value       = "${trimsuffix(var.endpoint, "/")}/${module.auth.user_pool_id}/.well-known/jwks.json"
}

output "images_bucket" {
  description = "Product image bucket (PRODUCT_IMAGES_BUCKET)."
  value       = module.images.bucket
}

# The names the services are configured with, in one place for comparison with
# scripts/local_aws.py.
output "names" {
  description = "Names of the queue, dead-letter queue, pool, client, admin group and bucket."
  value = {
    queue             = module.queue.queue_name
    dead_letter_queue = module.queue.dlq_name
    max_receive_count = module.queue.max_receive_count
    user_pool         = module.auth.user_pool_name
    client            = module.auth.client_name
    admin_group       = module.auth.admin_group
    bucket            = module.images.bucket
  }
}
