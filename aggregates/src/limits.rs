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

/// Characters in a SKU.
pub const MIN_SKU_LEN: usize = 2;
pub const MAX_SKU_LEN: usize = 64;
/// The characters a SKU may hold, as the OpenAPI document states them.
pub const SKU_PATTERN: &str = "^[A-Za-z0-9_-]+$";
/// Characters in a product's name (trimmed), and in its description.
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// SKUs are 2 to 64 characters of `A-Z a-z 0-9 - _`, so they are safe in URLs, SQS group ids and logs.
pub fn check_sku(sku: &str) -> Result<(), &'static str> {
    let ok = (MIN_SKU_LEN..=MAX_SKU_LEN).contains(&sku.len())
        && sku
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err("must be 2 to 64 characters of letters, digits, '-' or '_'")
    }
}

pub fn check_name(name: &str) -> Result<(), &'static str> {
    let len = name.trim().chars().count();
    if (1..=MAX_NAME_CHARS).contains(&len) {
        Ok(())
    } else {
        Err("must be 1 to 200 characters")
    }
}
