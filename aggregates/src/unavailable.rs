//! The one failure a domain port may report besides a business answer: it could not answer at
//! all (the store or the network failed). The cause is kept as the error's source, so the log
//! line that reports it shows the whole chain; the domain itself never looks inside.

use std::error::Error;
use std::sync::Arc;

#[derive(Debug, Clone, thiserror::Error)]
#[error("{what} is unavailable")]
pub struct Unavailable {
    what: &'static str,
    #[source]
    cause: Arc<dyn Error + Send + Sync>,
}

impl Unavailable {
    /// `what` could not answer because of `cause`.
    pub fn new(what: &'static str, cause: impl Into<Box<dyn Error + Send + Sync>>) -> Self {
        Self {
            what,
            cause: Arc::from(cause.into()),
        }
    }
}

/// Two failures are the same when they say the same: enough for given/when/then tests, which
/// compare errors, and for nothing else.
impl PartialEq for Unavailable {
    fn eq(&self, other: &Self) -> bool {
        self.what == other.what && self.cause.to_string() == other.cause.to_string()
    }
}

impl Eq for Unavailable {}
