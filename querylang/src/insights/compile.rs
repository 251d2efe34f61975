//! [`Query`] to one PostgreSQL statement. Each command is one step of a `WITH` chain over rows
//! of `(o, ts, r)`: `o` the rows' order, `ts` the record's time (`@timestamp`; a `bin()` after
//! `stats`) and `r` the record's fields as a JSON object. A field's value is as dynamic as in
//! Logs Insights: compared with a number it is read as a number, with a string as text.

use thiserror::Error;

use super::{Command, Direction, Expr, Named, Op, Query};
use crate::sql::{Param, Statement};

/// Most rows a query answers (`limit` at most), as in CloudWatch; without `limit`,
/// [`DEFAULT_ROWS`].
pub const MAX_ROWS: u32 = 10_000;
pub const DEFAULT_ROWS: u32 = 1_000;
/// Most fields a result shows.
const MAX_FIELDS: usize = 50;

/// A query that parses and cannot run here: a period outside a time function, say.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct CompileError(pub String);

/// The compiled query. Its statement answers one row: `scanned` and `matched` (int8) and
/// `rows`, a JSON array of rows, each an array of text or null, one per field of `fields`.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    pub statement: Statement,
    pub fields: Vec<String>,
    /// Set when the last `stats` groups by `bin()`: the result is a time series.
    pub chart: Option<Chart>,
}

/// How a `stats ... by bin()` result is drawn: over time, a line per value and group.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub time_field: String,
    pub value_fields: Vec<String>,
    pub group_fields: Vec<String>,
}

/// What an expression is in SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A field's value as found: jsonb, SQL NULL when absent.
    Json,
    Text,
    Num,
    Bool,
    Time,
}

/// SQL around a `from` value that makes it a `to` one.
fn convert(from: Kind, to: Kind) -> (&'static str, &'static str) {
    use Kind::*;
    match (from, to) {
        (a, b) if a == b => ("(", ")"),
        (Json, Text) => ("(", " #>> '{}')"),
        (Json, Num) => ("observe.num(", ")"),
        (Json, Bool) | (Text, Bool) => (
            "COALESCE((",
            ")::text NOT IN ('false', '0', '', '\"false\"'), false)",
        ),
        (Json, Time) => ("to_timestamp(observe.num(", ") / 1000)"),
        (Text, Json) => ("to_jsonb((", ")::text)"),
        (Text, Num) => ("observe.num(to_jsonb((", ")::text))"),
        (Text, Time) => ("to_timestamp(observe.num(to_jsonb((", ")::text)) / 1000)"),
        (Num, Json) => ("to_jsonb((", ")::numeric)"),
        (Num, Text) | (Bool, Text) => ("((", ")::text)"),
        (Num, Bool) => ("COALESCE((", ") <> 0, false)"),
        (Num, Time) => ("to_timestamp((", ") / 1000)"),
        (Bool, Json) => ("to_jsonb((", ")::boolean)"),
        (Bool, Num) => ("((", ")::int::numeric)"),
        (Bool, Time) => ("(CASE WHEN (", ") THEN NULL::timestamptz END)"),
        (Time, Text) => (
            "to_char((",
            ") AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS')",
        ),
        (Time, Json) => (
            "to_jsonb(to_char((",
            ") AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'))",
        ),
        (Time, Num) => ("(extract(epoch FROM (", ")) * 1000)"),
        (Time, Bool) => ("((", ") IS NOT NULL)"),
        _ => unreachable!("every pair of kinds is covered"),
    }
}

