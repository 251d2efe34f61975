//! Running a statement that a learner's query compiled to: within a time limit, and with the
//! errors that the data can cause (a pattern PostgreSQL cannot read, a number out of range)
//! told apart from the database failing.

use querylang::sql::{Param, Statement};
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgPool};

/// The statement's rows, or `None` when it ran past `seconds`.
pub async fn fetch_all<T>(
    pool: &PgPool,
    statement: &Statement,
    seconds: u32,
) -> Result<Option<Vec<T>>, QueryError>
where
    T: for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    let mut tx = pool.begin().await?;
    // SET takes no parameter; the number is ours.
    sqlx::query(&format!("SET LOCAL statement_timeout = '{seconds}s'"))
        .execute(&mut *tx)
        .await?;
    let mut query = sqlx::query_as::<_, T>(statement.text());
    for param in statement.params() {
        query = match param {
            Param::Text(t) => query.bind(t.clone()),
            Param::Number(n) => query.bind(*n),
            Param::Int(i) => query.bind(*i),
            Param::Texts(t) => query.bind(t.clone()),
            Param::Numbers(n) => query.bind(n.clone()),
        };
    }
    let answer = query.fetch_all(&mut *tx).await;
    let _ = tx.rollback().await;
    match answer {
        Ok(rows) => Ok(Some(rows)),
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("57014") => Ok(None),
        // Class 22, data exceptions: a regular expression PostgreSQL cannot read, a value out
        // of range, a negative length. The query's doing, not the database's.
        Err(sqlx::Error::Database(e)) if e.code().is_some_and(|c| c.starts_with("22")) => {
            Err(QueryError::Invalid {
                message: format!("the query cannot run on these records: {}", e.message()),
                position: None,
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// Why a query has no result.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The text: it does not parse, or cannot run here. 422.
    #[error("{message}")]
    Invalid {
        message: String,
        position: Option<usize>,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The AWS service behind the view did not answer. 503.
    #[error("{0}")]
    Unavailable(String),
}

impl From<querylang::ParseError> for QueryError {
    fn from(e: querylang::ParseError) -> Self {
        Self::Invalid {
            message: e.to_string(),
            position: Some(e.position),
        }
    }
}
