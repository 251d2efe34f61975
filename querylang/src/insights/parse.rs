//! Text to [`Query`]: commands split by `|`, each with its own grammar; expressions by
//! precedence (`or`, `and`, `not`, comparisons, `+ -`, `* / %`, `^`, unary `-`).

use super::{AGGREGATES, Command, Direction, Expr, FUNCTIONS, LEFT_OUT, Named, Op, Query};
use crate::scan::{ParseError, Scanner, Tok};

/// Longest query text, as in CloudWatch.
pub const MAX_LENGTH: usize = 10_000;

/// The comparison operators and what each is.
const COMPARISONS: &[(&str, Op)] = &[
    ("=", Op::Eq),
    ("==", Op::Eq),
    ("!=", Op::Ne),
    ("<=", Op::Le),
    (">=", Op::Ge),
    ("<", Op::Lt),
    (">", Op::Gt),
    ("=~", Op::Matches),
];

const COMMANDS: &str = "a command (fields, filter, stats, sort, limit, display, parse, dedup)";

pub fn parse(text: &str) -> Result<Query, ParseError> {
    let mut p = Parser {
        s: Scanner::bounded(text, MAX_LENGTH)?,
    };
    let mut commands = Vec::new();
    loop {
        commands.push(p.command()?);
        if p.s.eat("|")? {
            continue;
        }
        if *p.s.peek() == Tok::End {
            break;
        }
        return Err(p
            .s
            .error("`|` and the next command, or the end of the query"));
    }
    Ok(Query { commands })
}

struct Parser {
    s: Scanner,
}

impl Parser {
    fn command(&mut self) -> Result<Command, ParseError> {
        let Tok::Name(word) = self.s.peek().clone() else {
            return Err(self.s.error(COMMANDS));
        };
        let lower = word.to_ascii_lowercase();
        if LEFT_OUT.contains(&lower.as_str()) {
            return Err(ParseError {
                position: self.s.position(),
                expected: format!(
                    "a command the local console runs: `{lower}` is a Logs Insights command left out here (docs/observability.md lists what is)"
                ),
                found: format!("`{word}`"),
            });
        }
        let command = match lower.as_str() {
            "fields" => {
                self.s.next()?;
                Command::Fields(self.named_list(false)?)
            }
            "display" => {
                self.s.next()?;
                Command::Display(self.list(Self::field_name)?)
            }
            "filter" => {
                self.s.next()?;
                Command::Filter(self.expr()?)
            }
            "stats" => {
                self.s.next()?;
                let aggregates = self.named_list(true)?;
                let by = if self.s.eat_word("by")? {
                    self.named_list(false)?
                } else {
                    Vec::new()
                };
                Command::Stats { aggregates, by }
            }
            "sort" => {
                self.s.next()?;
                Command::Sort(self.list(Self::sort_key)?)
            }
            "limit" => {
                self.s.next()?;
                match self.s.peek().clone() {
                    Tok::Number(n) if n.fract() == 0.0 && (1.0..=10_000.0).contains(&n) => {
                        self.s.next()?;
                        Command::Limit(n as u32)
                    }
                    _ => return Err(self.s.error("a whole number of rows, 1 to 10000")),
                }
            }
            "parse" => {
                self.s.next()?;
                self.parse_command()?
            }
            "dedup" => {
                self.s.next()?;
                Command::Dedup(self.list(Self::expr)?)
            }
            _ => return Err(self.s.error(COMMANDS)),
        };
        Ok(command)
    }