/// Compiles `query` over the records that `source` selects: a `SELECT` of `o` (1 for the row
/// shown first when nothing sorts), `ts` (timestamptz) and `r` (jsonb, the system fields
/// `@message`, `@logStream` and `@log` included; `@timestamp` is `ts`).
pub fn compile(
    query: &Query,
    source: impl FnOnce(&mut Statement),
) -> Result<Compiled, CompileError> {
    let mut c = Compiler {
        st: Statement::new(),
        stage: 0,
    };
    c.st.push("WITH s0 AS (");
    source(&mut c.st);
    c.st.push(")");
    let mut shown: Vec<String> = Vec::new();
    let mut displayed = false;
    let mut matched = None;
    let mut chart = None;
    let mut rows = DEFAULT_ROWS;
    for command in &query.commands {
        match command {
            Command::Fields(list) => {
                for named in list {
                    if !shown.contains(&named.name) {
                        shown.push(named.name.clone());
                    }
                }
                c.fields(list)?;
            }
            Command::Display(names) => {
                shown = names.clone();
                displayed = true;
            }
            Command::Filter(condition) => c.filter(condition)?,
            Command::Stats { aggregates, by } => {
                matched.get_or_insert(c.stage);
                chart = c.stats(aggregates, by)?;
                if !displayed {
                    shown = by
                        .iter()
                        .chain(aggregates)
                        .map(|n| n.name.clone())
                        .collect();
                }
            }
            Command::Sort(keys) => c.sort(keys)?,
            Command::Limit(n) => {
                matched.get_or_insert(c.stage);
                rows = *n;
                c.limit(*n)
            }
            Command::Parse {
                source,
                pattern,
                names,
            } => {
                for name in names {
                    if !shown.contains(name) && !displayed {
                        shown.push(name.clone());
                    }
                }
                c.parse(source, pattern, names)?;
            }
            Command::Dedup(keys) => c.dedup(keys)?,
        }
    }
    if shown.is_empty() {
        shown = vec!["@timestamp".into(), "@message".into()];
    }
    if shown.len() > MAX_FIELDS {
        return Err(CompileError(format!(
            "at most {MAX_FIELDS} fields in a result, not {}",
            shown.len()
        )));
    }
    let matched = matched.unwrap_or(c.stage);
    let last = c.stage;
    let st = &mut c.st;
    st.push(" SELECT (SELECT count(*) FROM s0)::int8 AS scanned, (SELECT count(*) FROM ")
        .name("s", matched)
        .push(")::int8 AS matched, COALESCE((SELECT jsonb_agg(t.v ORDER BY t.o) FROM (SELECT o, jsonb_build_array(");
    for (i, name) in shown.iter().enumerate() {
        if i > 0 {
            c.st.push(", ");
        }
        c.emit(&Expr::Field(name.clone()), Kind::Text)?;
    }
    c.st.push(") AS v FROM ")
        .name("s", last)
        .push(" ORDER BY o LIMIT ")
        .bind(Param::Int(i64::from(rows.min(MAX_ROWS))))
        .push(") t), '[]'::jsonb) AS rows");
    Ok(Compiled {
        statement: c.st,
        fields: shown,
        chart,
    })
}

struct Compiler {
    st: Statement,
    /// The last step written: `s<stage>`.
    stage: usize,
}

fn err<T>(message: impl Into<String>) -> Result<T, CompileError> {
    Err(CompileError(message.into()))
}

impl Compiler {
    /// Opens the next step: `, s<n> AS (`.
    fn step(&mut self) {
        self.stage += 1;
        self.st.push(", ").name("s", self.stage).push(" AS (");
    }

    fn prev(&mut self) {
        self.st.name("s", self.stage - 1);
    }

    fn fields(&mut self, list: &[Named]) -> Result<(), CompileError> {
        let computed: Vec<&Named> = list
            .iter()
            .filter(|n| !matches!(&n.expr, Expr::Field(f) if *f == n.name))
            .collect();
        if computed.is_empty() {
            return Ok(());
        }
        self.step();
        self.st.push("SELECT o, ts, r || jsonb_build_object(");
        self.pairs(&computed)?;
        self.st.push(") AS r FROM ");
        self.prev();
        self.st.push(")");
        Ok(())
    }

    /// `'name', value, ...` for jsonb_build_object.
    fn pairs(&mut self, list: &[&Named]) -> Result<(), CompileError> {
        for (i, named) in list.iter().enumerate() {
            if i > 0 {
                self.st.push(", ");
            }
            self.st.bind_text(&named.name).push(", ");
            self.emit(&named.expr, Kind::Json)?;
        }
        Ok(())
    }

    fn filter(&mut self, condition: &Expr) -> Result<(), CompileError> {
        self.step();
        self.st.push("SELECT o, ts, r FROM ");
        self.prev();
        self.st.push(" WHERE ");
        self.emit(condition, Kind::Bool)?;
        self.st.push(")");
        Ok(())
    }

    fn limit(&mut self, n: u32) {
        self.step();
        self.st.push("SELECT o, ts, r FROM ");
        self.prev();
        self.st
            .push(" ORDER BY o LIMIT ")
            .bind(Param::Int(i64::from(n)))
            .push(")");
    }

