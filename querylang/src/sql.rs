//! The one way this crate writes SQL: a statement built from `&'static str` pieces (the
//! compiler's own text) and bound parameters (everything else). Nothing a user typed can reach
//! the statement's text, because the only method that appends text takes a `&'static str`.

use std::fmt::Write as _;

/// A value bound to a `$n` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Text(String),
    Number(f64),
    Int(i64),
    Texts(Vec<String>),
    Numbers(Vec<f64>),
}

/// One statement and its parameters, in placeholder order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statement {
    text: String,
    params: Vec<Param>,
}

impl Statement {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// Appends the compiler's own SQL.
    pub fn push(&mut self, sql: &'static str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    /// Appends a placeholder for `param`, cast to its type so PostgreSQL never guesses.
    pub fn bind(&mut self, param: Param) -> &mut Self {
        let cast = match &param {
            Param::Text(_) => "text",
            Param::Number(_) => "float8",
            Param::Int(_) => "int8",
            Param::Texts(_) => "text[]",
            Param::Numbers(_) => "float8[]",
        };
        self.params.push(param);
        let _ = write!(self.text, "(${}::{cast})", self.params.len());
        self
    }

    pub fn bind_text(&mut self, text: impl Into<String>) -> &mut Self {
        self.bind(Param::Text(text.into()))
    }

    /// Appends a name of the compiler's own making: `prefix` and a number (`s3`, `g1`).
    pub fn name(&mut self, prefix: &'static str, n: usize) -> &mut Self {
        let _ = write!(self.text, "{prefix}{n}");
        self
    }
}
