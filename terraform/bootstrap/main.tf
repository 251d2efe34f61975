# What GitHub Actions needs to deploy terraform/envs/aws without a stored AWS key, created once
# per account by an administrator:
#
#   - the account's OIDC provider for GitHub's tokens (token.actions.githubusercontent.com);
#   - <name>-github-deploy, the role .github/workflows/deploy.yml assumes to run scripts/deploy:
#     the state bucket, terraform apply of envs/aws, the projector image into ECR, the
#     storefront into its bucket, the first admin user, the seed and smoke test's users and the
#     smoke test's trace and log lines;
#   - <name>-github-plan, the role .github/workflows/terraform-plan.yml assumes: it reads what
#     the deploy role changes, and the state, and writes nothing but the state's lock file;
#   - <name>-workload-boundary, the permissions boundary every role of the deployment carries.
#
# Both roles trust only tokens of jobs that run in the repository's GitHub environment (the
# token's sub is repo:OWNER/REPO:environment:ENV) and are meant for AWS (aud sts.amazonaws.com).
# Which branches may use that environment is set in GitHub: restrict it to main.
#
# How the deploy role is scoped:
#   - by name: every resource envs/aws creates is named after var.name, and wherever a
#     service's ARN carries that name (Lambda, SQS, SNS, RDS, ECS, ECR, S3, CloudWatch Logs and
#     alarms, IAM roles) the policy names it: <name>-*, <name>/*, /aws/lambda/<name>-*, ...;
#   - by region and account where the ARN carries only an id (EC2, KMS keys, API Gateway,
#     Cognito pools, Cloud Map, CloudFront, Route 53 zones), or no resource at all can be named
#     (the Describe and List calls, creating a key or a user pool): those statements say so;
#   - by permissions boundary: it may create and change IAM roles only when they carry
#     <name>-workload-boundary, may attach only the four AWS managed policies the modules use,
#     and may pass roles only to the services that run them. A role it writes an inline policy
#     into can therefore never do more than the boundary allows (logs, the deployment's queue,
#     secret, key, buckets and image repositories, X-Ray, the functions' network interfaces):
#     no IAM, and nothing outside the deployment;
#   - by what it may not destroy: the database, the KMS key, the user pool, the RDS-managed
#     secret and the buckets (an explicit deny). A change that would replace one of them fails
#     instead of deleting data; a teardown (docs/deploy.md) runs with administrator credentials.
#   - and it can change neither itself, nor the plan role, nor the boundary, nor the policies
#     below (an explicit deny), though their names match <name>-*.
#
# Policies are customer managed (several of them: one may hold 6,144 characters), so that an
# administrator can read each one in the console.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition
  region    = var.region

  oidc_host    = "token.actions.githubusercontent.com"
  oidc_arn     = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : "arn:${local.partition}:iam::${local.account}:oidc-provider/${local.oidc_host}"
  subject      = "repo:${var.github_repository}:environment:${var.environment}"
  state_bucket = coalesce(var.state_bucket, "${var.name}-tfstate-${local.account}-${var.region}")

  deploy_role_name = "${var.name}-github-deploy"
  plan_role_name   = "${var.name}-github-plan"
  boundary_name    = "${var.name}-workload-boundary"
  boundary_arn     = "arn:${local.partition}:iam::${local.account}:policy/${local.boundary_name}"

  # ARN prefixes of this account in the deployment's region.
  arn = { for service in ["ec2", "kms", "secretsmanager", "rds", "sqs", "lambda", "ecr", "ecs", "logs", "cloudwatch", "sns", "cognito-idp", "servicediscovery"] :
    service => "arn:${local.partition}:${service}:${local.region}:${local.account}"
  }
  # envs/aws's buckets: <name>-access-logs-, <name>-storefront- and <name>-product-images-
  # followed by the account id. The state bucket (ending in the region) is not among them.
  content_buckets  = "arn:${local.partition}:s3:::${var.name}-*-${local.account}"
  state_bucket_arn = "arn:${local.partition}:s3:::${local.state_bucket}"

  # Who may be handed a role of the deployment, and which AWS managed policies its roles use
  # (modules/functions, modules/projector, modules/database, modules/api).
  role_services = [
    "lambda.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "vpc-flow-logs.amazonaws.com",
    "monitoring.rds.amazonaws.com",
    "apigateway.amazonaws.com",
  ]
  managed_policies = [
    "arn:${local.partition}:iam::aws:policy/service-role/AWSLambdaENIManagementAccess",
    "arn:${local.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess",
    "arn:${local.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    "arn:${local.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
  ]
  # Service-linked roles the first deployment in an account creates (ECS, RDS, and scaling of
  # the ECS service).
  service_linked = [
    "ecs.amazonaws.com",
    "rds.amazonaws.com",
    "ecs.application-autoscaling.amazonaws.com",
  ]

  # The deployment's log groups (envs/aws's modules), each also with ":*" for its streams.
  # API Gateway names its execution log group after the API's id, which no name can match.
  log_groups = [
    "${local.arn.logs}:log-group:/aws/lambda/${var.name}-*",
    "${local.arn.logs}:log-group:/${var.name}/*",
    "${local.arn.logs}:log-group:/aws/rds/instance/${var.name}/*",
    "${local.arn.logs}:log-group:/aws/apigateway/${var.name}/*",
    "${local.arn.logs}:log-group:/ecs/${var.name}/*",
    "${local.arn.logs}:log-group:API-Gateway-Execution-Logs_*",
  ]
}

