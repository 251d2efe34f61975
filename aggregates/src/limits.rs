//! The bounds every command is checked against, in one place so the HTTP layer and the docs quote
//! the same numbers.

/// Units of one SKU in one order line, and in one reservation.
pub const MAX_LINE_QUANTITY: u32 = 1000;
/// Lines in one order.
pub const MAX_ORDER_LINES: usize = 50;
/// Units received in one restock (or registered as initial stock).
pub const MAX_RESTOCK: u32 = 1_000_000;
/// Units one SKU may hold; keeps every sum far from integer overflow.
pub const MAX_ON_HAND: u32 = 100_000_000;
/// One million dollars, in cents.
pub const MAX_PRICE_CENTS: i64 = 100_000_000;

/// SKUs are 2 to 64 characters of `A-Z a-z 0-9 - _`, so they are safe in URLs, SQS group ids and logs.
pub fn check_sku(sku: &str) -> Result<(), String> {
    let ok = (2..=64).contains(&sku.len())
        && sku
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err("must be 2 to 64 characters of letters, digits, '-' or '_'".into())
    }
}

pub fn check_name(name: &str) -> Result<(), String> {
    let len = name.trim().chars().count();
    if (1..=200).contains(&len) {
        Ok(())
    } else {
        Err("must be 1 to 200 characters".into())
    }
}
