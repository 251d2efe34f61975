output "alarm_topic_arn" {
  description = "SNS topic receiving alarm state changes."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_url" {
  description = "Console URL of the dashboard."
  value       = "https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#dashboards:name=${aws_cloudwatch_dashboard.this.dashboard_name}"
}
