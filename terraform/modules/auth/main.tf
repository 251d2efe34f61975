data "aws_region" "current" {}

locals {
  # Built from region and id rather than the pool's endpoint attribute, so emulators that
  # report a different endpoint still yield the issuer that AWS puts in tokens.
  issuer = "https://cognito-idp.${data.aws_region.current.name}.amazonaws.com/${aws_cognito_user_pool.this.id}"
}

resource "aws_cognito_user_pool" "this" {
  name                = var.name
  deletion_protection = var.deletion_protection ? "ACTIVE" : "INACTIVE"

  # Shoppers sign in with their e-mail address; the sub claim stays the stable user id. Sign-up
  # (the storefront's /sign-up/) sends a code to the address, and ConfirmSignUp with it verifies it.
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]

  # Codes go out from Cognito's own sender, no-reply@verificationemail.com: no SES to set up, but
  # AWS allows it 50 e-mails a day per account, for all its pools (not adjustable). More needs
  # email_sending_account = "DEVELOPER" and a verified SES identity (docs/deploy.md, sign-up).
  email_configuration {
    email_sending_account = "COGNITO_DEFAULT"
  }

  mfa_configuration = var.mfa_configuration
  dynamic "software_token_mfa_configuration" {
    for_each = var.mfa_configuration == "OFF" ? [] : [1]
    content {
      enabled = true
    }
  }

  password_policy {
    minimum_length                   = 12
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = false
    temporary_password_validity_days = 7
  }

  admin_create_user_config {
    allow_admin_create_user_only = !var.allow_self_signup
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }
}

# Named as scripts/local_aws.py names the local one (shop-storefront), so the storefront's
# client is the same thing in both places.
resource "aws_cognito_user_pool_client" "storefront" {
  name         = "${var.name}-storefront"
  user_pool_id = aws_cognito_user_pool.this.id

  # A browser cannot keep a secret. The storefront signs in with USER_PASSWORD_AUTH, as do curl
  # and the CLI walkthroughs in the docs; SRP stays allowed for SDK clients. SignUp,
  # ConfirmSignUp, ResendConfirmationCode and GlobalSignOut need no flow of their own.
  generate_secret = false
  explicit_auth_flows = [
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
  ]
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true

  access_token_validity  = 60
  id_token_validity      = 60
  refresh_token_validity = 30
  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}

# Membership puts "admin" into the cognito:groups claim, which the admin Lambda checks.
resource "aws_cognito_user_group" "admin" {
  name         = "admin"
  user_pool_id = aws_cognito_user_pool.this.id
  description  = "Operators allowed to call /api/admin/*"
  precedence   = 0
}
