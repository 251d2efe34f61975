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

output "availability_zone_ids" {
  description = "Zone IDs of the private subnets, in subnet order."
  value       = local.zone_ids
}

output "availability_zones" {
  description = "This account's names of those zones, in subnet order."
  value       = local.azs
}

output "nat_gateway_public_ip" {
  description = "Public address the workloads' internet traffic leaves from when nat_gateway is on; null otherwise."
  value       = one(aws_eip.nat[*].public_ip)
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
