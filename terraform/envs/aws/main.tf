data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  # Bucket names are global: the account id keeps them unique without a random suffix.
  log_bucket      = "${var.name}-access-logs-${local.account_id}"
  lambda_packages = coalesce(var.lambda_package_dir, abspath("${path.root}/../../../target/lambda"))

  # The storefront export's pages, from the Next.js app folder: src/app/<path>/page.tsx is
  # <path>/index.html in the export (trailingSlash), so /<path>/ is a page. Route groups,
  # "(name)", add no path segment; private folders, "_name", are no route. CloudFront answers a
  # directory-style path that is none of these with the export's /404.html and status 404
  # (modules/storefront), so a new page needs a terraform apply before it is served.
  storefront_app_dir = "${path.root}/../../../storefront/src/app"
  storefront_pages = sort(distinct([
    for f in fileset(local.storefront_app_dir, "**/page.{tsx,ts,jsx,js,mdx}") :
    replace(dirname(f) == "." ? "/" : "/${dirname(f)}/", "/\\([^/]*\\)//", "")
    if !strcontains("/${f}", "/_")
  ]))

  # The two buckets CloudFront serves: the storefront export at / and product images at
  # /images/* (so image keys start with images/ and CloudFront may read nothing else there).
  # An admin's browser PUTs images straight to their bucket, from the storefront's origin.
  content_buckets = {
    storefront = { name = "${var.name}-storefront-${local.account_id}", read_prefix = "", browser_uploads = false }
    images     = { name = "${var.name}-product-images-${local.account_id}", read_prefix = "images/", browser_uploads = true }
  }

  # Configuration the services read. No DATABASE_URL: the password lives only in the
  # RDS-managed secret, which the services fetch themselves (again after RDS rotates it).
  service_environment = merge(
    {
      DATABASE_SECRET_ARN   = module.database.master_secret_arn
      DATABASE_HOST         = module.database.address
      DATABASE_PORT         = tostring(module.database.port)
      DATABASE_NAME         = module.database.database_name
      EVENT_QUEUE_URL       = module.queue.queue_url
      COGNITO_ISSUER        = module.auth.issuer
      COGNITO_CLIENT_ID     = module.auth.client_id
      COGNITO_JWKS_URL      = module.auth.jwks_url
      PRODUCT_IMAGES_BUCKET = module.buckets["images"].bucket
      RUST_LOG              = var.rust_log
    },
    var.otel_exporter_otlp_endpoint == "" ? {} : { OTEL_EXPORTER_OTLP_ENDPOINT = var.otel_exporter_otlp_endpoint },
  )

  # The projector's HTTP listener (PROJECTOR_HTTP_ADDR): its health check, and the stock service
  # the Order function calls, which the network opens to the Lambda functions' group.
  stock_service_port = 8081

  # The span attributes both ADOT collectors (the functions' layer, the projector's sidecar)
  # index as X-Ray annotations, so that filter expressions and groups can search them
  # (annotation.order_id = "..."); the services' other attributes reach X-Ray as metadata, shown
  # in a trace but not searchable. X-Ray keeps at most 50 annotations per trace.
  xray_annotations = ["order_id", "correlation_id", "command", "event_type", "sku"]

  # The saved queries (terraform/saved-queries.json, beside envs/ so that scripts/deploy's
  # staged copy of terraform/ has it too): modules/observability makes a Logs Insights query
  # definition of each "insights" one, over the log groups of the services it names.
  saved_queries = jsondecode(file("${path.module}/../../saved-queries.json"))

  # The services' log groups, which the Observe console's Logs page queries on AWS: the
  # functions' (/aws/lambda/<name>-<function>, as modules/functions names them) and the
  # projector's. Built from the names, not from module.functions.log_group_names: the admin
  # function's environment cannot wait on an output of its own module.
  service_log_groups = concat(
    [for f in ["order", "product", "admin"] : "/aws/lambda/${var.name}-${f}"],
    [module.projector.log_group_name],
  )
}

# terraform/bootstrap's deploy role may create and change only IAM roles that carry its
# permissions boundary: the GitHub workflows name it in TF_VAR_permissions_boundary_policy, and
# every role below gets it. Unset (or empty), the roles have none, as before.
data "aws_partition" "current" {}

