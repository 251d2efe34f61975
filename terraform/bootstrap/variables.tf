variable "github_repository" {
  description = "The GitHub repository whose workflows may assume the roles, as owner/repo."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository is owner/repo, for example octo-org/shop."
  }
}

variable "environment" {
  description = "The GitHub environment the deploy and plan jobs run in (deploy.yml and terraform-plan.yml use \"aws\"). Only jobs of this environment get a token the roles trust: restrict its deployment branches to main in the repository's settings."
  type        = string
  default     = "aws"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+$", var.environment))
    error_message = "environment is a GitHub environment name: letters, digits, '.', '_' and '-'."
  }
}

variable "name" {
  description = "The deployment's name (terraform/envs/aws's name, scripts/deploy --name): every resource the deploy role may change is named after it."
  type        = string
  default     = "shop"

  # envs/aws builds bucket, queue, role and log group names from it, and the policies below
  # match those names with wildcards: no character that would widen a pattern.
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,17}[a-z0-9]$", var.name))
    error_message = "name is 3 to 19 lowercase letters, digits and hyphens, starting with a letter (the image cache prefix <name>-ecr-public has 30 characters at most)."
  }
}

variable "region" {
  description = "Region of the deployment (the AWS_REGION repository variable). The deploy role may change regional resources in this region only."
  type        = string
  default     = "us-east-1"
}

variable "create_oidc_provider" {
  description = "Create the account's OIDC provider for token.actions.githubusercontent.com. Set false when the account has one already (an account holds one per URL); the roles then trust that one."
  type        = bool
  default     = true
}

variable "state_bucket" {
  description = "S3 bucket of the Terraform state (the TF_STATE_BUCKET repository variable); null means <name>-tfstate-<account>-<region>. scripts/deploy creates it when it is missing."
  type        = string
  default     = null
}
