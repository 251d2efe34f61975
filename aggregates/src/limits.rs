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
/// Characters in a product's name, and in its description.
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// A name, as the OpenAPI document states it: no control character, and not only spaces.
pub const NAME_PATTERN: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$";
/// A description: no control character but tab and line breaks.
pub const DESCRIPTION_PATTERN: &str =
    "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

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

/// Why a name or a description was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must be 1 to {MAX_NAME_CHARS} characters, not only spaces")]
    NameLength,
    #[error("must be at most {MAX_DESCRIPTION_CHARS} characters")]
    DescriptionLength,
    #[error("must not contain control characters")]
    Control,
    #[error("must not contain control characters but tabs and line breaks")]
    ControlBesideBreaks,
}

/// Text people read (and PostgreSQL stores, which cannot hold NUL) carries no control
/// character: none could show, and one could steer a terminal that prints a log line.
pub fn check_name(name: &str) -> Result<(), TextError> {
    let len = name.chars().count();
    if !(1..=MAX_NAME_CHARS).contains(&len) || name.chars().all(char::is_whitespace) {
        Err(TextError::NameLength)
    } else if name.chars().any(char::is_control) {
        Err(TextError::Control)
    } else {
        Ok(())
    }
}

/// A description may break lines (tab, CR, LF); no other control character.
pub fn check_description(description: &str) -> Result<(), TextError> {
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        Err(TextError::DescriptionLength)
    } else if description
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        Err(TextError::ControlBesideBreaks)
    } else {
        Ok(())
    }
}
