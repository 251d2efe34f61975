variable "endpoint" {
  description = "Emulator endpoint (moto server; 4566 is the port tflocal and awslocal expect)."
  type        = string
  default     = "http://127.0.0.1:4566"
}

variable "region" {
  description = "Region the emulator pretends to be."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of the pool and queue names."
  type        = string
  default     = "shop"
}

variable "images_bucket" {
  description = "Name of the product image bucket."
  type        = string
  default     = "shop-product-images"
}