locals {
  permissions_boundary = coalesce(var.permissions_boundary_policy, "-") == "-" ? null : "arn:${data.aws_partition.current.partition}:iam::${local.account_id}:policy/${var.permissions_boundary_policy}"
}

module "encryption" {
  source = "../../modules/encryption"
  name   = var.name
}

module "network" {
  source = "../../modules/network"

  name                  = var.name
  cidr_block            = var.vpc_cidr
  az_count              = var.az_count
  availability_zone_ids = var.availability_zone_ids
  excluded_zone_ids     = var.excluded_zone_ids
  nat_gateway           = var.nat_gateway
  interface_endpoints   = var.interface_endpoints
  endpoint_subnet_count = var.endpoint_subnet_count
  stock_service_port    = local.stock_service_port
  kms_key_arn           = module.encryption.key_arn
  log_retention_days    = var.log_retention_days

  permissions_boundary = local.permissions_boundary
}

module "database" {
  source = "../../modules/database"

  name       = var.name
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.private_subnet_ids
  client_security_group_ids = {
    lambda    = module.network.lambda_security_group_id
    projector = module.network.projector_security_group_id
  }
  kms_key_arn           = module.encryption.key_arn
  instance_class        = var.db_instance_class
  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage
  multi_az              = var.db_multi_az
  backup_retention_days = var.db_backup_retention_days
  deletion_protection   = var.deletion_protection
  skip_final_snapshot   = var.skip_final_snapshot
  log_retention_days    = var.log_retention_days

  permissions_boundary = local.permissions_boundary
}

module "queue" {
  source = "../../modules/queue"

  name                       = "${var.name}-events"
  visibility_timeout_seconds = var.queue_visibility_timeout_seconds
}

module "auth" {
  source = "../../modules/auth"

  name                = var.name
  deletion_protection = var.deletion_protection
}

module "access_logs" {
  source = "../../modules/bucket"

  bucket_name  = local.log_bucket
  log_delivery = true
  expire_days  = 90
  # Logs are short-lived diagnostics that expire anyway; they never block a teardown.
  force_destroy           = true
  noncurrent_version_days = 1
}

module "buckets" {
  source   = "../../modules/bucket"
  for_each = local.content_buckets

  bucket_name                 = each.value.name
  force_destroy               = var.force_destroy_buckets
  cloudfront_read             = true
  cloudfront_read_prefix      = each.value.read_prefix
  cloudfront_distribution_arn = module.storefront.distribution_arn
  access_logging              = true
  access_log_bucket           = module.access_logs.bucket
  # No cycle: the distribution needs only the buckets' domain names, the CORS rule its URL.
  browser_uploads = each.value.browser_uploads
  upload_origins  = each.value.browser_uploads ? [module.storefront.url] : []
}

module "functions" {
  source = "../../modules/functions"

  name                    = var.name
  package_dir             = local.lambda_packages
  subnet_ids              = module.network.private_subnet_ids
  security_group_id       = module.network.lambda_security_group_id
  kms_key_arn             = module.encryption.key_arn
  database_secret_arn     = module.database.master_secret_arn
  queue_arn               = module.queue.queue_arn
  images_bucket_arn       = module.buckets["images"].bucket_arn
  environment             = local.service_environment
  memory_mb               = var.lambda_memory_mb
  timeout_seconds         = var.lambda_timeout_seconds
  adot_collector_layer    = var.adot_lambda_layer
  xray_indexed_attributes = local.xray_annotations
  layers                  = var.lambda_layers
  log_retention_days      = var.log_retention_days
  function_environment = {
    # The Order function asks the projector's stock service before placing an order (150 ms,
    # STOCK_CHECK_TIMEOUT_MS left at its default; unreachable, orders go on unchecked).
    order = {
      STOCK_SERVICE_URL = module.projector.stock_service_url
    }
    # What the admin function's observability routes link to: this deployment's alarms in the
    # CloudWatch console of its region. The console's Traces and Service map pages ask X-Ray
    # (OBSERVE_XRAY), its Logs page runs Logs Insights over the services' log groups
    # (OBSERVE_LOG_GROUPS, comma-separated); query_log_group_names below lets the admin role
    # query exactly these.
    admin = {
      OBSERVE_ALARM_PREFIX   = module.observability.alarm_prefix
      OBSERVE_CONSOLE_REGION = var.region
      OBSERVE_XRAY           = "1"
      OBSERVE_LOG_GROUPS     = join(",", local.service_log_groups)
    }
  }
  query_log_group_names = local.service_log_groups

