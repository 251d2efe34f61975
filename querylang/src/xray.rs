//! X-Ray filter expressions: the keywords, functions and operators a learner uses
//! (docs/observability.md lists them), parsed into a [`Filter`] and compiled to a condition on
//! one trace's stored spans ([`compile`]).
//!
//! Over a whole trace: `fault`, `error`, `throttle` and `ok` hold when a span of the trace is one
//! (`ok`: none is); `responsetime` is the longest span's time in seconds and `duration` the
//! trace's, start to end; `http.*` and `annotation.KEY` hold when a span's attribute does. Inside
//! `service("name") { ... }` and `edge("a", "b") { ... }` every keyword is about that service's
//! span (the callee's, for an edge).

use crate::scan::{ParseError, Scanner, Tok};
use crate::sql::{Param, Statement};

/// Longest filter text, as in X-Ray.
pub const MAX_LENGTH: usize = 2_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `service("order")`, `service("order") { fault }`.
    Service(String, Option<Box<Filter>>),
    /// `edge("order", "stock")`: a span of the second called by one of the first.
    Edge(String, String, Option<Box<Filter>>),
    /// `fault`, `fault = false`.
    Flag(Flag, bool),
    Number(Numeric, Cmp, f64),
    Text(Textual, StrOp, String),
    Annotation(String, Value),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Fault,
    Error,
    Throttle,
    Ok,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numeric {
    ResponseTime,
    Duration,
    HttpStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Textual {
    HttpUrl,
    HttpMethod,
    HttpUserAgent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrOp {
    Eq,
    Ne,
    Contains,
    BeginsWith,
    EndsWith,
}

/// What an annotation is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(Cmp, f64),
    Text(StrOp, String),
    Bool(bool, bool),
}

const KEYWORDS: &str = "a keyword (fault, error, throttle, ok, responsetime, duration, http.status, http.url, http.method, http.useragent, annotation.KEY), service(\"name\") or edge(\"a\", \"b\")";

pub fn parse(text: &str) -> Result<Filter, ParseError> {
    let mut p = Parser {
        s: Scanner::bounded(text, MAX_LENGTH)?,
        depth: 0,
    };
    let filter = p.or()?;
    if *p.s.peek() != Tok::End {
        return Err(p.s.error("AND, OR or the end of the expression"));
    }
    Ok(filter)
}

struct Parser {
    s: Scanner,
    /// Nesting of braces: a service's filter holds no other service.
    depth: usize,
}

impl Parser {
    fn or(&mut self) -> Result<Filter, ParseError> {
        let mut left = self.and()?;
        while self.s.eat_word("or")? || self.s.eat("||")? {
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, ParseError> {
        let mut left = self.unary()?;
        while self.s.eat_word("and")? || self.s.eat("&&")? {
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, ParseError> {
        if self.s.eat("!")? {
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        if self.s.eat("(")? {
            let inner = self.or()?;
            self.s.expect(")")?;
            return Ok(inner);
        }
        self.predicate()
    }

    fn predicate(&mut self) -> Result<Filter, ParseError> {
        let at = self.s.position();
        let Tok::Name(word) = self.s.peek().clone() else {
            return Err(self.s.error(KEYWORDS));
        };
        let lower = word.to_ascii_lowercase();
        if lower == "service" || lower == "edge" {
            if self.depth > 0 {
                return Err(self
                    .s
                    .error("a keyword about this service's span, not another service"));
            }
            self.s.next()?;
            self.s.expect("(")?;
            let first = self.string()?;
            let second = if lower == "edge" {
                self.s.expect(",")?;
                Some(self.string()?)
            } else {
                None
            };
            self.s.expect(")")?;
            let inner = if self.s.eat("{")? {
                self.depth += 1;
                let inner = self.or()?;
                self.depth -= 1;
                self.s.expect("}")?;
                Some(Box::new(inner))
            } else {
                None
            };
            return Ok(match second {
                Some(second) => Filter::Edge(first, second, inner),
                None => Filter::Service(first, inner),
            });
        }
        self.s.next()?;
        let flag = match lower.as_str() {
            "fault" => Some(Flag::Fault),
            "error" => Some(Flag::Error),
            "throttle" => Some(Flag::Throttle),
            "ok" => Some(Flag::Ok),
            _ => None,
        };
        if let Some(flag) = flag {
            return Ok(match self.boolean_comparison()? {
                Some((equal, value)) => Filter::Flag(flag, equal == value),
                None => Filter::Flag(flag, true),
            });
        }
        let numeric = match lower.as_str() {
            "responsetime" => Some(Numeric::ResponseTime),
            "duration" => Some(Numeric::Duration),
            "http.status" => Some(Numeric::HttpStatus),
            _ => None,
        };
        if let Some(key) = numeric {
            let op = self.cmp()?;
            return Ok(Filter::Number(key, op, self.number()?));
        }
        let textual = match lower.as_str() {
            "http.url" => Some(Textual::HttpUrl),
            "http.method" => Some(Textual::HttpMethod),
            "http.useragent" => Some(Textual::HttpUserAgent),
            _ => None,
        };
        if let Some(key) = textual {
            let op = self.str_op()?;
            return Ok(Filter::Text(key, op, self.string()?));
        }
        if let Some(key) = word
            .strip_prefix("annotation.")
            .or(word.strip_prefix("annotation["))
            && !key.is_empty()
        {
            let key = key.to_string();
            if let Some((equal, value)) = self.boolean_comparison()? {
                return Ok(Filter::Annotation(key, Value::Bool(equal, value)));
            }
            if matches!(self.s.peek(), Tok::Name(_)) {
                let op = self.str_op()?;
                return Ok(Filter::Annotation(key, Value::Text(op, self.string()?)));
            }
            let op = self.cmp()?;
            return Ok(match self.s.peek().clone() {
                Tok::Str(s) => {
                    self.s.next()?;
                    let op = match op {
                        Cmp::Eq => StrOp::Eq,
                        Cmp::Ne => StrOp::Ne,
                        _ => return Err(self.s.error("a number after <, <=, > or >=")),
                    };
                    Filter::Annotation(key, Value::Text(op, s))
                }
                _ => Filter::Annotation(key, Value::Number(op, self.number()?)),
            });
        }
        Err(ParseError {
            position: at,
            expected: KEYWORDS.into(),
            found: format!("`{word}`"),
        })
    }

    /// `= true`, `!= false`: whether the operator is `=`, and the value.
    fn boolean_comparison(&mut self) -> Result<Option<(bool, bool)>, ParseError> {
        let equal = if self.s.is("=") || self.s.is("==") {
            true
        } else if self.s.is("!=") {
            false
        } else {
            return Ok(None);
        };
        let Tok::Name(value) = self.lookahead_after_operator() else {
            return Ok(None);
        };
        let value = match value.to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            _ => return Ok(None),
        };
        self.s.next()?;
        self.s.next()?;
        Ok(Some((equal, value)))
    }

    /// The token after the operator ahead, without taking either.
    fn lookahead_after_operator(&self) -> Tok {
        self.s.second()
    }

    fn cmp(&mut self) -> Result<Cmp, ParseError> {
        let op = match self.s.peek() {
            Tok::Sym("=") | Tok::Sym("==") => Cmp::Eq,
            Tok::Sym("!=") => Cmp::Ne,
            Tok::Sym("<") => Cmp::Lt,
            Tok::Sym("<=") => Cmp::Le,
            Tok::Sym(">") => Cmp::Gt,
            Tok::Sym(">=") => Cmp::Ge,
            _ => return Err(self.s.error("a comparison: =, !=, <, <=, > or >=")),
        };
        self.s.next()?;
        Ok(op)
    }

    fn str_op(&mut self) -> Result<StrOp, ParseError> {
        let op = match self.s.peek() {
            Tok::Sym("=") | Tok::Sym("==") => StrOp::Eq,
            Tok::Sym("!=") => StrOp::Ne,
            Tok::Name(w) if w.eq_ignore_ascii_case("contains") => StrOp::Contains,
            Tok::Name(w) if w.eq_ignore_ascii_case("beginswith") => StrOp::BeginsWith,
            Tok::Name(w) if w.eq_ignore_ascii_case("endswith") => StrOp::EndsWith,
            _ => {
                return Err(self.s.error("=, !=, CONTAINS, BEGINSWITH or ENDSWITH"));
            }
        };
        self.s.next()?;
        Ok(op)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        match self.s.peek().clone() {
            Tok::Str(s) => {
                self.s.next()?;
                Ok(s)
            }
            _ => Err(self.s.error("a \"string\"")),
        }
    }

    fn number(&mut self) -> Result<f64, ParseError> {
        let negative = self.s.eat("-")?;
        match self.s.peek().clone() {
            Tok::Number(n) if n.is_finite() => {
                self.s.next()?;
                Ok(if negative { -n } else { n })
            }
            _ => Err(self.s.error("a number")),
        }
    }
}

/// A span's HTTP status, whichever convention its attributes follow.
const STATUS: &str = "observe.num(COALESCE(s.attributes -> 'http.response.status_code', s.attributes -> 'http.status_code', s.attributes -> 'http.status'))";

/// Writes `filter` as a condition on one trace's spans: `s`, grouped by `trace_id`, in
/// `spans` (the table, for edges).
pub fn compile(filter: &Filter, st: &mut Statement, spans: &'static str) {
    Trace { st, spans }.filter(filter);
}

struct Trace<'a> {
    st: &'a mut Statement,
    spans: &'static str,
}

impl Trace<'_> {
    /// A condition over the group of a trace's spans.
    fn filter(&mut self, filter: &Filter) {
        match filter {
            Filter::And(a, b) | Filter::Or(a, b) => {
                self.st.push("(");
                self.filter(a);
                self.st.push(if matches!(filter, Filter::And(..)) {
                    " AND "
                } else {
                    " OR "
                });
                self.filter(b);
                self.st.push(")");
            }
            Filter::Not(inner) => {
                self.st.push("(NOT ");
                self.filter(inner);
                self.st.push(")");
            }
            Filter::Flag(Flag::Ok, expected) => {
                // ok: no span of the trace failed.
                self.st.push(if *expected {
                    "(NOT bool_or("
                } else {
                    "(bool_or("
                });
                span_failed(self.st);
                self.st.push("))");
            }
            Filter::Number(Numeric::ResponseTime, cmp, n) => {
                self.st.push("(max(s.duration_ms) / 1000.0 ");
                compare(self.st, *cmp, *n);
            }
            Filter::Number(Numeric::Duration, cmp, n) => {
                self.st
                    .push("(EXTRACT(EPOCH FROM max(s.end_time) - min(s.start_time)) ");
                compare(self.st, *cmp, *n);
            }
            Filter::Service(name, inner) => {
                self.st
                    .push("COALESCE(bool_or(s.service = ")
                    .bind_text(name);
                if let Some(inner) = inner {
                    self.st.push(" AND ");
                    span(self.st, inner);
                }
                self.st.push("), false)");
            }
            Filter::Edge(from, to, inner) => {
                self.st
                    .push("COALESCE(bool_or(s.service = ")
                    .bind_text(to)
                    .push(" AND EXISTS (SELECT 1 FROM ")
                    .push(self.spans)
                    .push(" p WHERE p.trace_id = s.trace_id AND p.span_id = s.parent_span_id AND p.service = ")
                    .bind_text(from)
                    .push(")");
                if let Some(inner) = inner {
                    self.st.push(" AND ");
                    span(self.st, inner);
                }
                self.st.push("), false)");
            }
            // The rest hold for the trace when they hold for one of its spans.
            other => {
                self.st.push("COALESCE(bool_or(");
                span(self.st, other);
                self.st.push("), false)");
            }
        }
    }
}

/// Whether span `s` failed: a fault, an error or a throttle.
fn span_failed(st: &mut Statement) {
    st.push("(s.status = 'error' OR COALESCE(")
        .push(STATUS)
        .push(" >= 400, false))");
}

/// A condition on one span, `s`.
fn span(st: &mut Statement, filter: &Filter) {
    match filter {
        Filter::And(a, b) | Filter::Or(a, b) => {
            st.push("(");
            span(st, a);
            st.push(if matches!(filter, Filter::And(..)) {
                " AND "
            } else {
                " OR "
            });
            span(st, b);
            st.push(")");
        }
        Filter::Not(inner) => {
            st.push("(NOT ");
            span(st, inner);
            st.push(")");
        }
        Filter::Flag(flag, expected) => {
            st.push(if *expected {
                "COALESCE("
            } else {
                "NOT COALESCE("
            });
            match flag {
                // A fault: the span's status is error and it is not a client's error, or a 5xx.
                Flag::Fault => {
                    st.push("(s.status = 'error' AND NOT COALESCE(")
                        .push(STATUS)
                        .push(" BETWEEN 400 AND 499, false)) OR ")
                        .push(STATUS)
                        .push(" >= 500");
                }
                Flag::Error => {
                    st.push(STATUS).push(" BETWEEN 400 AND 499");
                }
                Flag::Throttle => {
                    st.push(STATUS).push(" = 429");
                }
                Flag::Ok => {
                    st.push("NOT ");
                    span_failed(st);
                }
            }
            st.push(", false)");
        }
        Filter::Number(key, cmp, n) => {
            st.push("(");
            st.push(match key {
                Numeric::ResponseTime | Numeric::Duration => "s.duration_ms / 1000.0 ",
                Numeric::HttpStatus => STATUS,
            });
            if *key == Numeric::HttpStatus {
                st.push(" ");
            }
            compare(st, *cmp, *n);
        }
        Filter::Text(key, op, value) => {
            let column = match key {
                Textual::HttpUrl => {
                    "COALESCE(s.attributes ->> 'url.full', s.attributes ->> 'http.url', s.attributes ->> 'url.path', s.attributes ->> 'http.target')"
                }
                Textual::HttpMethod => {
                    "COALESCE(s.attributes ->> 'http.request.method', s.attributes ->> 'http.method')"
                }
                Textual::HttpUserAgent => {
                    "COALESCE(s.attributes ->> 'user_agent.original', s.attributes ->> 'http.user_agent')"
                }
            };
            text_condition(st, *op, value, |st| {
                st.push(column);
            });
        }
        Filter::Annotation(key, value) => match value {
            Value::Number(cmp, n) => {
                st.push("(observe.num(s.attributes -> ")
                    .bind_text(key)
                    .push(") ");
                compare(st, *cmp, *n);
            }
            Value::Text(op, text) => text_condition(st, *op, text, |st| {
                st.push("(s.attributes ->> ").bind_text(key).push(")");
            }),
            Value::Bool(equal, value) => {
                st.push("COALESCE((s.attributes ->> ")
                    .bind_text(key)
                    .push(") ");
                st.push(if *equal { "= " } else { "<> " });
                st.bind_text(if *value { "true" } else { "false" })
                    .push(", false)");
            }
        },
        // A service inside a service's braces is refused by the parser.
        Filter::Service(..) | Filter::Edge(..) => {
            st.push("false");
        }
    }
}

/// ` <op> n)`: closes the parenthesis its caller opened.
fn compare(st: &mut Statement, cmp: Cmp, n: f64) {
    st.push(match cmp {
        Cmp::Eq => "= ",
        Cmp::Ne => "<> ",
        Cmp::Lt => "< ",
        Cmp::Le => "<= ",
        Cmp::Gt => "> ",
        Cmp::Ge => ">= ",
    })
    .bind(Param::Number(n))
    .push("::numeric)");
}

/// A string operator on the text `column` writes; false when the text is absent. X-Ray's
/// string operators are case-sensitive, as strpos, starts_with and right are.
fn text_condition(st: &mut Statement, op: StrOp, value: &str, column: impl Fn(&mut Statement)) {
    st.push("COALESCE(");
    match op {
        StrOp::Eq | StrOp::Ne => {
            column(st);
            st.push(if op == StrOp::Eq { " = " } else { " <> " })
                .bind_text(value);
        }
        StrOp::Contains => {
            st.push("strpos(");
            column(st);
            st.push(", ").bind_text(value).push(") > 0");
        }
        StrOp::BeginsWith => {
            st.push("starts_with(");
            column(st);
            st.push(", ").bind_text(value).push(")");
        }
        StrOp::EndsWith => {
            st.push("right(");
            column(st);
            st.push(", length(")
                .bind_text(value)
                .push(")) = ")
                .bind_text(value);
        }
    }
    st.push(", false)");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_forms_parse() {
        assert_eq!(
            parse("service(\"order\") { fault }").unwrap(),
            Filter::Service(
                "order".into(),
                Some(Box::new(Filter::Flag(Flag::Fault, true)))
            )
        );
        assert_eq!(
            parse("annotation.order_id = \"o-1\"").unwrap(),
            Filter::Annotation("order_id".into(), Value::Text(StrOp::Eq, "o-1".into()))
        );
        assert_eq!(
            parse("fault = false").unwrap(),
            Filter::Flag(Flag::Fault, false)
        );
        assert_eq!(
            parse("!ok AND responsetime >= 0.5 OR http.url CONTAINS \"/api/orders\"").unwrap(),
            Filter::Or(
                Box::new(Filter::And(
                    Box::new(Filter::Not(Box::new(Filter::Flag(Flag::Ok, true)))),
                    Box::new(Filter::Number(Numeric::ResponseTime, Cmp::Ge, 0.5))
                )),
                Box::new(Filter::Text(
                    Textual::HttpUrl,
                    StrOp::Contains,
                    "/api/orders".into()
                ))
            )
        );
        assert!(matches!(
            parse("edge(\"order\", \"stock-projector\") { responsetime > 1 }").unwrap(),
            Filter::Edge(a, b, Some(_)) if a == "order" && b == "stock-projector"
        ));
        assert_eq!(
            parse("annotation.attempt >= 2").unwrap(),
            Filter::Annotation("attempt".into(), Value::Number(Cmp::Ge, 2.0))
        );
    }

    #[test]
    fn errors_say_where_and_what_was_expected() {
        let e = parse("service(order)").unwrap_err();
        assert_eq!(e.position, 9);
        assert!(e.expected.contains("string"), "{e}");
        let e = parse("responsetime > ").unwrap_err();
        assert_eq!((e.position, e.expected.as_str()), (16, "a number"));
        let e = parse("service(\"a\") { service(\"b\") }").unwrap_err();
        assert_eq!(e.position, 16);
        let e = parse("rootcause.fault.entity.name = \"x\"").unwrap_err();
        assert!(e.expected.starts_with("a keyword"), "{e}");
        let e = parse("fault fault").unwrap_err();
        assert_eq!(e.position, 7);
    }

    #[test]
    fn user_text_is_only_ever_a_parameter() {
        let filter =
            parse("annotation.x = \"'; DROP TABLE observe.spans; --\" AND service(\"a'b\")")
                .unwrap();
        let mut st = Statement::new();
        compile(&filter, &mut st, "observe.spans");
        assert!(!st.text().contains("DROP"), "{}", st.text());
        assert!(!st.text().contains("a'b"));
        assert_eq!(st.params().len(), 3);
    }
}