    fn parse_command(&mut self) -> Result<Command, ParseError> {
        let source = self.primary()?;
        self.s.regex_ahead();
        match self.s.next()? {
            Tok::Str(glob) => {
                let stars = glob.matches('*').count();
                if stars == 0 {
                    return Err(ParseError {
                        position: self.s.position(),
                        expected: "a pattern with at least one `*`".into(),
                        found: format!("{glob:?}"),
                    });
                }
                if !self.s.eat_word("as")? {
                    return Err(self.s.error("`as` and a name for each `*`"));
                }
                let names = self.list(Self::field_name)?;
                if names.len() != stars {
                    return Err(ParseError {
                        position: self.s.position(),
                        expected: format!("{stars} names, one for each `*`"),
                        found: format!("{}", names.len()),
                    });
                }
                Ok(Command::Parse {
                    source,
                    pattern: glob_to_regex(&glob),
                    names,
                })
            }
            Tok::Regex(regex) => {
                let (pattern, names) = named_groups(&regex);
                if names.is_empty() {
                    return Err(ParseError {
                        position: self.s.position(),
                        expected: "a pattern with named groups, like (?<id>\\d+)".into(),
                        found: format!("/{regex}/"),
                    });
                }
                Ok(Command::Parse {
                    source,
                    pattern,
                    names,
                })
            }
            other => Err(ParseError {
                position: self.s.position(),
                expected: "a pattern: \"glob with *\" or /regex with (?<name>...)/".into(),
                found: other.describe(),
            }),
        }
    }

    /// `item (, item)*`.
    fn list<T>(
        &mut self,
        item: fn(&mut Self) -> Result<T, ParseError>,
    ) -> Result<Vec<T>, ParseError> {
        let mut items = vec![item(self)?];
        while self.s.eat(",")? {
            items.push(item(self)?);
        }
        Ok(items)
    }

    fn sort_key(&mut self) -> Result<(Expr, Direction), ParseError> {
        let expr = self.expr()?;
        let direction = if self.s.eat_word("asc")? {
            Direction::Asc
        } else {
            self.s.eat_word("desc")?;
            Direction::Desc
        };
        Ok((expr, direction))
    }

    fn named_list(&mut self, aggregates: bool) -> Result<Vec<Named>, ParseError> {
        self.list(if aggregates {
            |p: &mut Self| p.named(true)
        } else {
            |p: &mut Self| p.named(false)
        })
    }

    fn named(&mut self, aggregate: bool) -> Result<Named, ParseError> {
        let start = self.s.position();
        let expr = if aggregate {
            let at = self.s.position();
            let expr = self.expr()?;
            if !matches!(&expr, Expr::Call(name, _) if AGGREGATES.contains(&name.as_str())) {
                return Err(ParseError {
                    position: at,
                    expected: format!("an aggregate function ({})", AGGREGATES.join(", ")),
                    found: "another expression".into(),
                });
            }
            expr
        } else {
            self.expr()?
        };
        let text = self.s.source_since(start);
        let name = if self.s.eat_word("as")? {
            self.field_name()?
        } else if let Expr::Field(name) = &expr {
            name.clone()
        } else {
            text
        };
        Ok(Named { expr, name })
    }

