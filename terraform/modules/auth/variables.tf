variable "name" {
  description = "Name of the user pool and prefix of its app client."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse to delete the user pool (its users cannot be restored)."
  type        = bool
  default     = true
}

variable "allow_self_signup" {
  description = "Shoppers may register themselves; false leaves user creation to admins."
  type        = bool
  default     = true
}

variable "mfa_configuration" {
  description = "OFF, OPTIONAL or ON (TOTP apps only, no SMS costs)."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.mfa_configuration)
    error_message = "mfa_configuration must be OFF, OPTIONAL or ON."
  }
}
