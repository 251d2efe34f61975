# FIFO keeps per-group order, which makes traces easy to follow; correctness does not depend
# on it, because the projector reads the event store from its own checkpoint.

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-dlq.fifo"
  fifo_queue                = true
  message_retention_seconds = var.dlq_message_retention_seconds
  # SQS-managed keys: encrypted at rest with no KMS calls or key grants for producers.
  sqs_managed_sse_enabled = true
}

resource "aws_sqs_queue" "events" {
  name       = "${var.name}.fifo"
  fifo_queue = true
  # The publisher sets a MessageDeduplicationId on every send (first event id and count), so
  # content-based deduplication stays off: a send that forgot its id fails instead of being
  # silently deduplicated against an unrelated message with the same body.
  content_based_deduplication = false
  visibility_timeout_seconds  = var.visibility_timeout_seconds
  message_retention_seconds   = var.message_retention_seconds
  receive_wait_time_seconds   = 20
  sqs_managed_sse_enabled     = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

# Only the event queue may dead-letter into the DLQ, so nothing else can bury messages there.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  count = var.restrict_dlq_sources ? 1 : 0

  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.events.arn]
  })
}
