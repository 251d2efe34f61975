//! A setting that is set but invalid stops the projector before it starts anything, whichever
//! command it was given: exit code 2 and one line naming the variable and the accepted form.

use std::process::Command;

#[test]
fn the_projector_names_the_setting_it_cannot_parse() {
    for (command, variable, value) in [
        ("run", "PROJECTOR_POLL_SECONDS", "soon"),
        ("run", "STOCK_SNAPSHOT_EVERY", "0"),
        ("status", "DATABASE_POOL_SIZE", "-1"),
        ("healthcheck", "PROJECTOR_HTTP_ADDR", "8081"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_stock-projector"))
            .arg(command)
            .env(variable, value)
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
            .output()
            .expect("the projector runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{command}: {stderr}");
        assert!(
            stderr.contains(&format!("{variable}={value:?} is invalid: expected")),
            "{command} names {variable}: {stderr}"
        );
    }
}
