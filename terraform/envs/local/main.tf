# Only what the emulator provides: the queues, the user pool and the image bucket, from the same
# modules as envs/aws, so local queues and pools are configured like the deployed ones. With the
# defaults the names are the ones scripts/local_aws.py gives the dev stack (shop-events.fifo,
# shop-events-dlq.fifo, pool shop, client shop-storefront, group admin, bucket
# shop-product-images); scripts/check-terraform asserts that they stay equal.

module "queue" {
  source = "../../modules/queue"
  name   = "${var.name}-events"
  # moto does not implement RedriveAllowPolicy; the redrive policy on the queue still works.
  restrict_dlq_sources = false
}

module "auth" {
  source = "../../modules/auth"

  name = var.name
  # Local data is disposable; protection would only block terraform destroy.
  deletion_protection = false
  mfa_configuration   = "OFF"
}

module "images" {
  source = "../../modules/bucket"

  bucket_name   = var.images_bucket
  force_destroy = true
}