# --- the deploy role's policies -----------------------------------------------------------------
# One document per area, each a customer managed policy of its own.

# VPC, subnets, routes, endpoints, security groups, flow logs, the optional NAT gateway
# (modules/network), and the Cloud Map namespace with its Route 53 private zone.
data "aws_iam_policy_document" "deploy_network" {
  #checkov:skip=CKV_AWS_356:EC2 Describe calls have no resource-level permissions; creating a Route 53 zone and finding one by name name no zone, and Route 53 is global, so no region condition applies either. Every other statement names the region's ARNs.
  #checkov:skip=CKV_AWS_111:The writes on "*" are Route 53's CreateHostedZone and AssociateVPCWithHostedZone, which the Cloud Map namespace and the endpoints' private DNS need and which name no existing zone; records change only under <name>.internal (its own statement).
  # Describe calls have no resource-level permissions.
  statement {
    sid       = "Ec2Read"
    actions   = ["ec2:Describe*"]
    resources = ["*"]
  }

  # EC2 ARNs carry ids, not names: held to the region. AWS-owned resources that a call
  # names (endpoint services, managed prefix lists) are in other accounts' ARNs.
  statement {
    sid = "Ec2CreateAndChangeInRegion"
    actions = [
      "ec2:CreateVpc", "ec2:ModifyVpcAttribute", "ec2:CreateSubnet", "ec2:ModifySubnetAttribute",
      "ec2:CreateRouteTable", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable",
      "ec2:ReplaceRouteTableAssociation", "ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute",
      "ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:CreateSecurityGroup",
      "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
      "ec2:ModifySecurityGroupRules", "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
      "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:CreateFlowLogs",
      "ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway",
      "ec2:AllocateAddress", "ec2:AssociateAddress", "ec2:DisassociateAddress",
      "ec2:CreateNatGateway", "ec2:CreateTags", "ec2:DeleteTags",
    ]
    resources = ["arn:${local.partition}:ec2:${local.region}:*:*"]
  }

  # Deleting needs the Project tag envs/aws's provider puts on everything it creates
  # (default_tags), so no other VPC of the account can be taken apart.
  statement {
    sid = "Ec2DeleteOnlyTheDeployments"
    actions = [
      "ec2:DeleteVpc", "ec2:DeleteSubnet", "ec2:DeleteRouteTable", "ec2:DeleteVpcEndpoints",
      "ec2:DeleteSecurityGroup", "ec2:DeleteFlowLogs", "ec2:DeleteInternetGateway",
      "ec2:DeleteNatGateway", "ec2:ReleaseAddress",
    ]
    resources = ["${local.arn.ec2}:*"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Project"
      values   = [var.name]
    }
  }

  # Cloud Map namespace and service ARNs carry ids (ns-..., srv-...): held to the region.
  statement {
    sid       = "CloudMapInRegion"
    actions   = ["servicediscovery:*"]
    resources = ["${local.arn.servicediscovery}:*"]
  }

  # Creating a namespace, listing, and following an operation name no resource.
  statement {
    sid = "CloudMapCreateAndListInRegion"
    actions = [
      "servicediscovery:CreatePrivateDnsNamespace", "servicediscovery:List*",
      "servicediscovery:GetOperation",
    ]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  # A private DNS namespace is a Route 53 private hosted zone, created, read and deleted
  # with the caller's permissions; interface endpoints with private DNS associate the VPC
  # with AWS's zones. Zone ids are not names. Route 53 refuses to delete a zone that
  # still has records of its own, so a public zone in use cannot be deleted this way.
  statement {
    sid = "Route53ZonesOfCloudMapAndEndpoints"
    actions = [
      "route53:GetHostedZone", "route53:DeleteHostedZone", "route53:ListResourceRecordSets",
      "route53:AssociateVPCWithHostedZone", "route53:DisassociateVPCFromHostedZone",
      "route53:ListTagsForResource", "route53:ChangeTagsForResource", "route53:GetChange",
    ]
    resources = ["arn:${local.partition}:route53:::hostedzone/*", "arn:${local.partition}:route53:::change/*"]
  }

  # Creating a zone and finding one by name name no zone; associating a VPC names it.
  statement {
    sid = "Route53CreateZones"
    actions = [
      "route53:CreateHostedZone", "route53:ListHostedZonesByName",
      "route53:AssociateVPCWithHostedZone",
    ]
    resources = ["*"]
  }

  # Records only under <name>.internal: Cloud Map's own (deregistering tasks when the
  # stock service is destroyed with force_destroy).
  statement {
    sid       = "Route53RecordsOfTheNamespaceOnly"
    actions   = ["route53:ChangeResourceRecordSets"]
    resources = ["arn:${local.partition}:route53:::hostedzone/*"]
    condition {
      test     = "ForAllValues:StringLike"
      variable = "route53:ChangeResourceRecordSetsNormalizedRecordNames"
      values   = ["${var.name}.internal", "*.${var.name}.internal"]
    }
  }
}

# The key, the database and its RDS-managed secret, the queues, the buckets and the state.
data "aws_iam_policy_document" "deploy_data" {
  # CreateKey names no resource; keys are known by id only.
  statement {
    sid       = "KmsCreateAndListInRegion"
    actions   = ["kms:CreateKey", "kms:ListAliases", "kms:ListKeys"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  statement {
    sid = "KmsManageKeysInRegion"
    actions = [
      "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags",
      "kms:EnableKeyRotation", "kms:PutKeyPolicy", "kms:UpdateKeyDescription", "kms:TagResource",
      "kms:UntagResource", "kms:ListGrants", "kms:RetireGrant",
    ]
    resources = ["${local.arn.kms}:key/*"]
  }

  # RDS, ECR and Lambda take grants on the key for the resources they encrypt.
  statement {
    sid       = "KmsGrantsForAwsServicesOnly"
    actions   = ["kms:CreateGrant"]
    resources = ["${local.arn.kms}:key/*"]
    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }

  # Secrets Manager (the RDS-managed master secret) and Lambda (its environment) use the
  # key with the caller's permissions, through their own service only.
  statement {
    sid       = "KmsUseThroughServices"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"]
    resources = ["${local.arn.kms}:key/*"]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = [for s in ["secretsmanager", "lambda", "rds", "ecr"] : "${s}.${local.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "KmsAlias"
    actions   = ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"]
    resources = ["${local.arn.kms}:alias/${var.name}", "${local.arn.kms}:key/*"]
  }

  # manage_master_user_password: RDS creates the secret (named rds!db-<uuid>, not after
  # the deployment) with the caller's permissions. Its value is never readable here.
  statement {
    sid = "RdsManagedSecret"
    actions = [
      "secretsmanager:CreateSecret", "secretsmanager:TagResource", "secretsmanager:DescribeSecret",
      "secretsmanager:RotateSecret",
    ]
    resources = ["${local.arn.secretsmanager}:secret:rds!*"]
  }

  # The instance, its subnet and parameter groups and final snapshot are named after the
  # deployment; the default option group is named by AWS.
  statement {
    sid     = "RdsTheDeploymentsDatabase"
    actions = ["rds:*"]
    resources = [
      "${local.arn.rds}:db:${var.name}", "${local.arn.rds}:subgrp:${var.name}",
      "${local.arn.rds}:pg:${var.name}-*", "${local.arn.rds}:snapshot:${var.name}-*",
      "${local.arn.rds}:og:default:postgres-*",
    ]
  }

  statement {
    sid       = "RdsReadInRegion"
    actions   = ["rds:Describe*", "rds:ListTagsForResource"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  statement {
    sid       = "SqsTheDeploymentsQueues"
    actions   = ["sqs:*"]
    resources = ["${local.arn.sqs}:${var.name}-*"]
  }

  # The storefront, product image and access log buckets and their objects (the
  # storefront upload included). Deleting a bucket is denied below.
  statement {
    sid       = "S3TheDeploymentsBuckets"
    actions   = ["s3:*"]
    resources = [local.content_buckets, "${local.content_buckets}/*"]
  }

  # scripts/deploy creates the state bucket when it is missing, versioned, encrypted and
  # private.
  statement {
    sid = "StateBucket"
    actions = [
      "s3:CreateBucket", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketVersioning",
      "s3:PutBucketVersioning", "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration",
      "s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock",
      "s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls", "s3:GetBucketPolicy",
      "s3:PutBucketPolicy", "s3:GetBucketTagging", "s3:PutBucketTagging",
      "s3:GetLifecycleConfiguration",
    ]
    resources = [local.state_bucket_arn]
  }

  # The state objects are read and written, never deleted: old versions stay (and a
  # lifecycle rule that would expire them, or deleting a version, is denied below, which
  # no bucket policy the role could write overrides).
  statement {
    sid       = "StateObjects"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${local.state_bucket_arn}/*"]
  }

  statement {
    sid       = "StateLockFile"
    actions   = ["s3:DeleteObject"]
    resources = ["${local.state_bucket_arn}/*.tflock"]
  }
}

# Functions, their API, the projector's image, cluster, service and scaling.
data "aws_iam_policy_document" "deploy_compute" {
  statement {
    sid       = "LambdaTheDeploymentsFunctions"
    actions   = ["lambda:*"]
    resources = ["${local.arn.lambda}:function:${var.name}-*"]
  }

  # The functions' layers (the ADOT collector's is AWS's, in another account).
  statement {
    sid       = "LambdaLayersInRegion"
    actions   = ["lambda:GetLayerVersion"]
    resources = ["arn:${local.partition}:lambda:${local.region}:*:layer:*:*"]
  }

  # The projector's repository (<name>/stock-projector) and the repositories the
  # pull-through cache creates under <name>-ecr-public/; scripts/deploy pushes the image.
  statement {
    sid     = "EcrTheDeploymentsRepositories"
    actions = ["ecr:*"]
    resources = [
      "${local.arn.ecr}:repository/${var.name}/*",
      "${local.arn.ecr}:repository/${var.name}-ecr-public/*",
    ]
  }

  # Registry-wide calls name no repository: the login token, the pull-through cache rule.
  statement {
    sid = "EcrRegistryInRegion"
    actions = [
      "ecr:GetAuthorizationToken", "ecr:DescribeRegistry", "ecr:CreatePullThroughCacheRule",
      "ecr:UpdatePullThroughCacheRule", "ecr:DeletePullThroughCacheRule",
      "ecr:DescribePullThroughCacheRules", "ecr:ValidatePullThroughCacheRule",
    ]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  statement {
    sid     = "EcsTheDeploymentsClusterAndService"
    actions = ["ecs:*"]
    resources = [
      "${local.arn.ecs}:cluster/${var.name}", "${local.arn.ecs}:service/${var.name}/*",
      "${local.arn.ecs}:task/${var.name}/*", "${local.arn.ecs}:task-set/${var.name}/*",
      "${local.arn.ecs}:container-instance/${var.name}/*",
      "${local.arn.ecs}:task-definition/${var.name}-*:*",
    ]
  }

  # Task definitions are registered, described and deregistered without resource-level
  # permissions.
  statement {
    sid = "EcsTaskDefinitionsInRegion"
    actions = [
      "ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition",
      "ecs:ListTaskDefinitions", "ecs:ListTaskDefinitionFamilies", "ecs:ListClusters",
    ]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  # Scalable targets and policies are known by id: held to the region.
  statement {
    sid       = "AutoScalingInRegion"
    actions   = ["application-autoscaling:*"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  # REST API resources are paths with the API's id; /account holds the region's
  # CloudWatch role for stage logging.
  statement {
    sid = "ApiGatewayInRegion"
    actions = [
      "apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH",
      "apigateway:DELETE",
    ]
    resources = [
      "arn:${local.partition}:apigateway:${local.region}::/restapis",
      "arn:${local.partition}:apigateway:${local.region}::/restapis/*",
      "arn:${local.partition}:apigateway:${local.region}::/account",
      "arn:${local.partition}:apigateway:${local.region}::/tags/*",
    ]
  }
}

# CloudFront, Cognito, logs, alarms, dashboard and the alarm topic.
data "aws_iam_policy_document" "deploy_edge" {
  #checkov:skip=CKV_AWS_356:CloudFront is global and knows distributions, access controls, functions' versions and policies by id, and its managed cache and request policies are AWS's: the statement lists the actions, held to this account by the role itself. Cognito pools and log groups have statements of their own.
  #checkov:skip=CKV_AWS_111:Same statement: the CloudFront writes the storefront module makes (distribution, access control, function, response headers policy, invalidations) on resources known by id only.
  # CloudFront is global and its distributions, access controls and policies are known by
  # id: held to this account. Managed cache and request policies are AWS's.
  statement {
    sid = "CloudFront"
    actions = [
      "cloudfront:CreateDistribution", "cloudfront:GetDistribution",
      "cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution",
      "cloudfront:DeleteDistribution", "cloudfront:TagResource", "cloudfront:UntagResource",
      "cloudfront:ListTagsForResource", "cloudfront:CreateInvalidation",
      "cloudfront:GetInvalidation", "cloudfront:ListInvalidations",
      "cloudfront:CreateOriginAccessControl", "cloudfront:GetOriginAccessControl",
      "cloudfront:GetOriginAccessControlConfig", "cloudfront:UpdateOriginAccessControl",
      "cloudfront:DeleteOriginAccessControl", "cloudfront:ListOriginAccessControls",
      "cloudfront:CreateFunction", "cloudfront:DescribeFunction", "cloudfront:GetFunction",
      "cloudfront:UpdateFunction", "cloudfront:PublishFunction", "cloudfront:DeleteFunction",
      "cloudfront:CreateResponseHeadersPolicy", "cloudfront:GetResponseHeadersPolicy",
      "cloudfront:GetResponseHeadersPolicyConfig", "cloudfront:UpdateResponseHeadersPolicy",
      "cloudfront:DeleteResponseHeadersPolicy", "cloudfront:ListResponseHeadersPolicies",
      "cloudfront:ListCachePolicies", "cloudfront:GetCachePolicy",
      "cloudfront:ListOriginRequestPolicies", "cloudfront:GetOriginRequestPolicy",
    ]
    resources = ["*"]
  }

  # CreateUserPool and ListUserPools name no pool.
  statement {
    sid       = "CognitoCreateInRegion"
    actions   = ["cognito-idp:CreateUserPool", "cognito-idp:ListUserPools"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  # Pools are known by id: held to the region. The admin user of scripts/deploy
  # (--admin-email) is created, grouped and, for seeding, signed in here.
  statement {
    sid = "CognitoPoolsInRegion"
    actions = [
      "cognito-idp:DescribeUserPool", "cognito-idp:UpdateUserPool",
      "cognito-idp:GetUserPoolMfaConfig", "cognito-idp:SetUserPoolMfaConfig",
      "cognito-idp:TagResource", "cognito-idp:UntagResource", "cognito-idp:ListTagsForResource",
      "cognito-idp:CreateUserPoolClient", "cognito-idp:DescribeUserPoolClient",
      "cognito-idp:UpdateUserPoolClient", "cognito-idp:DeleteUserPoolClient",
      "cognito-idp:ListUserPoolClients", "cognito-idp:CreateGroup", "cognito-idp:GetGroup",
      "cognito-idp:UpdateGroup", "cognito-idp:DeleteGroup", "cognito-idp:ListGroups",
      "cognito-idp:AdminCreateUser", "cognito-idp:AdminGetUser", "cognito-idp:AdminAddUserToGroup",
      "cognito-idp:AdminListGroupsForUser", "cognito-idp:AdminSetUserPassword",
      "cognito-idp:AdminInitiateAuth", "cognito-idp:AdminDeleteUser",
      "cognito-idp:AdminUpdateUserAttributes",
    ]
    resources = ["${local.arn["cognito-idp"]}:userpool/*"]
  }

  statement {
    sid       = "LogsTheDeploymentsGroups"
    actions   = ["logs:*"]
    resources = local.log_groups
  }

  # DescribeLogGroups lists the region's groups; it names none.
  statement {
    sid       = "LogsListInRegion"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  # The saved Logs Insights queries (modules/observability). A query definition has no ARN, so
  # these calls name no resource.
  statement {
    sid       = "LogsQueryDefinitionsInRegion"
    actions   = ["logs:PutQueryDefinition", "logs:DescribeQueryDefinitions", "logs:DeleteQueryDefinition"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  # The deployment's X-Ray groups (modules/observability), <name>-*: their ARNs carry the name.
  statement {
    sid = "XRayTheDeploymentsGroups"
    actions = [
      "xray:CreateGroup", "xray:GetGroup", "xray:UpdateGroup", "xray:DeleteGroup",
      "xray:TagResource", "xray:UntagResource", "xray:ListTagsForResource",
    ]
    resources = ["arn:${local.partition}:xray:${local.region}:${local.account}:group/${var.name}-*"]
  }

  # scripts/deploy's smoke test finds the order's trace in X-Ray (and its log lines in the
  # order function's log group, above). Trace queries name no resource.
  statement {
    sid       = "SmokeTestTraces"
    actions   = ["xray:GetTraceSummaries", "xray:BatchGetTraces"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  # The deployment's alarms and dashboard, and the alarms Application Auto Scaling
  # creates for the projector's target tracking with the caller's permissions.
  statement {
    sid     = "CloudWatchTheDeploymentsAlarms"
    actions = ["cloudwatch:*"]
    resources = [
      "${local.arn.cloudwatch}:alarm:${var.name}-*",
      "${local.arn.cloudwatch}:alarm:TargetTracking-service/${var.name}/*",
      "arn:${local.partition}:cloudwatch::${local.account}:dashboard/${var.name}",
    ]
  }

  statement {
    sid = "CloudWatchReadInRegion"
    actions = [
      "cloudwatch:DescribeAlarms", "cloudwatch:ListDashboards", "cloudwatch:GetMetricData",
      "cloudwatch:ListMetrics",
    ]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }

  statement {
    sid       = "SnsTheAlarmTopic"
    actions   = ["sns:*"]
    resources = ["arn:${local.partition}:sns:${local.region}:${local.account}:${var.name}-*"]
  }
}

# IAM: roles named <name>-*, only with the boundary; and what the role may never do.
data "aws_iam_policy_document" "deploy_iam" {
  # A role is created, and given inline policies or a boundary, only with the boundary
  # on it.
  statement {
    sid       = "WorkloadRolesOnlyWithTheBoundary"
    actions   = ["iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"]
    resources = ["arn:${local.partition}:iam::${local.account}:role/${var.name}-*"]
    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }
  }

  statement {
    sid       = "AttachOnlyTheModulesManagedPolicies"
    actions   = ["iam:AttachRolePolicy"]
    resources = ["arn:${local.partition}:iam::${local.account}:role/${var.name}-*"]
    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }
    condition {
      test     = "ArnEquals"
      variable = "iam:PolicyARN"
      values   = local.managed_policies
    }
  }

  statement {
    sid = "ReadAndRetireWorkloadRoles"
    actions = [
      "iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole", "iam:ListRoleTags", "iam:TagRole", "iam:UntagRole",
      "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
      "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRole",
    ]
    resources = ["arn:${local.partition}:iam::${local.account}:role/${var.name}-*"]
  }

  statement {
    sid       = "PassWorkloadRolesToTheirServices"
    actions   = ["iam:PassRole"]
    resources = ["arn:${local.partition}:iam::${local.account}:role/${var.name}-*"]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = local.role_services
    }
  }

  statement {
    sid       = "ServiceLinkedRolesOfEcsRdsAndScaling"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["arn:${local.partition}:iam::${local.account}:role/aws-service-role/*"]
    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = local.service_linked
    }
  }

  # These roles and policies match <name>-* too.
  statement {
    sid     = "NeverTheBootstrapsOwnRolesAndPolicies"
    effect  = "Deny"
    actions = ["iam:*"]
    resources = [
      "arn:${local.partition}:iam::${local.account}:role/${local.deploy_role_name}",
      "arn:${local.partition}:iam::${local.account}:role/${local.plan_role_name}",
      "arn:${local.partition}:iam::${local.account}:policy/${var.name}-github-*",
      local.boundary_arn,
    ]
  }

  statement {
    sid       = "NeverRemoveTheBoundary"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary"]
    resources = ["*"]
  }

  statement {
    sid       = "NeverLoseState"
    effect    = "Deny"
    actions   = ["s3:DeleteObjectVersion", "s3:PutLifecycleConfiguration"]
    resources = [local.state_bucket_arn, "${local.state_bucket_arn}/*"]
  }

  # Data the deployment keeps: a change that would replace one of these fails instead.
  statement {
    sid    = "NeverDestroyData"
    effect = "Deny"
    actions = [
      "rds:DeleteDBInstance", "kms:ScheduleKeyDeletion", "kms:DisableKey",
      "cognito-idp:DeleteUserPool", "secretsmanager:DeleteSecret", "s3:DeleteBucket",
    ]
    resources = ["*"]
  }
}

locals {
  deploy_policies = {
    network = data.aws_iam_policy_document.deploy_network.json
    data    = data.aws_iam_policy_document.deploy_data.json
    compute = data.aws_iam_policy_document.deploy_compute.json
    edge    = data.aws_iam_policy_document.deploy_edge.json
    iam     = data.aws_iam_policy_document.deploy_iam.json
  }
}

# --- the plan role's policy ---------------------------------------------------------------------
# What terraform plan reads (refreshing every resource of envs/aws) and the state. No object of
# the content buckets but what the deployment writes itself is read, no log event, no message,
# no user, no secret value.
data "aws_iam_policy_document" "plan" {
  #checkov:skip=CKV_AWS_356:Read-only calls of terraform plan's refresh (Describe, Get, List of configuration), most of which have no resource-level permissions; IAM roles and S3 have statements scoped to the deployment.
  # Reads of configuration; most of these calls have no resource-level permissions.
  statement {
    sid = "ReadTheDeploymentsConfiguration"
    actions = [
      "ec2:Describe*", "rds:Describe*", "rds:ListTagsForResource", "lambda:GetFunction",
      "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig",
      "lambda:GetFunctionConcurrency", "lambda:GetPolicy", "lambda:GetRuntimeManagementConfig",
      "lambda:GetFunctionRecursionConfig", "lambda:GetLayerVersion",
      "lambda:ListVersionsByFunction", "lambda:ListTags", "apigateway:GET", "cloudfront:Get*",
      "cloudfront:List*", "cloudfront:DescribeFunction", "ecs:Describe*", "ecs:List*",
      "ecr:DescribeRepositories", "ecr:DescribeRegistry", "ecr:DescribePullThroughCacheRules",
      "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource",
      "application-autoscaling:Describe*", "application-autoscaling:ListTagsForResource",
      "servicediscovery:Get*", "servicediscovery:List*", "route53:GetHostedZone",
      "route53:ListTagsForResource", "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
      "sqs:ListQueueTags", "sqs:ListQueues", "sqs:ListDeadLetterSourceQueues",
      "cognito-idp:DescribeUserPool", "cognito-idp:DescribeUserPoolClient",
      "cognito-idp:GetUserPoolMfaConfig", "cognito-idp:GetGroup",
      "cognito-idp:ListTagsForResource", "cognito-idp:ListUserPools", "kms:DescribeKey",
      "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:ListAliases",
      "logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup",
      "logs:DescribeQueryDefinitions", "xray:GetGroup", "xray:ListTagsForResource",
      "cloudwatch:DescribeAlarms", "cloudwatch:GetDashboard", "cloudwatch:ListTagsForResource",
      "sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic",
      "sns:ListTagsForResource",
    ]
    resources = ["*"]
  }

  statement {
    sid = "ReadTheDeploymentsRoles"
    actions = [
      "iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
      "iam:ListRoleTags",
    ]
    resources = ["arn:${local.partition}:iam::${local.account}:role/${var.name}-*"]
  }

  # Bucket settings, and config.json, which Terraform writes into the storefront bucket.
  statement {
    sid = "ReadTheDeploymentsBuckets"
    actions = [
      "s3:GetBucket*", "s3:GetAccelerateConfiguration", "s3:GetEncryptionConfiguration",
      "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:ListBucket",
    ]
    resources = [local.content_buckets]
  }

  statement {
    sid       = "ReadTheStorefrontConfig"
    actions   = ["s3:GetObject", "s3:GetObjectTagging"]
    resources = ["arn:${local.partition}:s3:::${var.name}-storefront-${local.account}/config.json"]
  }

  statement {
    sid       = "ReadTheState"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [local.state_bucket_arn]
  }

  statement {
    sid       = "ReadTheStateObjects"
    actions   = ["s3:GetObject"]
    resources = ["${local.state_bucket_arn}/*"]
  }

  statement {
    sid       = "StateLockFile"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.state_bucket_arn}/*.tflock"]
  }
}

# --- the boundary -------------------------------------------------------------------------------
# The most any role of the deployment may do, whatever its own policies say: what the modules
# grant today (and the AWS managed policies they attach), within the deployment.
data "aws_iam_policy_document" "boundary" {
  #checkov:skip=CKV_AWS_356:A permissions boundary grants nothing: it caps what the roles' own least-privilege policies (modules/*) may grant. The "*" statements are the calls those policies make on "*" themselves (ENI management, X-Ray, ECR login and pull-through, log groups the services name).
  #checkov:skip=CKV_AWS_111:Same: the boundary is a ceiling, the writes are granted (scoped) by the modules' role policies.
  # Functions' and projector's logs, flow logs, RDS enhanced monitoring, API Gateway's
  # account logging role (which creates its own groups); the admin console's Logs Insights
  # queries (modules/functions holds StartQuery to the services' log groups).
  statement {
    sid = "Logs"
    actions = [
      "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
      "logs:PutRetentionPolicy", "logs:DescribeLogGroups", "logs:DescribeLogStreams",
      "logs:GetLogEvents", "logs:FilterLogEvents",
      "logs:StartQuery", "logs:GetQueryResults", "logs:StopQuery",
    ]
    resources = ["*"]
  }

  # Lambda's network interfaces in the VPC (AWSLambdaENIManagementAccess).
  statement {
    sid = "FunctionNetworkInterfaces"
    actions = [
      "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
      "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ]
    resources = ["*"]
  }

  # The ADOT collectors' traces (AWSXRayDaemonWriteAccess), and reading traces back (the admin
  # console's Traces and Service map pages: GetTraceSummaries, BatchGetTraces, GetServiceGraph).
  statement {
    sid       = "XRay"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:Get*", "xray:BatchGet*"]
    resources = ["*"]
  }

  # The admin console's alarm board and metrics.
  statement {
    sid       = "CloudWatchRead"
    actions   = ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"]
    resources = ["*"]
  }

  statement {
    sid = "TheDeploymentsQueues"
    actions = [
      "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
    ]
    resources = ["${local.arn.sqs}:${var.name}-*"]
  }

  statement {
    sid       = "TheDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = ["${local.arn.secretsmanager}:secret:rds!*"]
  }

  statement {
    sid       = "DecryptWithTheDeploymentKey"
    actions   = ["kms:Decrypt"]
    resources = ["${local.arn.kms}:key/*"]
  }

  statement {
    sid       = "TheDeploymentsBuckets"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]
    resources = [local.content_buckets, "${local.content_buckets}/*"]
  }

  # The projector's task execution: its image and the collector's, through the
  # pull-through cache (which creates the repository and imports the image on first pull).
  statement {
    sid = "PullImages"
    actions = [
      "ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
      "ecr:BatchCheckLayerAvailability", "ecr:CreateRepository", "ecr:BatchImportUpstreamImage",
    ]
    resources = ["*"]
  }
}

# --- OIDC provider ------------------------------------------------------------------------------

# AWS verifies GitHub's tokens against its own trusted certificate authorities, so no
# thumbprint is pinned here.
resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.oidc_host}"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.oidc_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
    # Exactly this repository's environment: no branch, pull request or other repository.
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = [local.subject]
    }
  }
}

# --- the boundary -------------------------------------------------------------------------------

resource "aws_iam_policy" "boundary" {
  name        = local.boundary_name
  description = "Permissions boundary of every IAM role of the ${var.name} deployment (terraform/bootstrap)."
  policy      = data.aws_iam_policy_document.boundary.json
}

# --- deploy role --------------------------------------------------------------------------------

resource "aws_iam_role" "deploy" {
  name                 = local.deploy_role_name
  description          = "GitHub Actions deploy.yml of ${var.github_repository} (environment ${var.environment}): scripts/deploy of ${var.name}."
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 7200
}

resource "aws_iam_policy" "deploy" {
  for_each = local.deploy_policies

  name        = "${var.name}-github-deploy-${each.key}"
  description = "scripts/deploy of ${var.name} from GitHub Actions: ${each.key} (terraform/bootstrap)."
  policy      = each.value
}

resource "aws_iam_role_policy_attachment" "deploy" {
  for_each = aws_iam_policy.deploy

  role       = aws_iam_role.deploy.name
  policy_arn = each.value.arn
}

# --- plan role ----------------------------------------------------------------------------------

resource "aws_iam_role" "plan" {
  name               = local.plan_role_name
  description        = "GitHub Actions terraform-plan.yml of ${var.github_repository} (environment ${var.environment}): terraform plan of ${var.name}, read-only."
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_iam_policy" "plan" {
  name        = "${var.name}-github-plan-read"
  description = "terraform plan of ${var.name} from GitHub Actions: reads, and the state's lock file (terraform/bootstrap)."
  policy      = data.aws_iam_policy_document.plan.json
}

resource "aws_iam_role_policy_attachment" "plan" {
  role       = aws_iam_role.plan.name
  policy_arn = aws_iam_policy.plan.arn
}
