//! A setting that is set but invalid stops every binary before it starts anything: exit code 2
//! and one line naming the variable and the form it accepts, never a silent default.

use std::process::Command;

fn refused(binary: &str, variable: &str, value: &str) {
    let output = Command::new(binary)
        .env(variable, value)
        // Nothing it could reach: the binary must stop before it tries.
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{binary}: {stderr}");
    assert!(
        stderr.contains(&format!("{variable}={value:?} is invalid: expected")),
        "{binary} names {variable}: {stderr}"
    );
}

#[test]
fn every_handler_binary_names_the_setting_it_cannot_parse() {
    for binary in [
        env!("CARGO_BIN_EXE_gateway"),
        env!("CARGO_BIN_EXE_order"),
        env!("CARGO_BIN_EXE_product"),
        env!("CARGO_BIN_EXE_admin"),
    ] {
        refused(binary, "DATABASE_POOL_SIZE", "ten");
        refused(binary, "HTTP_ADDR", "localhost");
        refused(binary, "SHOP_FAULT_SQS_SEND", "sometimes");
    }
}
