output "vpc_id" {
  description = "Id of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "Private subnets, one per availability zone."
  value       = aws_subnet.private[*].id
}

output "lambda_security_group_id" {
  description = "Security group for the Lambda functions."
  value       = aws_security_group.lambda.id
}

output "projector_security_group_id" {
  description = "Security group for the stock-projector tasks."
  value       = aws_security_group.projector.id
}

output "service_discovery_namespace_id" {
  description = "Id of the Cloud Map private DNS namespace <name>.internal, where workloads register their names."
  value       = aws_service_discovery_private_dns_namespace.this.id
}

output "service_discovery_namespace_name" {
  description = "Domain of the Cloud Map namespace (<name>.internal)."
  value       = aws_service_discovery_private_dns_namespace.this.name
}
