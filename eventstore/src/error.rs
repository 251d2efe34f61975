//! The write side's errors, each keeping its source so a log line shows the whole chain.

/// The event store failed: the database, or an event that would not (de)serialise.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the event store's database failed")]
    Database(#[from] sqlx::Error),
    #[error("an event or snapshot could not be serialised")]
    Serialise(#[from] serde_json::Error),
    #[error("no streams of {0} are registered with this store")]
    Unregistered(&'static str),
    #[error("an aggregate could not be loaded")]
    Load(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// A load through cqrs-es failed. Its `AggregateError` shows its cause in its message but not
    /// as its source, so the cause is taken out and kept as this error's source: whoever reads
    /// the chain then finds the database error itself (a lost connection is a 503, not a 500).
    pub(crate) fn load<E>(error: cqrs_es::AggregateError<E>) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        use cqrs_es::AggregateError::*;
        match error {
            DatabaseConnectionError(cause)
            | DeserializationError(cause)
            | UnexpectedError(cause) => Self::Load(cause),
            other => Self::Load(Box::new(other)),
        }
    }
}

/// Why a command did not commit.
#[derive(Debug, thiserror::Error)]
pub enum CommandError<E> {
    /// The aggregate refused it.
    #[error(transparent)]
    Domain(E),
    #[error("the aggregate kept changing under the command; try again")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}
