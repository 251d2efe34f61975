//! The tokens both languages share, read on demand so that a `/` can be division in one place
//! and the start of a regular expression in another, and the error both report.

use thiserror::Error;

/// A text that does not parse: where (the character, counted from 1) and what was expected
/// there.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("at character {position}: expected {expected}, found {found}")]
pub struct ParseError {
    pub position: usize,
    pub expected: String,
    pub found: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A name: letters, digits, `_`, `.`, `@` (`@timestamp`, `http.status`).
    Name(String),
    /// A name in backticks: any characters.
    Quoted(String),
    Str(String),
    Number(f64),
    /// A number with a unit: `5m`, `30s`, `1h`.
    Period(f64, String),
    Regex(String),
    Sym(&'static str),
    End,
}

impl Tok {
    pub fn describe(&self) -> String {
        match self {
            Tok::Name(n) => format!("`{n}`"),
            Tok::Quoted(n) => format!("`{n}`"),
            Tok::Str(s) => format!("the string {s:?}"),
            Tok::Number(n) => format!("the number {n}"),
            Tok::Period(n, u) => format!("`{n}{u}`"),
            Tok::Regex(r) => format!("the pattern /{r}/"),
            Tok::Sym(s) => format!("`{s}`"),
            Tok::End => "the end of the text".into(),
        }
    }
}

const SYMBOLS: &[&str] = &[
    "!=~", "<=", ">=", "!=", "==", "=~", "&&", "||", "|", ",", "(", ")", "[", "]", "{", "}", "=",
    "<", ">", "+", "-", "*", "/", "%", "^", "!",
];

/// Reads tokens from a text, one lookahead at a time.
pub struct Scanner {
    chars: Vec<char>,
    /// Where the lookahead starts, and where it ends.
    at: usize,
    end: usize,
    /// Where the token last taken ends.
    prev_end: usize,
    ahead: Tok,
    /// A token that cannot be read (an unterminated string, say): reported when reached.
    broken: Option<ParseError>,
}

impl Scanner {
    /// A scanner over `text`, refused when it is longer than `max` characters.
    pub fn bounded(text: &str, max: usize) -> Result<Self, ParseError> {
        if text.chars().count() > max {
            return Err(ParseError {
                position: max + 1,
                expected: format!("at most {max} characters"),
                found: "more".into(),
            });
        }
        Ok(Self::new(text))
    }

    pub fn new(text: &str) -> Self {
        let mut s = Self {
            chars: text.chars().collect(),
            at: 0,
            end: 0,
            prev_end: 0,
            ahead: Tok::End,
            broken: None,
        };
        s.read(false);
        s
    }

    /// The lookahead.
    pub fn peek(&self) -> &Tok {
        &self.ahead
    }

    /// The lookahead's position, counted from 1.
    pub fn position(&self) -> usize {
        self.at + 1
    }

    /// The source text from `start` (a [`Scanner::position`]) to the end of the last token taken.
    pub fn source_since(&self, start: usize) -> String {
        self.chars[start - 1..self.prev_end].iter().collect()
    }

    /// Takes the lookahead and reads the next.
    pub fn next(&mut self) -> Result<Tok, ParseError> {
        if let Some(error) = self.broken.take() {
            return Err(error);
        }
        let tok = std::mem::replace(&mut self.ahead, Tok::End);
        self.prev_end = self.end;
        self.read(false);
        Ok(tok)
    }

    /// The token after the lookahead, without taking either (unreadable: the end).
    pub fn second(&self) -> Tok {
        let mut i = self.end;
        while i < self.chars.len() && self.chars[i].is_whitespace() {
            i += 1;
        }
        self.token(i, false).map(|(tok, _)| tok).unwrap_or(Tok::End)
    }

    /// Reads the lookahead again as a regular expression, when it is a `/`.
    pub fn regex_ahead(&mut self) {
        if self.ahead == Tok::Sym("/") {
            self.end = self.at;
            self.read(true);
        }
    }

    pub fn is(&self, sym: &str) -> bool {
        matches!(&self.ahead, Tok::Sym(s) if *s == sym)
    }

    /// Whether the lookahead is the keyword `word`, in any case.
    pub fn is_word(&self, word: &str) -> bool {
        matches!(&self.ahead, Tok::Name(n) if n.eq_ignore_ascii_case(word))
    }

