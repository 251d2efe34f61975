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
    /// A load through cqrs-es failed.
    pub(crate) fn load(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Load(Box::new(error))
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
