# Private subnets only by default: no internet gateway and no NAT. Everything the workloads call
# is an AWS API reached through VPC endpoints, which keeps that traffic inside the VPC and gives
# the workloads no route to the internet. nat_gateway = true adds one NAT gateway as a fallback
# for what PrivateLink does not serve (see docs/deploy.md for the cost comparison).

data "aws_region" "current" {}

# Zones this account may use without opting in, minus the ones known to lack services this
# deployment needs (excluded_zone_ids). Zone IDs, not names: names are shuffled per account
# (us-east-1a is a different building in each), IDs are not.
data "aws_availability_zones" "available" {
  #checkov:skip=CKV_AWS_394:Zones are chosen below by zone ID among those offering every interface endpoint service, in ID order, so a zone AWS adds later changes nothing that is deployed (see the network module's locals).
  state            = "available"
  exclude_zone_ids = var.excluded_zone_ids

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

# Which zones each interface endpoint service is offered in: an endpoint cannot have an ENI in a
# subnet of a zone its service does not serve (in older us-east-1 accounts, use1-az3 lacks
# several), and a workload in a subnet without the endpoint reaches it only across zones.
data "aws_vpc_endpoint_service" "interface" {
  for_each = toset(var.interface_endpoints)

  service_name = "com.amazonaws.${data.aws_region.current.name}.${each.value}"
  service_type = "Interface"
}

locals {
  # aws_availability_zones lists names and zone IDs in the same order.
  zone_name_by_id = zipmap(data.aws_availability_zones.available.zone_ids, data.aws_availability_zones.available.names)
  # Zones (by ID, sorted, so the choice is the same on every plan and in every account) where
  # every interface endpoint service is offered.
  usable_zone_ids = sort([for id, zone in local.zone_name_by_id : id if alltrue([
    for svc in data.aws_vpc_endpoint_service.interface : contains(tolist(svc.availability_zones), zone)
  ])])
  pinned_zone_ids = var.availability_zone_ids == null ? [] : var.availability_zone_ids
  # availability_zone_ids pins the zones (an existing deployment keeps its subnets); otherwise
  # the first az_count usable zones in ID order.
  zone_ids = var.availability_zone_ids != null ? var.availability_zone_ids : slice(local.usable_zone_ids, 0, min(var.az_count, length(local.usable_zone_ids)))
  azs      = [for id in local.zone_ids : lookup(local.zone_name_by_id, id, id)]
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr_block
  # Private DNS of interface endpoints needs both, so SDKs keep their default hostnames.
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = { Name = var.name }

  lifecycle {
    precondition {
      condition     = var.availability_zone_ids != null || length(local.usable_zone_ids) >= var.az_count
      error_message = "Only ${length(local.usable_zone_ids)} zone(s) of ${data.aws_region.current.name} (${join(", ", local.usable_zone_ids)}) offer every interface endpoint service of interface_endpoints (${join(", ", var.interface_endpoints)}) and are not in excluded_zone_ids; az_count is ${var.az_count}. Drop a service that few zones offer (with nat_gateway = true where the services need it) or lower az_count (RDS needs 2)."
    }
    precondition {
      condition     = var.availability_zone_ids == null || length(setsubtract(local.pinned_zone_ids, local.usable_zone_ids)) == 0
      error_message = "availability_zone_ids names ${join(", ", setsubtract(local.pinned_zone_ids, local.usable_zone_ids))}, which do not offer every interface endpoint service of interface_endpoints or are excluded; usable zones here: ${join(", ", local.usable_zone_ids)}."
    }
  }
}

# The default security group would otherwise allow all traffic between its members.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "private" {
  count = length(local.zone_ids)

  vpc_id = aws_vpc.this.id
  # By ID: the zone the checks above chose, whatever this account calls it.
  availability_zone_id    = local.zone_ids[count.index]
  cidr_block              = cidrsubnet(var.cidr_block, 4, count.index)
  map_public_ip_on_launch = false

  tags = { Name = "${var.name}-private-${local.azs[count.index]}" }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-private" }
}

