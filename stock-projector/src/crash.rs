//! The projector_crash fault switch (docs/learn.md): the process exits with code 70 before
//! applying an event of the switch's type, as a bug that one event triggers would. A guard laid
//! around the projector's apply ([`projections::PageGuard`]), so the projector knows no switch.

use async_trait::async_trait;
use eventstore::StoredEvent;
use platform::faults::FaultSwitches;
use projections::PageGuard;

/// The exit code of a crash on purpose, which supervision reports.
const EXIT_CODE: i32 = 70;

pub struct CrashSwitch(pub FaultSwitches);

#[async_trait]
impl PageGuard for CrashSwitch {
    async fn before_apply(&self, follower: &'static str, events: &[StoredEvent]) {
        let faults = self.0.current().await;
        let Some(kind) = &faults.crash_on_event else {
            return;
        };
        if events.iter().any(|e| &e.event_type == kind) {
            tracing::error!(
                event_type = %kind,
                follower,
                "crashing on purpose before applying a {kind} event (fault switch projector_crash)"
            );
            platform::telemetry::flush_now();
            metrics::counter!("ProjectorCrashes").increment(1);
            std::process::exit(EXIT_CODE);
        }
    }
}
