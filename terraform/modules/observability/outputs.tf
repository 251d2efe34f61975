output "alarm_topic_arn" {
  description = "SNS topic receiving alarm state changes."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_url" {
  description = "Console URL of the dashboard."
  value       = "https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#dashboards:name=${aws_cloudwatch_dashboard.this.dashboard_name}"
}

output "alarm_prefix" {
  description = "What every alarm name starts with (the rest is its name in observability/alarms.json)."
  value       = "${var.name}-"
}

output "alarm_names" {
  description = "The alarms that notify: one per alarm and per resource alarm of observability/alarms.json, and one composite per SLO burn alert (their -long and -short windows left out)."
  value       = local.alarm_names
}

output "alarm_urls" {
  description = "Console URL of each alarm in alarm_names."
  value = { for n in local.alarm_names :
    n => "https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#alarmsV2:alarm/${urlencode(n)}"
  }
}