resource "aws_route_table_association" "private" {
  count = length(local.zone_ids)

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# --- optional NAT gateway -------------------------------------------------------------------
# A route out for what PrivateLink does not serve: a region without an interface endpoint the
# services need (drop it from interface_endpoints), the first pull of an image through the ECR
# pull-through cache, Cognito's JWKS should the cognito-idp endpoint not serve it. One public
# subnet in the first zone, an internet gateway, one NAT gateway with an Elastic IP, and a default
# route from the private route table through it. One zone only: a NAT gateway costs about
# $1.08 a day plus $0.045 per GB (and $0.12 a day for its public IPv4 address), and a fallback
# does not need to survive the loss of a zone. Traffic to the interface endpoints' services still
# goes to the endpoints (their private DNS names resolve to them); to S3, to the gateway endpoint.

resource "aws_internet_gateway" "this" {
  count = var.nat_gateway ? 1 : 0

  vpc_id = aws_vpc.this.id
  tags   = { Name = var.name }
}

# The last /20 of the VPC, which the private subnets (at most four, from the first) never take.
# Nothing runs here but the NAT gateway, so no public addresses are handed out.
resource "aws_subnet" "public" {
  count = var.nat_gateway ? 1 : 0

  vpc_id                  = aws_vpc.this.id
  availability_zone_id    = local.zone_ids[0]
  cidr_block              = cidrsubnet(var.cidr_block, 4, 15)
  map_public_ip_on_launch = false

  tags = { Name = "${var.name}-public-${local.azs[0]}" }
}

resource "aws_route_table" "public" {
  count = var.nat_gateway ? 1 : 0

  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-public" }
}

resource "aws_route" "public_internet" {
  count = var.nat_gateway ? 1 : 0

  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route_table_association" "public" {
  count = var.nat_gateway ? 1 : 0

  subnet_id      = aws_subnet.public[0].id
  route_table_id = aws_route_table.public[0].id
}

resource "aws_eip" "nat" {
  count = var.nat_gateway ? 1 : 0

  domain = "vpc"
  tags   = { Name = "${var.name}-nat" }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  count = var.nat_gateway ? 1 : 0

  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[0].id
  tags          = { Name = var.name }

  depends_on = [aws_internet_gateway.this]
}

# The private subnets share one route table, so one route sends all of them through the NAT.
resource "aws_route" "private_nat" {
  count = var.nat_gateway ? 1 : 0

  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[0].id
}

# ECR stores image layers in S3; the gateway endpoint is free, unlike interface endpoints.
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]

  tags = { Name = "${var.name}-s3" }
}

# Who needs which: sqs (commands notify, projector consumes), secretsmanager (database
# credentials), ecr.api + ecr.dkr (Fargate pulls the projector's image, and the collector
# sidecar's through the pull-through cache; the layers come from S3 through the gateway
# endpoint), logs (awslogs driver, EMF), xray (the ADOT collectors, the functions' layer and
# the projector's sidecar, exporting spans), cognito-idp (the services fetch COGNITO_JWKS_URL),
# monitoring (the admin function reads the alarms' state for the Observe console).
# Lambda layers need none: the Lambda service fetches them, not the function's network.
resource "aws_vpc_endpoint" "interface" {
  for_each = toset(var.interface_endpoints)

  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.${each.value}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = slice(aws_subnet.private[*].id, 0, min(var.endpoint_subnet_count, length(local.zone_ids)))
  security_group_ids  = [aws_security_group.endpoints.id]

  tags = { Name = "${var.name}-${each.value}" }
}