    fn field_name(&mut self) -> Result<String, ParseError> {
        match self.s.peek().clone() {
            Tok::Name(n) | Tok::Quoted(n) if !n.is_empty() => {
                self.s.next()?;
                Ok(n)
            }
            _ => Err(self.s.error("a field name")),
        }
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.s.eat_word("or")? || self.s.eat("||")? {
            left = Expr::Binary(Op::Or, Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.not()?;
        while self.s.eat_word("and")? || self.s.eat("&&")? {
            left = Expr::Binary(Op::And, Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.s.eat_word("not")? || self.s.eat("!")? {
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let left = self.additive()?;
        let op = if let Some(&(_, op)) = COMPARISONS.iter().find(|(sym, _)| self.s.is(sym)) {
            self.s.next()?;
            op
        } else if self.s.eat("!=~")? {
            return Ok(Expr::Not(Box::new(Expr::Binary(
                Op::Matches,
                Box::new(left),
                Box::new(self.pattern()?),
            ))));
        } else if self.s.eat_word("like")? {
            Op::Like
        } else if self.s.is_word("not") || self.s.is_word("in") {
            let negated = self.s.eat_word("not")?;
            if negated && self.s.eat_word("like")? {
                return Ok(Expr::Binary(
                    Op::NotLike,
                    Box::new(left),
                    Box::new(self.pattern()?),
                ));
            }
            if !self.s.eat_word("in")? {
                return Err(self.s.error("`like` or `in` after `not`"));
            }
            self.s.expect("[")?;
            let list = self.list(Self::literal)?;
            self.s.expect("]")?;
            return Ok(Expr::In {
                expr: Box::new(left),
                list,
                negated,
            });
        } else {
            return Ok(left);
        };
        let right = if matches!(op, Op::Like | Op::Matches) {
            self.pattern()?
        } else {
            self.additive()?
        };
        Ok(Expr::Binary(op, Box::new(left), Box::new(right)))
    }

    /// The right side of `like` and `=~`: a string or a /regex/.
    fn pattern(&mut self) -> Result<Expr, ParseError> {
        self.s.regex_ahead();
        match self.s.peek().clone() {
            Tok::Str(s) => {
                self.s.next()?;
                Ok(Expr::Str(s))
            }
            Tok::Regex(r) => {
                self.s.next()?;
                Ok(Expr::Regex(r))
            }
            _ => Err(self.s.error("a string or a /regular expression/")),
        }
    }

    fn literal(&mut self) -> Result<Expr, ParseError> {
        match self.s.peek().clone() {
            Tok::Str(s) => {
                self.s.next()?;
                Ok(Expr::Str(s))
            }
            Tok::Number(n) => {
                self.s.next()?;
                Ok(Expr::Number(n))
            }
            Tok::Sym("-") => {
                self.s.next()?;
                match self.s.next()? {
                    Tok::Number(n) => Ok(Expr::Number(-n)),
                    _ => Err(self.s.error("a number")),
                }
            }
            _ => Err(self.s.error("a string or a number")),
        }
    }

    fn additive(&mut self) -> Result<Expr, ParseError> {
        self.left_to_right(&[("+", Op::Add), ("-", Op::Sub)], Self::multiplicative)
    }

    fn multiplicative(&mut self) -> Result<Expr, ParseError> {
        self.left_to_right(
            &[("*", Op::Mul), ("/", Op::Div), ("%", Op::Mod)],
            Self::power,
        )
    }

    /// `operand (op operand)*` for the operators `ops` of one precedence, grouped from the left.
    fn left_to_right(
        &mut self,
        ops: &[(&str, Op)],
        operand: fn(&mut Self) -> Result<Expr, ParseError>,
    ) -> Result<Expr, ParseError> {
        let mut left = operand(self)?;
        loop {
            let Some(&(_, op)) = ops.iter().find(|(sym, _)| self.s.is(sym)) else {
                return Ok(left);
            };
            self.s.next()?;
            left = Expr::Binary(op, Box::new(left), Box::new(operand(self)?));
        }
    }

    fn power(&mut self) -> Result<Expr, ParseError> {
        let base = self.unary()?;
        if self.s.eat("^")? {
            return Ok(Expr::Binary(
                Op::Pow,
                Box::new(base),
                Box::new(self.power()?),
            ));
        }
        Ok(base)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.s.eat("-")? {
            return Ok(Expr::Negate(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let at = self.s.position();
        match self.s.peek().clone() {
            Tok::Sym("(") => {
                self.s.next()?;
                let inner = self.expr()?;
                self.s.expect(")")?;
                Ok(inner)
            }
            Tok::Str(s) => {
                self.s.next()?;
                Ok(Expr::Str(s))
            }
            Tok::Number(n) => {
                self.s.next()?;
                Ok(Expr::Number(n))
            }
            Tok::Period(n, unit) => {
                let seconds = match unit.as_str() {
                    "ms" => n / 1000.0,
                    "s" => n,
                    "m" => n * 60.0,
                    "h" => n * 3600.0,
                    "d" => n * 86_400.0,
                    "w" => n * 604_800.0,
                    _ => {
                        return Err(self
                            .s
                            .error("a time period: a number and ms, s, m, h, d or w"));
                    }
                };
                if !(0.001..=366.0 * 86_400.0).contains(&seconds) {
                    return Err(self.s.error("a time period from 1ms to a year"));
                }
                self.s.next()?;
                Ok(Expr::Period(seconds))
            }
            Tok::Quoted(name) => {
                self.s.next()?;
                Ok(Expr::Field(name))
            }
            Tok::Name(name) => {
                self.s.next()?;
                if !self.s.is("(") {
                    if ["and", "or", "not", "like", "in", "as", "by", "asc", "desc"]
                        .iter()
                        .any(|k| name.eq_ignore_ascii_case(k))
                    {
                        return Err(ParseError {
                            position: at,
                            expected: "a field, a value or a function".into(),
                            found: format!("the keyword `{name}`"),
                        });
                    }
                    return Ok(Expr::Field(name));
                }
                let lower = name.to_ascii_lowercase();
                if !AGGREGATES.contains(&lower.as_str()) && !FUNCTIONS.contains(&lower.as_str()) {
                    return Err(ParseError {
                        position: at,
                        expected:
                            "a function the local console knows (docs/observability.md lists them)"
                                .into(),
                        found: format!("`{name}`"),
                    });
                }
                self.s.next()?; // (
                let args = if self.s.is(")") {
                    Vec::new()
                } else if self.s.eat("*")? {
                    vec![Expr::Star]
                } else {
                    self.list(Self::expr)?
                };
                self.s.expect(")")?;
                check_arity(&lower, &args).map_err(|expected| ParseError {
                    position: at,
                    expected,
                    found: format!("{} arguments", args.len()),
                })?;
                Ok(Expr::Call(lower, args))
            }
            _ => Err(self.s.error("a field, a value or a function")),
        }
    }
}

/// How many arguments each function takes.
fn check_arity(name: &str, args: &[Expr]) -> Result<(), String> {
    let (min, max) = match name {
        "count" => (0, 1),
        "pct" | "substr" | "datefloor" | "dateceil" | "strcontains" => {
            (2, if name == "substr" { 3 } else { 2 })
        }
        "replace" => (3, 3),
        "concat" | "coalesce" | "greatest" | "least" => (1, 32),
        _ => (1, 1),
    };
    if args.len() < min || args.len() > max {
        let want = if min == max {
            format!("{min}")
        } else {
            format!("{min} to {max}")
        };
        return Err(format!("{want} arguments to {name}()"));
    }
    if args.contains(&Expr::Star) && name != "count" {
        return Err(format!("a field, not `*`, in {name}()"));
    }
    Ok(())
}

/// A glob (`user=* id=*`) as a regular expression with one group per `*`: the text between
/// stars matched literally, each star as little as it can, the last one to the end.
fn glob_to_regex(glob: &str) -> String {
    let parts: Vec<&str> = glob.split('*').collect();
    let mut regex = String::new();
    for (i, part) in parts.iter().enumerate() {
        for c in part.chars() {
            if "\\.^$*+?()[]{}|".contains(c) {
                regex.push('\\');
            }
            regex.push(c);
        }
        if i + 1 < parts.len() {
            let last = i + 2 == parts.len() && parts[i + 1].is_empty();
            regex.push_str(if last { "(.*)$" } else { "(.*?)" });
        }
    }
    regex
}

/// A regular expression with named groups `(?<name>...)`, as PostgreSQL reads it: the named
/// groups plain groups (in order), every other group non-capturing; and the names.
fn named_groups(regex: &str) -> (String, Vec<String>) {
    let chars: Vec<char> = regex.chars().collect();
    let mut out = String::new();
    let mut names = Vec::new();
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push(c);
            if let Some(&n) = chars.get(i + 1) {
                out.push(n);
            }
            i += 2;
            continue;
        }
        if in_class {
            in_class = c != ']';
            out.push(c);
            i += 1;
            continue;
        }
        if c == '[' {
            in_class = true;
            out.push(c);
            // A `]` first in a class is a character.
            if chars.get(i + 1) == Some(&']') {
                out.push(']');
                i += 1;
            }
            i += 1;
            continue;
        }
        if c == '(' {
            let named = chars.get(i + 1) == Some(&'?')
                && chars.get(i + 2) == Some(&'<')
                && chars
                    .get(i + 3)
                    .is_some_and(|n| n.is_alphabetic() || *n == '_');
            if named {
                let mut j = i + 3;
                let mut name = String::new();
                while chars.get(j).is_some_and(|n| *n != '>') {
                    name.push(chars[j]);
                    j += 1;
                }
                names.push(name);
                out.push('(');
                i = j + 1;
                continue;
            }
            if chars.get(i + 1) != Some(&'?') {
                out.push_str("(?:");
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    (out, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_of_every_command_parses() {
        let q = parse(
            "fields @timestamp, message, strlen(message) as n | filter level = \"ERROR\" and n > 3 \
             | parse message \"order * for *\" as order, sku | stats count(*) as c by bin(5m), service \
             | sort c desc | limit 10 | display c, service",
        )
        .unwrap();
        assert_eq!(q.commands.len(), 7);
        assert!(matches!(&q.commands[4], Command::Sort(k) if k[0].1 == Direction::Desc));
        match &q.commands[3] {
            Command::Stats { aggregates, by } => {
                assert_eq!(aggregates[0].name, "c");
                assert_eq!(by[0].name, "bin(5m)");
                assert_eq!(
                    by[0].expr,
                    Expr::Call("bin".into(), vec![Expr::Period(300.0)])
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_aggregate_is_named_by_its_text() {
        let q = parse("stats avg(duration_ms), pct(duration_ms, 95)").unwrap();
        let Command::Stats { aggregates, .. } = &q.commands[0] else {
            panic!()
        };
        let names: Vec<&str> = aggregates.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["avg(duration_ms)", "pct(duration_ms, 95)"]);
    }

    #[test]
    fn like_takes_a_regex_and_slash_elsewhere_divides() {
        let q = parse("filter message like /Order.*placed/ and a / 2 > 1").unwrap();
        let Command::Filter(Expr::Binary(Op::And, left, right)) = &q.commands[0] else {
            panic!()
        };
        assert_eq!(
            **left,
            Expr::Binary(
                Op::Like,
                Box::new(Expr::Field("message".into())),
                Box::new(Expr::Regex("Order.*placed".into()))
            )
        );
        assert!(
            matches!(&**right, Expr::Binary(Op::Gt, l, _) if matches!(&**l, Expr::Binary(Op::Div, ..)))
        );
    }

    #[test]
    fn errors_say_where_and_what_was_expected() {
        let e = parse("fields @timestamp |").unwrap_err();
        assert_eq!(e.position, 20);
        assert!(e.expected.starts_with("a command"), "{e}");
        let e = parse("filter level = ").unwrap_err();
        assert_eq!(e.position, 16);
        let e = parse("stats strlen(message)").unwrap_err();
        assert!(e.expected.starts_with("an aggregate"), "{e}");
        let e = parse("filter message like \"unterminated").unwrap_err();
        assert_eq!(e.position, 21);
        let e = parse("pattern @message").unwrap_err();
        assert!(
            e.expected
                .contains("`pattern` is a Logs Insights command left out"),
            "{e}"
        );
        let e = parse("stats count(*) by bin(5y)").unwrap_err();
        assert!(e.expected.contains("time period"), "{e}");
    }

    #[test]
    fn globs_and_named_groups_become_postgres_patterns() {
        assert_eq!(glob_to_regex("id=* (*)"), "id=(.*?) \\((.*?)\\)");
        assert_eq!(glob_to_regex("user=*"), "user=(.*)$");
        let (regex, names) = named_groups(r"(?<verb>GET|POST) (/api)(?<path>[^ (]*)(?:x)");
        assert_eq!(regex, r"(GET|POST) (?:/api)([^ (]*)(?:x)");
        assert_eq!(names, ["verb", "path"]);
    }
}