  permissions_boundary = local.permissions_boundary
}

module "api" {
  source = "../../modules/api"

  name               = var.name
  user_pool_arn      = module.auth.user_pool_arn
  function_names     = module.functions.function_names
  invoke_arns        = module.functions.invoke_arns
  kms_key_arn        = module.encryption.key_arn
  log_retention_days = var.log_retention_days

  permissions_boundary = local.permissions_boundary
}

module "projector" {
  source = "../../modules/projector"

  name                = var.name
  subnet_ids          = module.network.private_subnet_ids
  security_group_id   = module.network.projector_security_group_id
  kms_key_arn         = module.encryption.key_arn
  queue_arn           = module.queue.queue_arn
  queue_name          = module.queue.queue_name
  database_secret_arn = module.database.master_secret_arn
  # The tasks register as stock-projector.<name>.internal, the Order function's STOCK_SERVICE_URL,
  # and serve it on the port the network opens to the functions.
  health_port                      = local.stock_service_port
  service_discovery_namespace_id   = module.network.service_discovery_namespace_id
  service_discovery_namespace_name = module.network.service_discovery_namespace_name
  # Lambda sets AWS_REGION itself and refuses it as a variable; the task gets it explicitly.
  environment             = merge(local.service_environment, { AWS_REGION = var.region })
  image_tag               = var.projector_image_tag
  cpu                     = var.projector_cpu
  memory_mb               = var.projector_memory_mb
  min_count               = var.projector_min_count
  max_count               = var.projector_max_count
  adot_collector          = var.adot_projector_sidecar
  adot_collector_image    = var.adot_collector_image
  xray_indexed_attributes = local.xray_annotations
  log_retention_days      = var.log_retention_days
  force_delete_repository = var.force_destroy_buckets

  permissions_boundary = local.permissions_boundary
}

module "storefront" {
  source = "../../modules/storefront"

  name                               = var.name
  site_bucket                        = module.buckets["storefront"].bucket
  site_bucket_regional_domain_name   = module.buckets["storefront"].bucket_regional_domain_name
  images_bucket_regional_domain_name = module.buckets["images"].bucket_regional_domain_name
  api_domain_name                    = module.api.origin_domain_name
  api_stage_name                     = module.api.stage_name
  log_bucket_domain_name             = module.access_logs.bucket_domain_name
  price_class                        = var.price_class
  web_acl_arn                        = var.web_acl_arn
  site_pages                         = local.storefront_pages

  # What the storefront reads at run time from /config.json. cognito_endpoint null means
  # the real Cognito endpoint of the region (the local stack points it at moto).
  site_config = {
    region              = var.region
    user_pool_id        = module.auth.user_pool_id
    user_pool_client_id = module.auth.client_id
    cognito_endpoint    = null
  }
}

module "observability" {
  source = "../../modules/observability"

  name                   = var.name
  kms_key_arn            = module.encryption.key_arn
  alarm_email            = var.alarm_email
  api_name               = module.api.api_name
  api_stage_name         = module.api.stage_name
  queue_name             = module.queue.queue_name
  dlq_name               = module.queue.dlq_name
  function_names         = module.functions.function_names
  db_instance_identifier = module.database.instance_identifier
  ecs_cluster_name       = module.projector.cluster_name
  ecs_service_name       = module.projector.service_name
  # CloudFront's metrics are in us-east-1 (see the check in modules/observability).
  cloudfront_distribution_id = module.storefront.distribution_id
  # The saved queries, and the log group of each service they may name.
  saved_queries = local.saved_queries
  log_group_names = merge(module.functions.log_group_names, {
    stock-projector = module.projector.log_group_name
  })
}

# The collectors reach X-Ray through its interface endpoint, or through the NAT gateway when
# there is one.
check "xray_endpoint_for_collectors" {
  assert {
    condition     = !(var.adot_lambda_layer || var.adot_projector_sidecar) || contains(var.interface_endpoints, "xray") || var.nat_gateway
    error_message = "The ADOT collectors (adot_lambda_layer, adot_projector_sidecar) export spans to X-Ray, which the private subnets reach only through the xray interface endpoint or a NAT gateway: keep \"xray\" in interface_endpoints, set nat_gateway = true, or turn the collectors off."
  }
}