resource "aws_security_group" "endpoints" {
  name        = "${var.name}-endpoints"
  description = "Interface endpoints: HTTPS from workloads in the VPC"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  security_group_id = aws_security_group.endpoints.id
  description       = "HTTPS from the VPC to AWS APIs"
  cidr_ipv4         = var.cidr_block
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

# Workload groups: egress only to what the services call, so a compromised function cannot
# reach anything but the endpoints, S3, PostgreSQL and the projector's stock service.
resource "aws_security_group" "lambda" {
  #checkov:skip=CKV2_AWS_5:Attached to the functions by the functions module; checkov does not follow the module output.
  name        = "${var.name}-lambda"
  description = "Lambda functions: egress to endpoints, S3 and PostgreSQL"
  vpc_id      = aws_vpc.this.id
}

resource "aws_security_group" "projector" {
  #checkov:skip=CKV2_AWS_5:Attached to the ECS service by the projector module; checkov does not follow the module output.
  name        = "${var.name}-projector"
  description = "stock-projector tasks: egress to endpoints, S3 and PostgreSQL"
  vpc_id      = aws_vpc.this.id
}

locals {
  workload_security_groups = {
    lambda    = aws_security_group.lambda.id
    projector = aws_security_group.projector.id
  }
}

resource "aws_vpc_security_group_egress_rule" "workload_endpoints" {
  for_each = local.workload_security_groups

  security_group_id            = each.value
  description                  = "HTTPS to interface endpoints"
  referenced_security_group_id = aws_security_group.endpoints.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_vpc_security_group_egress_rule" "workload_s3" {
  for_each = local.workload_security_groups

  security_group_id = each.value
  description       = "HTTPS to S3 through the gateway endpoint"
  prefix_list_id    = aws_vpc_endpoint.s3.prefix_list_id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "workload_postgres" {
  for_each = local.workload_security_groups

  security_group_id = each.value
  description       = "PostgreSQL inside the VPC"
  cidr_ipv4         = var.cidr_block
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
}

# With the NAT gateway, HTTPS to anywhere: the route out is useless while the groups allow only
# the endpoints, S3 and PostgreSQL. HTTPS only; no other port leaves the VPC.
resource "aws_vpc_security_group_egress_rule" "workload_https_nat" {
  for_each = var.nat_gateway ? local.workload_security_groups : {}

  security_group_id = each.value
  description       = "HTTPS to the internet through the NAT gateway"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

# The order path's synchronous stock check: the Order function asks the projector's /stock
# (GET, 150 ms timeout) on its HTTP listener, found by its Cloud Map name below. Only the Lambda
# group may connect, and only to that port; the projector's group admits nothing else. product
# and admin share the Lambda group but are not given STOCK_SERVICE_URL. The groups' descriptions
# stay as they are: changing one replaces the group, and with it every attachment.
resource "aws_vpc_security_group_ingress_rule" "stock_service" {
  security_group_id            = aws_security_group.projector.id
  description                  = "Stock service (/stock) from the Lambda functions"
  referenced_security_group_id = aws_security_group.lambda.id
  ip_protocol                  = "tcp"
  from_port                    = var.stock_service_port
  to_port                      = var.stock_service_port
}

# The Lambda group's egress is restricted like the rest of its rules, so the same port is
# opened on that side, to the projector's group only.
resource "aws_vpc_security_group_egress_rule" "lambda_stock_service" {
  security_group_id            = aws_security_group.lambda.id
  description                  = "Stock service (/stock) on the stock-projector tasks"
  referenced_security_group_id = aws_security_group.projector.id
  ip_protocol                  = "tcp"
  from_port                    = var.stock_service_port
  to_port                      = var.stock_service_port
}

# Names for the workloads inside the VPC: a Cloud Map namespace is a Route 53 private hosted
# zone associated with this VPC (answered by the VPC resolver, which needs the DNS support and
# hostnames enabled above). The projector registers stock-projector.<name>.internal in it for
# the Order function's stock check. Security groups do not filter queries to the VPC resolver.
resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = "${var.name}.internal"
  description = "Private names of the ${var.name} workloads (the stock-projector's stock service)"
  vpc         = aws_vpc.this.id
}

# Flow logs show rejected connections, the first thing to look at when a service times out
# reaching an endpoint or the database.
resource "aws_cloudwatch_log_group" "flow" {
  #checkov:skip=CKV_AWS_338:Retention is the log_retention_days variable (30 days by default); a teaching deployment's logs are not worth a year of storage.
  name              = "/${var.name}/vpc-flow-logs"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

data "aws_iam_policy_document" "flow_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "flow" {
  name                 = "${var.name}-vpc-flow-logs"
  assume_role_policy   = data.aws_iam_policy_document.flow_assume.json
  permissions_boundary = var.permissions_boundary
}

data "aws_iam_policy_document" "flow" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.flow.arn}:*"]
  }
}

resource "aws_iam_role_policy" "flow" {
  name   = "write-flow-logs"
  role   = aws_iam_role.flow.id
  policy = data.aws_iam_policy_document.flow.json
}

resource "aws_flow_log" "this" {
  vpc_id          = aws_vpc.this.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.flow.arn
  iam_role_arn    = aws_iam_role.flow.arn
}
