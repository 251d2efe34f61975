//! The one failure a domain port may report besides a business answer: it could not answer at
//! all (the store or the network failed). The cause is kept as the error's source, so the log
//! line that reports it shows the whole chain; the domain itself never looks inside.

use std::error::Error;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Unavailable {
    what: &'static str,
    cause: Arc<dyn Error + Send + Sync>,
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is unavailable", self.what)
    }
}

/// The cause itself is the source (not the `Arc` around it, whose own `source` would skip a
/// level), so a reader of the chain can downcast to it.
impl Error for Unavailable {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self.cause.as_ref())
    }
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

#[cfg(test)]
mod tests {
    use std::error::Error;

    use super::Unavailable;

    #[test]
    fn the_cause_is_the_source_itself() {
        let cause = std::io::Error::other("connection reset");
        let unavailable = Unavailable::new("the event store", cause);
        let source = unavailable.source().expect("a source");
        assert!(source.downcast_ref::<std::io::Error>().is_some());
        assert_eq!(unavailable.to_string(), "the event store is unavailable");
    }
}
