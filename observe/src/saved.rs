//! The saved queries: one file (terraform/saved-queries.json) that feeds the console's "Saved
//! queries" lists and, deployed, CloudWatch's saved Logs Insights queries
//! (`aws_cloudwatch_query_definition`), so a query docs/learn.md teaches is one click away in
//! both places. Each is checked against its language's parser here, so none that CloudWatch or
//! X-Ray would run can fail to parse in the console.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SavedQuery {
    pub name: String,
    pub description: String,
    /// `insights` (CloudWatch Logs Insights) or `xray` (an X-Ray filter expression).
    pub language: String,
    pub query: String,
    /// For `insights`: the services whose log groups it runs over on AWS.
    #[serde(default)]
    pub services: Vec<String>,
}

const FILE: &str = include_str!("../../terraform/saved-queries.json");

/// Every saved query, in the file's order.
pub fn all() -> &'static [SavedQuery] {
    static ALL: OnceLock<Vec<SavedQuery>> = OnceLock::new();
    ALL.get_or_init(|| serde_json::from_str(FILE).expect("terraform/saved-queries.json reads"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_saved_query_parses_in_its_language() {
        assert!(!super::all().is_empty());
        for saved in super::all() {
            let parsed = match saved.language.as_str() {
                "insights" => querylang::insights::parse(&saved.query).map(drop),
                "xray" => querylang::xray::parse(&saved.query).map(drop),
                other => panic!("{}: no language {other}", saved.name),
            };
            assert!(parsed.is_ok(), "{}: {parsed:?}", saved.name);
        }
    }
}
