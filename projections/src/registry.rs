//! Which read models the shop keeps: one registration line each. The projector, `status`,
//! rebuilds and the trace timeline all take their list from here (or from a [`ReadModels`] a
//! test extends with one of its own).

use std::sync::Arc;

use crate::checkpoint::Follower;
use crate::read_model::{ReadModel, follower};
use crate::{catalog, decisions, orders, saga};

/// The read models a projector keeps.
#[derive(Clone)]
pub struct ReadModels(Vec<Arc<dyn ReadModel>>);

impl ReadModels {
    /// The shop's read models: one line each.
    pub fn shop() -> Self {
        Self(vec![Arc::new(catalog::Catalog), Arc::new(orders::Orders)])
    }

    /// These and `model` too.
    pub fn with(mut self, model: impl ReadModel) -> Self {
        self.0.push(Arc::new(model));
        self
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn ReadModel>> {
        self.0.iter()
    }

    /// Every follower of the log a projector runs: the saga first (the read models then see
    /// its events in the same pass), the decision latency, then each read model.
    pub fn followers(&self) -> Vec<Follower> {
        [saga::FOLLOWER, decisions::FOLLOWER]
            .into_iter()
            .chain(self.0.iter().map(|m| follower(m.as_ref())))
            .collect()
    }

    /// The read models a rebuild of `name` covers: one, or every one when `name` is `None`.
    pub fn chosen(&self, name: Option<&str>) -> Result<Vec<Arc<dyn ReadModel>>, UnknownReadModel> {
        match name {
            None => Ok(self.0.clone()),
            Some(name) => self
                .0
                .iter()
                .find(|m| m.name() == name)
                .map(|m| vec![m.clone()])
                .ok_or_else(|| UnknownReadModel {
                    name: name.to_string(),
                    known: self
                        .0
                        .iter()
                        .map(|m| m.name())
                        .collect::<Vec<_>>()
                        .join(" or "),
                }),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown read model {name:?}: choose {known}")]
pub struct UnknownReadModel {
    pub name: String,
    pub known: String,
}