    fn sort(&mut self, keys: &[(Expr, Direction)]) -> Result<(), CompileError> {
        self.step();
        self.st.push("SELECT row_number() OVER (ORDER BY ");
        for (expr, direction) in keys {
            let dir = match direction {
                Direction::Asc => " ASC NULLS LAST, ",
                Direction::Desc => " DESC NULLS LAST, ",
            };
            match natural(expr)? {
                kind @ (Kind::Time | Kind::Num) => {
                    self.emit(expr, kind)?;
                    self.st.push(dir);
                }
                _ => {
                    // As CloudWatch sorts: text before numbers going up, numbers by value; and
                    // records without the field last either way.
                    self.st.push("(");
                    self.emit(expr, Kind::Json)?;
                    self.st.push(") IS NULL, (");
                    self.emit(expr, Kind::Num)?;
                    self.st.push(") IS NOT NULL").push(dir);
                    self.emit(expr, Kind::Num)?;
                    self.st.push(dir);
                    self.emit(expr, Kind::Text)?;
                    self.st.push(dir);
                }
            }
        }
        self.st.push("o) AS o, ts, r FROM ");
        self.prev();
        self.st.push(")");
        Ok(())
    }

    fn dedup(&mut self, keys: &[Expr]) -> Result<(), CompileError> {
        self.step();
        self.st
            .push("SELECT o, ts, r FROM (SELECT o, ts, r, row_number() OVER (PARTITION BY ");
        for (i, key) in keys.iter().enumerate() {
            if i > 0 {
                self.st.push(", ");
            }
            self.emit(key, Kind::Text)?;
        }
        self.st.push(" ORDER BY o) AS d FROM ");
        self.prev();
        self.st.push(") x WHERE d = 1)");
        Ok(())
    }