    /// Takes the symbol `sym` if it is next.
    pub fn eat(&mut self, sym: &str) -> Result<bool, ParseError> {
        if self.is(sym) {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    pub fn eat_word(&mut self, word: &str) -> Result<bool, ParseError> {
        if self.is_word(word) {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    pub fn expect(&mut self, sym: &str) -> Result<(), ParseError> {
        if self.eat(sym)? {
            Ok(())
        } else {
            Err(self.error(format!("`{sym}`")))
        }
    }

    /// An error at the lookahead.
    pub fn error(&self, expected: impl Into<String>) -> ParseError {
        if let Some(broken) = &self.broken {
            return broken.clone();
        }
        ParseError {
            position: self.position(),
            expected: expected.into(),
            found: self.ahead.describe(),
        }
    }

    fn read(&mut self, regex: bool) {
        let mut i = self.end;
        while i < self.chars.len() && self.chars[i].is_whitespace() {
            i += 1;
        }
        self.at = i;
        let (tok, end) = match self.token(i, regex) {
            Ok(found) => found,
            Err(error) => {
                self.broken = Some(error);
                (Tok::End, self.chars.len())
            }
        };
        self.ahead = tok;
        self.end = end;
    }

    fn token(&self, i: usize, regex: bool) -> Result<(Tok, usize), ParseError> {
        let c = &self.chars;
        let Some(&first) = c.get(i) else {
            return Ok((Tok::End, i));
        };
        let unterminated = |what: &str| ParseError {
            position: i + 1,
            expected: format!("the end of this {what}"),
            found: "the end of the text".into(),
        };
        if regex && first == '/' {
            let mut out = String::new();
            let mut j = i + 1;
            loop {
                match c.get(j) {
                    None => return Err(unterminated("pattern")),
                    Some('\\') if c.get(j + 1) == Some(&'/') => {
                        out.push('/');
                        j += 2;
                    }
                    Some('\\') => {
                        out.push('\\');
                        if let Some(&n) = c.get(j + 1) {
                            out.push(n);
                        }
                        j += 2;
                    }
                    Some('/') => return Ok((Tok::Regex(out), j + 1)),
                    Some(&ch) => {
                        out.push(ch);
                        j += 1;
                    }
                }
            }
        }
        if first == '"' || first == '\'' || first == '`' {
            let mut out = String::new();
            let mut j = i + 1;
            loop {
                match c.get(j) {
                    None => {
                        return Err(unterminated(if first == '`' { "name" } else { "string" }));
                    }
                    Some('\\') if first != '`' => {
                        match c.get(j + 1) {
                            Some('n') => out.push('\n'),
                            Some('t') => out.push('\t'),
                            Some(&other) => out.push(other),
                            None => return Err(unterminated("string")),
                        }
                        j += 2;
                    }
                    Some(&ch) if ch == first => {
                        let tok = if first == '`' {
                            Tok::Quoted(out)
                        } else {
                            Tok::Str(out)
                        };
                        return Ok((tok, j + 1));
                    }
                    Some(&ch) => {
                        out.push(ch);
                        j += 1;
                    }
                }
            }
        }
        if first.is_ascii_digit()
            || (first == '.' && c.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let mut j = i;
            while c.get(j).is_some_and(|d| d.is_ascii_digit() || *d == '.') {
                j += 1;
            }
            if matches!(c.get(j), Some('e' | 'E'))
                && c.get(j + 1)
                    .is_some_and(|d| d.is_ascii_digit() || *d == '-' || *d == '+')
            {
                j += 2;
                while c.get(j).is_some_and(|d| d.is_ascii_digit()) {
                    j += 1;
                }
            }
            let digits: String = c[i..j].iter().collect();
            let number: f64 = digits.parse().map_err(|_| ParseError {
                position: i + 1,
                expected: "a number".into(),
                found: format!("`{digits}`"),
            })?;
            let mut k = j;
            while c.get(k).is_some_and(|d| d.is_ascii_alphabetic()) {
                k += 1;
            }
            if k > j {
                return Ok((Tok::Period(number, c[j..k].iter().collect()), k));
            }
            return Ok((Tok::Number(number), j));
        }
        if first.is_alphabetic() || first == '_' || first == '@' {
            let mut j = i + 1;
            while c
                .get(j)
                .is_some_and(|d| d.is_alphanumeric() || matches!(d, '_' | '.' | '@'))
            {
                j += 1;
            }
            return Ok((Tok::Name(c[i..j].iter().collect()), j));
        }
        for sym in SYMBOLS {
            let len = sym.chars().count();
            if c.len() >= i + len && c[i..i + len].iter().copied().eq(sym.chars()) {
                return Ok((Tok::Sym(sym), i + len));
            }
        }
        Err(ParseError {
            position: i + 1,
            expected: "a name, a value or an operator".into(),
            found: format!("`{first}`"),
        })
    }
}
