//! AWS's two query languages for the Observe console, so that what a learner types locally is
//! what they type into CloudWatch and X-Ray on AWS:
//!
//! - [`insights`]: CloudWatch Logs Insights queries (`fields`, `filter`, `stats`, `sort`,
//!   `limit`, `display`, `parse`, `dedup`), compiled over log records.
//! - [`xray`]: X-Ray filter expressions (`service("order") { fault }`, `annotation.order_id =
//!   "…"`, `responsetime > 1`), compiled over stored spans.
//!
//! Each parses the text once into a syntax tree and compiles the tree to one PostgreSQL
//! statement ([`sql::Statement`]) whose text is written only from this crate's own string
//! literals: everything the user typed (strings, numbers, field names, patterns) is a bound
//! parameter. A text that does not parse is a [`ParseError`] with the position and what was
//! expected.

pub mod insights;
mod scan;
pub mod sql;
pub mod xray;

pub use scan::ParseError;