    fn parse(
        &mut self,
        source: &Expr,
        pattern: &str,
        names: &[String],
    ) -> Result<(), CompileError> {
        if names.len() > MAX_FIELDS {
            return err(format!("at most {MAX_FIELDS} fields from one parse"));
        }
        self.step();
        self.st.push(
            "SELECT o, ts, CASE WHEN x.m IS NULL THEN r ELSE r || jsonb_strip_nulls(jsonb_build_object(",
        );
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                self.st.push(", ");
            }
            self.st
                .bind_text(name)
                .push(", ")
                .name("x.m[", i + 1)
                .push("]");
        }
        self.st.push(")) END AS r FROM ");
        self.prev();
        self.st.push(" LEFT JOIN LATERAL (SELECT regexp_match(");
        self.emit(source, Kind::Text)?;
        self.st
            .push(", ")
            .bind_text(pattern)
            .push(") AS m) x ON true)");
        Ok(())
    }

    fn stats(&mut self, aggregates: &[Named], by: &[Named]) -> Result<Option<Chart>, CompileError> {
        if by.len() + aggregates.len() > MAX_FIELDS {
            return err(format!("at most {MAX_FIELDS} fields from one stats"));
        }
        let kinds: Vec<Kind> = by
            .iter()
            .map(|n| natural(&n.expr))
            .collect::<Result<_, _>>()?;
        let time = kinds.iter().position(|k| *k == Kind::Time);
        self.step();
        self.st.push("SELECT row_number() OVER (ORDER BY ");
        match time {
            Some(t) => {
                self.st.name("x.g", t).push(" DESC, ");
            }
            None => {
                self.st.push("1, ");
            }
        }
        for i in 0..by.len() {
            self.st.name("x.g", i).push(", ");
        }
        self.st.push("1) AS o, ");
        match time {
            Some(t) => self.st.name("x.g", t),
            None => self.st.push("NULL::timestamptz"),
        };
        self.st.push(" AS ts, jsonb_build_object(");
        for (i, (named, kind)) in by.iter().zip(&kinds).enumerate() {
            let (open, close) = convert(*kind, Kind::Json);
            self.st
                .bind_text(&named.name)
                .push(", ")
                .push(open)
                .name("x.g", i)
                .push(close)
                .push(", ");
        }
        for (i, named) in aggregates.iter().enumerate() {
            if i > 0 {
                self.st.push(", ");
            }
            let Expr::Call(name, args) = &named.expr else {
                return err("stats takes aggregate functions");
            };
            self.st.bind_text(&named.name).push(", ");
            let kind = natural_aggregate(name, args)?;
            let (open, close) = convert(kind, Kind::Json);
            self.st.push(open);
            self.aggregate(name, args)?;
            self.st.push(close);
        }
        self.st.push(") AS r FROM (SELECT ts, r");
        for (i, (named, kind)) in by.iter().zip(&kinds).enumerate() {
            self.st.push(", ");
            self.emit(&named.expr, *kind)?;
            self.st.push(" AS ").name("g", i);
        }
        self.st.push(" FROM ");
        self.prev();
        self.st.push(") x");
        if !by.is_empty() {
            self.st.push(" GROUP BY ");
            for i in 0..by.len() {
                if i > 0 {
                    self.st.push(", ");
                }
                self.st.name("x.g", i);
            }
        }
        self.st.push(")");
        Ok(time.map(|t| Chart {
            time_field: by[t].name.clone(),
            value_fields: aggregates.iter().map(|a| a.name.clone()).collect(),
            group_fields: by
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != t)
                .map(|(_, n)| n.name.clone())
                .collect(),
        }))
    }

    fn aggregate(&mut self, name: &str, args: &[Expr]) -> Result<(), CompileError> {
        let arg = args.first();
        match (name, arg) {
            ("count", None | Some(Expr::Star)) => {
                self.st.push("count(*)");
            }
            ("count", Some(e)) => {
                self.st.push("count(");
                self.emit(e, Kind::Json)?;
                self.st.push(")");
            }
            ("count_distinct", Some(e)) => {
                self.st.push("count(DISTINCT ");
                self.emit(e, Kind::Text)?;
                self.st.push(")");
            }
            ("sum" | "avg" | "stddev", Some(e)) => {
                self.st.push(match name {
                    "sum" => "sum(",
                    "avg" => "trim_scale(round(avg(",
                    _ => "trim_scale(round(stddev_samp(",
                });
                self.emit(e, Kind::Num)?;
                self.st.push(if name == "sum" { ")" } else { "), 6))" });
            }
            ("min" | "max", Some(e)) => {
                let kind = if natural(e)? == Kind::Time {
                    Kind::Time
                } else {
                    Kind::Num
                };
                self.st.push(if name == "min" { "min(" } else { "max(" });
                self.emit(e, kind)?;
                self.st.push(")");
            }
            ("pct", Some(e)) => {
                let Some(Expr::Number(p)) = args.get(1) else {
                    return err("pct() takes a percentile from 0 to 100 as its second argument");
                };
                if !(0.0..=100.0).contains(p) {
                    return err("pct() takes a percentile from 0 to 100 as its second argument");
                }
                self.st
                    .push("trim_scale(round((percentile_cont(")
                    .bind(Param::Number(p / 100.0))
                    .push(") WITHIN GROUP (ORDER BY ");
                self.emit(e, Kind::Num)?;
                self.st.push("))::numeric, 6))");
            }
            ("earliest" | "latest", Some(e)) => {
                self.st.push("(array_agg(");
                self.emit(e, Kind::Json)?;
                self.st.push(if name == "earliest" {
                    " ORDER BY ts ASC) FILTER (WHERE "
                } else {
                    " ORDER BY ts DESC) FILTER (WHERE "
                });
                self.emit(e, Kind::Json)?;
                self.st.push(" IS NOT NULL))[1]");
            }
            _ => return err(format!("{name}() needs a field")),
        }
        Ok(())
    }

    /// Writes `expr` as a `want`.
    fn emit(&mut self, expr: &Expr, want: Kind) -> Result<(), CompileError> {
        let kind = natural(expr)?;
        let (open, close) = convert(kind, want);
        self.st.push(open);
        self.natural(expr)?;
        self.st.push(close);
        Ok(())
    }

    /// Writes `expr` as its own kind.
    fn natural(&mut self, expr: &Expr) -> Result<(), CompileError> {
        match expr {
            Expr::Field(name) if name == "@timestamp" => {
                self.st.push("ts");
            }
            Expr::Field(name) => {
                self.st.push("observe.field(r, ").bind_text(name).push(")");
            }
            Expr::Str(s) => {
                self.st.bind_text(s);
            }
            Expr::Number(n) => {
                self.st.bind(Param::Number(*n)).push("::numeric");
            }
            Expr::Period(_) => {
                return err("a time period (5m) goes only in bin(), datefloor() or dateceil()");
            }
            Expr::Regex(_) => {
                return err("a /regular expression/ goes only after like or =~, or in parse");
            }
            Expr::Star => return err("`*` goes only in count(*)"),
            Expr::Not(e) => {
                self.st.push("NOT ");
                self.emit(e, Kind::Bool)?;
            }
            Expr::Negate(e) => {
                self.st.push("-");
                self.emit(e, Kind::Num)?;
            }
            Expr::Binary(op, a, b) => self.binary(*op, a, b)?,
            Expr::In {
                expr,
                list,
                negated,
            } => {
                if *negated {
                    self.st.push("NOT ");
                }
                let numbers: Option<Vec<f64>> = list
                    .iter()
                    .map(|e| match e {
                        Expr::Number(n) => Some(*n),
                        _ => None,
                    })
                    .collect();
                match numbers {
                    Some(numbers) => {
                        self.emit(expr, Kind::Num)?;
                        self.st
                            .push(" = ANY(")
                            .bind(Param::Numbers(numbers))
                            .push("::numeric[])");
                    }
                    None => {
                        let texts = list
                            .iter()
                            .map(|e| match e {
                                Expr::Str(s) => s.clone(),
                                Expr::Number(n) => n.to_string(),
                                _ => String::new(),
                            })
                            .collect();
                        self.emit(expr, Kind::Text)?;
                        self.st.push(" = ANY(").bind(Param::Texts(texts)).push(")");
                    }
                }
            }
            Expr::Call(name, args) => self.call(name, args)?,
        }
        Ok(())
    }

    fn binary(&mut self, op: Op, a: &Expr, b: &Expr) -> Result<(), CompileError> {
        match op {
            Op::And | Op::Or => {
                self.emit(a, Kind::Bool)?;
                self.st.push(if op == Op::And { " AND " } else { " OR " });
                self.emit(b, Kind::Bool)?;
            }
            Op::Like | Op::NotLike | Op::Matches => {
                if op == Op::NotLike {
                    self.st.push("NOT ");
                }
                match (op, b) {
                    (Op::Like | Op::NotLike, Expr::Str(s)) => {
                        self.st.push("strpos(");
                        self.emit(a, Kind::Text)?;
                        self.st.push(", ").bind_text(s).push(") > 0");
                    }
                    (_, Expr::Str(pattern) | Expr::Regex(pattern)) => {
                        self.emit(a, Kind::Text)?;
                        self.st.push(" ~ ").bind_text(pattern);
                    }
                    _ => return err("like and =~ take a string or a /regular expression/"),
                }
            }
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod | Op::Pow => {
                let (open, middle, close) = match op {
                    Op::Add => ("", " + ", ""),
                    Op::Sub => ("", " - ", ""),
                    Op::Mul => ("", " * ", ""),
                    Op::Div => ("", " / NULLIF(", ", 0)"),
                    Op::Mod => ("mod(", ", NULLIF(", ", 0))"),
                    _ => ("power(", ", ", ")"),
                };
                self.st.push(open);
                self.emit(a, Kind::Num)?;
                self.st.push(middle);
                self.emit(b, Kind::Num)?;
                self.st.push(close);
            }
            Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                let kind = comparison_kind(op, natural(a)?, natural(b)?);
                self.emit(a, kind)?;
                self.st.push(match op {
                    Op::Eq => " = ",
                    Op::Ne => " <> ",
                    Op::Lt => " < ",
                    Op::Le => " <= ",
                    Op::Gt => " > ",
                    _ => " >= ",
                });
                self.emit(b, kind)?;
            }
        }
        Ok(())
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> Result<(), CompileError> {
        if super::AGGREGATES.contains(&name) {
            return err(format!("{name}() is an aggregate: it goes only in stats"));
        }
        let one = |kind: Kind, sql: &'static str| (kind, sql);
        let (arg_kind, open) = match name {
            "ispresent" => {
                self.emit(&args[0], Kind::Json)?;
                self.st.push(" IS NOT NULL");
                return Ok(());
            }
            "isempty" | "isblank" => {
                self.st.push(if name == "isempty" {
                    "COALESCE("
                } else {
                    "btrim(COALESCE("
                });
                self.emit(&args[0], Kind::Text)?;
                self.st.push(if name == "isempty" {
                    ", '') = ''"
                } else {
                    ", '')) = ''"
                });
                return Ok(());
            }
            "strlen" => one(Kind::Text, "length("),
            "toupper" => one(Kind::Text, "upper("),
            "tolower" => one(Kind::Text, "lower("),
            "trim" => one(Kind::Text, "btrim("),
            "ltrim" => one(Kind::Text, "ltrim("),
            "rtrim" => one(Kind::Text, "rtrim("),
            "abs" => one(Kind::Num, "abs("),
            "ceil" => one(Kind::Num, "ceil("),
            "floor" => one(Kind::Num, "floor("),
            "frommillis" => one(Kind::Num, "to_timestamp(0.001 * "),
            "tomillis" => one(Kind::Time, "1000 * extract(epoch FROM "),
            "concat" => one(Kind::Text, "concat("),
            "coalesce" => one(Kind::Json, "COALESCE("),
            "greatest" => one(Kind::Num, "GREATEST("),
            "least" => one(Kind::Num, "LEAST("),
            "replace" => one(Kind::Text, "replace("),
            "strcontains" => one(Kind::Text, "(strpos("),
            "substr" => {
                self.st.push("substr(");
                self.emit(&args[0], Kind::Text)?;
                self.st.push(", GREATEST(");
                self.emit(&args[1], Kind::Num)?;
                self.st.push(", 0)::int + 1");
                if let Some(length) = args.get(2) {
                    self.st.push(", GREATEST(");
                    self.emit(length, Kind::Num)?;
                    self.st.push(", 0)::int");
                }
                self.st.push(")");
                return Ok(());
            }
            "bin" | "datefloor" | "dateceil" => {
                let (time, period) = match args {
                    [Expr::Period(p)] if name == "bin" => (None, *p),
                    [t, Expr::Period(p)] if name != "bin" => (Some(t), *p),
                    _ => {
                        return err(format!(
                            "{name}() takes {}a time period such as 5m",
                            if name == "bin" { "" } else { "a time and " }
                        ));
                    }
                };
                if name == "dateceil" {
                    self.st.push("(");
                }
                self.st
                    .push("date_bin(make_interval(secs => ")
                    .bind(Param::Number(period))
                    .push("), ");
                match time {
                    Some(t) => self.emit(t, Kind::Time)?,
                    None => {
                        self.st.push("ts");
                    }
                }
                if name == "dateceil" {
                    self.st
                        .push(" - interval '1 microsecond', TIMESTAMPTZ 'epoch') + make_interval(secs => ")
                        .bind(Param::Number(period))
                        .push("))");
                } else {
                    self.st.push(", TIMESTAMPTZ 'epoch')");
                }
                return Ok(());
            }
            other => {
                return err(format!(
                    "{other}() is not a function the local console knows"
                ));
            }
        };
        self.st.push(open);
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                self.st.push(", ");
            }
            self.emit(arg, arg_kind)?;
        }
        self.st.push(match name {
            "strlen" => ")::numeric",
            "strcontains" => ") > 0)::int::numeric",
            _ => ")",
        });
        Ok(())
    }
}

