terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Local state in this folder by default; scripts/check-terraform points it at a temporary
  # file with -backend-config=path=... so a test never touches a developer's state.
  backend "local" {}
}

# Every call goes to the emulator, with the settings tflocal writes: fake credentials, no
# account lookup, no instance metadata, path-style S3 (the emulator has no bucket DNS).
provider "aws" {
  region     = var.region
  access_key = "test"
  secret_key = "test"

  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {
    cognitoidp = var.endpoint
    iam        = var.endpoint
    s3         = var.endpoint
    sqs        = var.endpoint
    sts        = var.endpoint
  }
}
