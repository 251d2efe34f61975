//! The domain's values, parsed once at the edge: a `Sku`, a line's `Quantity`, a price in
//! `Cents`. A value of one of these types is valid by construction, so commands that carry them
//! cannot be malformed and nothing checks them twice. Each (de)serialises as its plain JSON
//! value; deserialising one that is out of bounds fails with the message a client sees.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::limits::{MAX_LINE_QUANTITY, MAX_PRICE_CENTS, check_sku};

/// Why a value was refused: the words a problem+json shows beside the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub &'static str);

/// A stock-keeping unit: 2 to 64 of `A-Z a-z 0-9 - _`, safe in URLs, SQS group ids and logs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sku(String);

impl Sku {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        check_sku(text).map_err(Invalid)?;
        Ok(Self(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Sku {
    type Error = Invalid;
    fn try_from(text: String) -> Result<Self, Invalid> {
        check_sku(&text).map_err(Invalid)?;
        Ok(Self(text))
    }
}

impl FromStr for Sku {
    type Err = Invalid;
    fn from_str(text: &str) -> Result<Self, Invalid> {
        Self::parse(text)
    }
}

impl From<Sku> for String {
    fn from(sku: Sku) -> Self {
        sku.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Units of one SKU on one order line: 1 to [`MAX_LINE_QUANTITY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Quantity(u32);

impl Quantity {
    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Quantity {
    type Error = Invalid;
    fn try_from(units: u32) -> Result<Self, Invalid> {
        if (1..=MAX_LINE_QUANTITY).contains(&units) {
            Ok(Self(units))
        } else {
            Err(Invalid("must be between 1 and 1000"))
        }
    }
}

impl From<Quantity> for u32 {
    fn from(quantity: Quantity) -> Self {
        quantity.0
    }
}

/// A unit price in cents: 1 to [`MAX_PRICE_CENTS`] (one million dollars).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Cents(i64);

impl Cents {
    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for Cents {
    type Error = Invalid;
    fn try_from(cents: i64) -> Result<Self, Invalid> {
        if (1..=MAX_PRICE_CENTS).contains(&cents) {
            Ok(Self(cents))
        } else {
            Err(Invalid("must be between 1 and 100000000"))
        }
    }
}

impl From<Cents> for i64 {
    fn from(cents: Cents) -> Self {
        cents.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_out_of_bounds_cannot_be_made() {
        assert!(Sku::parse("TEA-EARLGREY_2").is_ok());
        for bad in ["", "X", "bad sku!", "é-1", &"A".repeat(65)] {
            assert!(Sku::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Quantity::try_from(1).map(Quantity::get), Ok(1));
        assert_eq!(
            Quantity::try_from(MAX_LINE_QUANTITY).map(Quantity::get),
            Ok(1000)
        );
        assert!(Quantity::try_from(0).is_err());
        assert!(Quantity::try_from(MAX_LINE_QUANTITY + 1).is_err());
        assert!(Cents::try_from(0).is_err());
        assert!(Cents::try_from(MAX_PRICE_CENTS + 1).is_err());
        assert_eq!(Cents::try_from(450).map(Cents::get), Ok(450));
    }

    #[test]
    fn json_holds_the_plain_value_and_refuses_a_bad_one_with_its_reason() {
        let sku: Sku = serde_json::from_str("\"TEA-1\"").unwrap();
        assert_eq!(serde_json::to_string(&sku).unwrap(), "\"TEA-1\"");
        let error = serde_json::from_str::<Quantity>("0").unwrap_err();
        assert!(
            error.to_string().contains("must be between 1 and 1000"),
            "{error}"
        );
        assert!(serde_json::from_str::<Sku>("\"no spaces\"").is_err());
    }
}