/// The kind an expression has on its own.
fn natural(expr: &Expr) -> Result<Kind, CompileError> {
    Ok(match expr {
        Expr::Field(name) if name == "@timestamp" => Kind::Time,
        Expr::Field(_) => Kind::Json,
        Expr::Str(_) => Kind::Text,
        Expr::Number(_) | Expr::Negate(_) => Kind::Num,
        Expr::Not(_) | Expr::In { .. } => Kind::Bool,
        Expr::Binary(op, ..) => match op {
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Mod | Op::Pow => Kind::Num,
            _ => Kind::Bool,
        },
        Expr::Call(name, args) => match name.as_str() {
            "ispresent" | "isempty" | "isblank" => Kind::Bool,
            "strlen" | "abs" | "ceil" | "floor" | "greatest" | "least" | "strcontains"
            | "tomillis" => Kind::Num,
            "toupper" | "tolower" | "trim" | "ltrim" | "rtrim" | "concat" | "substr"
            | "replace" => Kind::Text,
            "bin" | "datefloor" | "dateceil" | "frommillis" => Kind::Time,
            "coalesce" => Kind::Json,
            _ => natural_aggregate(name, args)?,
        },
        Expr::Period(_) | Expr::Regex(_) | Expr::Star => Kind::Json,
    })
}

fn natural_aggregate(name: &str, args: &[Expr]) -> Result<Kind, CompileError> {
    Ok(match name {
        "earliest" | "latest" => Kind::Json,
        "min" | "max" if matches!(args.first(), Some(e) if natural(e)? == Kind::Time) => Kind::Time,
        _ => Kind::Num,
    })
}

/// How two sides compare: as numbers when either is one, as text when either is text, and
/// two fields as text for equality and as numbers for order.
fn comparison_kind(op: Op, a: Kind, b: Kind) -> Kind {
    use Kind::*;
    match (a, b) {
        (Num, _) | (_, Num) => Num,
        (Time, Time) => Time,
        (Time, Text) | (Text, Time) | (Text, _) | (_, Text) => Text,
        (Time, _) | (_, Time) => Num,
        (Bool, Bool) => Bool,
        _ if op == Op::Eq || op == Op::Ne => Text,
        _ => Num,
    }
}
