//! CloudWatch Logs Insights queries: the commands, operators and functions a learner uses
//! (docs/observability.md lists them and what is left out), parsed into a [`Query`] and
//! compiled over log records ([`compile`]).
//!
//! A record is what Logs Insights discovers in one JSON log line: every key of the line is a
//! field (`level`, `message`, `trace_id`, `order_id`, ...), a nested key is reached with dots,
//! and the system fields are `@timestamp`, `@message` (the whole line), `@logStream` and `@log`.

mod compile;
mod parse;

pub use compile::{Chart, Compiled, MAX_ROWS, compile};
pub use parse::parse;

/// A query: its commands, in pipe order.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub commands: Vec<Command>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `fields a, strlen(b) as n`: fields to show, and new ones computed.
    Fields(Vec<Named>),
    /// `display a, b`: only these, in this order.
    Display(Vec<String>),
    Filter(Expr),
    /// `stats count(*) as n, avg(x) by bin(5m), service`.
    Stats {
        aggregates: Vec<Named>,
        by: Vec<Named>,
    },
    Sort(Vec<(Expr, Direction)>),
    Limit(u32),
    /// `parse @message "user=* id=*" as user, id` or `parse @message /id=(?<id>\d+)/`.
    Parse {
        source: Expr,
        pattern: String,
        names: Vec<String>,
    },
    Dedup(Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

/// An expression and the name its result goes by: its alias, or its own text (`count(*)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub expr: Expr,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Field(String),
    Str(String),
    Number(f64),
    /// A time period in seconds (`5m` is 300): only as an argument of the time functions.
    Period(f64),
    Regex(String),
    Not(Box<Expr>),
    Negate(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
    In {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    /// A function call; the name is lower case.
    Call(String, Vec<Expr>),
    /// `count(*)`.
    Star,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Like,
    NotLike,
    Matches,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

/// The aggregate functions of `stats`.
pub const AGGREGATES: &[&str] = &[
    "count",
    "count_distinct",
    "sum",
    "avg",
    "min",
    "max",
    "pct",
    "stddev",
    "earliest",
    "latest",
];

/// The other functions.
pub const FUNCTIONS: &[&str] = &[
    "ispresent",
    "isempty",
    "isblank",
    "coalesce",
    "strlen",
    "toupper",
    "tolower",
    "trim",
    "ltrim",
    "rtrim",
    "concat",
    "substr",
    "replace",
    "strcontains",
    "abs",
    "ceil",
    "floor",
    "greatest",
    "least",
    "bin",
    "datefloor",
    "dateceil",
    "frommillis",
    "tomillis",
];

/// Commands of Logs Insights that the local console does not run: a query using one answers
/// that it is left out, by name.
pub const LEFT_OUT: &[&str] = &[
    "pattern",
    "diff",
    "anomaly",
    "unmask",
    "unnest",
    "lookup",
    "filterindex",
    "source",
    "fieldindex",
];
