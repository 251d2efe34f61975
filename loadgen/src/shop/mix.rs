//! The kinds of request a shopper makes and `--mix`, their weights: parsed from
//! `browse=40,order=45,…` and drawn from once per request.

use std::str::FromStr;

use rand::Rng;
use rand::rngs::StdRng;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Browse,
    Order,
    Cancel,
    Oversized,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Browse, Kind::Order, Kind::Cancel, Kind::Oversized];

    /// The name `--mix`, the summary and `--orders-out` use.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Browse => "browse",
            Kind::Order => "order",
            Kind::Cancel => "cancel",
            Kind::Oversized => "oversized",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Mix(Vec<(Kind, u32)>);

/// Why a `--mix` does not parse; clap prints it after `invalid value '…' for '--mix <MIX>': `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MixError {
    /// A part without `=`.
    #[error("{0:?}: write kind=weight")]
    NotKindWeight(String),
    #[error("{0:?} is not a kind: browse, order, cancel, oversized")]
    UnknownKind(String),
    #[error("{0:?} is not a whole number")]
    NotWholeNumber(String),
    #[error("the weights add up to zero")]
    ZeroTotal,
}

impl FromStr for Mix {
    type Err = MixError;
    fn from_str(s: &str) -> Result<Self, MixError> {
        let mut weights = Vec::new();
        for part in s.split(',').filter(|p| !p.trim().is_empty()) {
            let (name, weight) = part
                .split_once('=')
                .ok_or_else(|| MixError::NotKindWeight(part.to_string()))?;
            let kind = Kind::ALL
                .into_iter()
                .find(|k| k.name() == name.trim())
                .ok_or_else(|| MixError::UnknownKind(name.to_string()))?;
            let weight: u32 = weight
                .trim()
                .parse()
                .map_err(|_| MixError::NotWholeNumber(weight.to_string()))?;
            weights.push((kind, weight));
        }
        if weights.iter().map(|(_, w)| w).sum::<u32>() == 0 {
            return Err(MixError::ZeroTotal);
        }
        Ok(Self(weights))
    }
}

impl Mix {
    /// The kinds and weights as given, in the order given (the summary's `mix`).
    pub fn weights(&self) -> &[(Kind, u32)] {
        &self.0
    }

    pub fn pick(&self, rng: &mut StdRng) -> Kind {
        let total: u32 = self.0.iter().map(|(_, w)| w).sum();
        let mut n = rng.random_range(0..total);
        for &(kind, w) in &self.0 {
            if n < w {
                return kind;
            }
            n -= w;
        }
        self.0[0].0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_default_mix() {
        let mix: Mix = "browse=40,order=45,cancel=10,oversized=5".parse().unwrap();
        assert_eq!(
            mix.weights(),
            [
                (Kind::Browse, 40),
                (Kind::Order, 45),
                (Kind::Cancel, 10),
                (Kind::Oversized, 5)
            ]
        );
    }

    // scripts and people read these after clap's prefix: the wording is part of the CLI.
    #[test]
    fn errors_read_as_before() {
        let error = |s: &str| s.parse::<Mix>().unwrap_err().to_string();
        assert_eq!(error("a"), r#""a": write kind=weight"#);
        assert_eq!(
            error("foo=1"),
            r#""foo" is not a kind: browse, order, cancel, oversized"#
        );
        assert_eq!(error("order=x "), r#""x " is not a whole number"#);
        assert_eq!(error("order=0"), "the weights add up to zero");
    }
}
