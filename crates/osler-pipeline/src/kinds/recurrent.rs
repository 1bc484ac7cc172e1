//! LSTM and GRU classifiers of each patient's sequence of visits (long-format
//! input; trained by [`crate::sequence::train_sequences`]). Two kinds, one
//! fitted type: the cell is part of the fitted network's architecture, so
//! both read `model.json` files tagged `sequence` (registered once, by LSTM).

use serde::{Deserialize, Serialize};

use osler_models::ModelError;
use osler_nn::sequence::{SequenceClassifier, Sequences};

use super::{network_summary, small_network};
use crate::artifact::Manifest;
use crate::contract::{Contract, Estimator, SequenceModel, nn_error};
use crate::model::{Fitted, ModelSpec, Specification};
use crate::registry::{Capabilities, ModelKind, NONE, Task};
use crate::sequence::{Cell, SequenceOptions};
use crate::summary::ModelSummary;

const CAPABILITIES: Capabilities = Capabilities { device: true, sequence_input: true, ..NONE };

/// The registration of the LSTM sequence classifier.
pub static LSTM: ModelKind = ModelKind {
    name: "lstm",
    task: Task::Binary,
    capabilities: CAPABILITIES,
    example: |seed| example(Cell::Lstm, seed),
    spec: |fields| parse(fields, Cell::Lstm),
    fitted: &[("sequence", crate::model::parse_fitted::<SequenceClassifier>)],
};

/// The registration of the GRU sequence classifier (its fitted models are
/// read through [`LSTM`]'s `sequence` tag).
pub static GRU: ModelKind = ModelKind {
    name: "gru",
    task: Task::Binary,
    capabilities: CAPABILITIES,
    example: |seed| example(Cell::Gru, seed),
    spec: |fields| parse(fields, Cell::Gru),
    fitted: &[],
};

/// A recurrent classifier of visit sequences: the cell (the model kind) and
/// its hyperparameters. Serialises as `{"kind": "lstm"|"gru", "options": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecurrentSpec {
    /// LSTM or GRU (the kind's name, not a field of the JSON).
    #[serde(skip)]
    pub cell: Cell,
    /// Hidden width, dropout and training settings.
    pub options: SequenceOptions,
}

/// The JSON fields of a [`RecurrentSpec`].
#[derive(Deserialize)]
struct RecurrentFields {
    options: SequenceOptions,
}

fn parse(fields: serde_json::Value, cell: Cell) -> Result<ModelSpec, serde_json::Error> {
    let RecurrentFields { options } = serde_json::from_value(fields)?;
    Ok(ModelSpec::new(RecurrentSpec { cell, options }))
}

/// A small recurrent network (8 hidden units) trained for a few epochs.
fn example(cell: Cell, seed: u64) -> ModelSpec {
    let defaults = SequenceOptions::default();
    let options = SequenceOptions {
        hidden: 8,
        train: small_network(seed, defaults.train.clone()),
        ..defaults
    };
    ModelSpec::new(RecurrentSpec { cell, options })
}

impl Specification for RecurrentSpec {
    fn kind(&self) -> &'static ModelKind {
        match self.cell {
            Cell::Lstm => &LSTM,
            Cell::Gru => &GRU,
        }
    }
    fn for_cv(&self) -> ModelSpec {
        let mut spec = self.clone();
        spec.options.train.progress = Default::default();
        ModelSpec::new(spec)
    }
}

impl Fitted for SequenceClassifier {
    fn tag(&self) -> &'static str {
        "sequence"
    }
    fn contract(&self) -> Contract<'_> {
        Contract::Sequence(self)
    }
    fn summary(&self, _manifest: &Manifest) -> ModelSummary {
        network_summary(&self.summary, &self.log, None)
    }
    super::network_state!();
}

impl SequenceModel for SequenceClassifier {
    fn predict_sequences(&self, data: &Sequences) -> Result<Vec<f64>, ModelError> {
        self.predict_proba(data).map_err(nn_error)
    }
}

impl Estimator for SequenceClassifier {
    fn family(&self) -> &'static str {
        "recurrent sequence networks"
    }
}
