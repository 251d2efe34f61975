// sqlx's `migrate!` embeds migrations/ at compile time; rebuild when a file there is added or
// changed, or a new migration would silently be missing from the binaries.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
