variable "name" {
  description = "Queue name without the .fifo suffix; the dead-letter queue adds -dlq."
  type        = string
  default     = "shop-events"
}

variable "visibility_timeout_seconds" {
  description = "How long a received message stays hidden. The projector asks for 60 s on every receive of up to 10 messages and renews it every 20 s while a batch runs, so a batch is never redelivered mid-way; this default only governs other receivers (the console, a redrive) and matches it."
  type        = number
  default     = 60
}

variable "max_receive_count" {
  description = "Receives before a message moves to the dead-letter queue."
  type        = number
  default     = 5
}

variable "message_retention_seconds" {
  description = "Retention on the main queue. Messages only wake the projector, the event store keeps the data."
  type        = number
  default     = 345600
}

variable "dlq_message_retention_seconds" {
  description = "Retention on the dead-letter queue: the maximum, so a failure can be studied after a weekend."
  type        = number
  default     = 1209600
}

variable "restrict_dlq_sources" {
  description = "Let only the event queue dead-letter into the DLQ (RedriveAllowPolicy). Emulators without RedriveAllowPolicy need false: the provider would wait forever to read it back."
  type        = bool
  default     = true
}
