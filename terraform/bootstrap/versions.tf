terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Applied once per account, by a person with administrator credentials, with local state in
  # this folder (git-ignored). Keep terraform.tfstate somewhere safe; losing it only means
  # importing the provider and the roles again before the next change.
}

# IAM is global; the region is the deployment's, which the policies are scoped to.
provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project   = var.name
      ManagedBy = "terraform"
      Purpose   = "github-actions-deploy"
    }
  }
}
