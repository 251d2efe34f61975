output "deploy_role_arn" {
  description = "Role of .github/workflows/deploy.yml: the AWS_DEPLOY_ROLE_ARN repository variable."
  value       = aws_iam_role.deploy.arn
}

output "plan_role_arn" {
  description = "Read-only role of .github/workflows/terraform-plan.yml: the AWS_PLAN_ROLE_ARN repository variable."
  value       = aws_iam_role.plan.arn
}

output "permissions_boundary_arn" {
  description = "Boundary every role of the deployment must carry; the workflows pass its name to envs/aws as TF_VAR_permissions_boundary_policy."
  value       = aws_iam_policy.boundary.arn
}

output "oidc_provider_arn" {
  description = "The account's OIDC provider for GitHub Actions tokens."
  value       = local.oidc_arn
}

output "trusted_subject" {
  description = "The only token subject the roles accept: jobs of this repository's environment."
  value       = local.subject
}

output "repository_variables" {
  description = "Set these in GitHub (Settings > Secrets and variables > Actions > Variables); ADMIN_EMAIL, the first admin's e-mail address, is yours to add. No secret is needed."
  value = {
    AWS_DEPLOY_ROLE_ARN = aws_iam_role.deploy.arn
    AWS_PLAN_ROLE_ARN   = aws_iam_role.plan.arn
    AWS_REGION          = var.region
    NAME                = var.name
    TF_STATE_BUCKET     = local.state_bucket
  }
}
