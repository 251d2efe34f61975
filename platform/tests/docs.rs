//! The docs are kept true where a list can drift from the code: every fault switch, and the
//! variable that turns it on at start, in docs/learn.md; every metric of the catalog in
//! docs/observability.md; every setting the services read in the README's configuration table.

use std::sync::{Arc, Mutex};

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/../{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The names of `names` that `text` does not mention as code (`` `name` ``, or in a code span
/// or block).
fn missing<'a>(text: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    names
        .into_iter()
        .filter(|name| {
            !text.contains(&format!("`{name}`"))
                && !text.contains(&format!("`{name}="))
                && !text.contains(&format!("{name}="))
                && !text.contains(&format!("{name} "))
        })
        .collect()
}

#[test]
fn learn_md_teaches_every_fault_switch_and_its_variable() {
    let learn = read("docs/learn.md");
    let switches = missing(&learn, platform::faults::SWITCHES.iter().map(|s| s.name));
    assert!(
        switches.is_empty(),
        "docs/learn.md does not name the switches {switches:?}"
    );
    // The variables that turn a switch on at start, as platform::faults documents them.
    let source = read("platform/src/faults.rs");
    let variables: Vec<&str> = source
        .lines()
        .filter(|l| l.starts_with("//! |"))
        .filter_map(|l| l.split('`').find(|part| part.starts_with("SHOP_FAULT_")))
        .map(|v| v.split('=').next().unwrap_or(v))
        .collect();
    assert_eq!(
        variables.len(),
        platform::faults::SWITCHES.len(),
        "one variable a switch"
    );
    let missing = missing(&learn, variables.iter().copied());
    assert!(
        missing.is_empty(),
        "docs/learn.md does not name the variables {missing:?}"
    );
}

#[test]
fn observability_md_lists_every_metric_of_the_catalog() {
    let doc = read("docs/observability.md");
    let missing = missing(&doc, platform::metrics::CATALOG.iter().map(|m| m.name));
    assert!(
        missing.is_empty(),
        "docs/observability.md does not list the metrics {missing:?}"
    );
}

#[test]
fn the_readme_lists_every_setting_the_services_read() {
    // Every variable the settings look up, whether set or not.
    let asked = Arc::new(Mutex::new(Vec::<String>::new()));
    let recorder = asked.clone();
    let _ = platform::Settings::from_lookup(move |name| {
        recorder.lock().unwrap().push(name.to_string());
        None
    });
    let asked = asked.lock().unwrap().clone();
    assert!(
        asked.len() > 20,
        "the settings read their variables: {asked:?}"
    );
    let readme = read("README.md");
    let missing = missing(&readme, asked.iter().map(String::as_str));
    assert!(
        missing.is_empty(),
        "README.md's configuration does not list {missing:?}"
    );
}
