//! What looks at each page of events after a follower reads it and before it applies any of it:
//! the seam where behaviour is laid around the projector's apply instead of written into it.
//! The stock projector's crash fault switch is one (`stock-projector`'s `crash` module); the
//! projector itself knows no switch.

use async_trait::async_trait;
use eventstore::StoredEvent;

#[async_trait]
pub trait PageGuard: Send + Sync {
    /// Called with `follower`'s next page, read in its transaction and not yet applied. Seeing
    /// the page itself, not the log before the round, is what makes "before applying an event"
    /// exact: an event committed between a look at the log and the read is in the page.
    async fn before_apply(&self, follower: &'static str, events: &[StoredEvent]);
}
