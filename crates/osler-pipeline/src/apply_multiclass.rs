//! Using a saved multiclass artifact: a probability per class for new rows,
//! and the multiclass metrics on labelled data.

use serde::Serialize;

use osler_data::Table;
use osler_eval::{MulticlassMetrics, confusion_matrix, multiclass_metrics, predicted_classes};

use crate::artifact::Artifact;
use crate::cv_multiclass::flat;
use crate::error::PipelineError;

/// Class probabilities for each input row.
#[derive(Debug, Clone, Serialize)]
pub struct ClassPredictions {
    /// The class names, in the order of every probability vector.
    pub classes: Vec<String>,
    /// `probabilities[i][k]`: probability that row `i` is of class `k`.
    pub probabilities: Vec<Vec<f64>>,
    /// The most probable class of each row (ties: the first class).
    pub predicted_class: Vec<String>,
}

/// Metrics of a multiclass artifact on labelled data.
#[derive(Debug, Clone, Serialize)]
pub struct MulticlassEvaluation {
    /// Accuracy, balanced accuracy, one-vs-rest AUROCs, log loss, Brier score, macro F1.
    pub metrics: MulticlassMetrics,
    /// The class names, in the order of the confusion matrix.
    pub classes: Vec<String>,
    /// `confusion[true][predicted]` counts of the most probable class.
    pub confusion: Vec<Vec<usize>>,
    /// Number of rows evaluated.
    pub n: usize,
}

impl Artifact {
    /// The class names of a multiclass artifact.
    pub fn classes(&self) -> Result<&[String], PipelineError> {
        self.manifest.classes.as_deref().ok_or_else(|| PipelineError::WrongArtifactTask {
            holds: format!("{} model", self.manifest.task),
            wanted: "multiclass classifier",
        })
    }

    /// Multiclass models: the probability of every class for every row of `table`.
    pub fn predict_classes(&self, table: Table) -> Result<ClassPredictions, PipelineError> {
        let classes = self.classes()?.to_vec();
        let (_, x) = self.design(table, true, false)?;
        let probabilities =
            self.model.predict_class_proba(&x).map_err(|e| PipelineError::model("predict", e))?;
        let flat = flat(&probabilities);
        let predicted_class = predicted_classes(&flat, classes.len())
            .into_iter()
            .map(|k| classes[k].clone())
            .collect();
        Ok(ClassPredictions { classes, probabilities, predicted_class })
    }

    /// Multiclass models: metrics and confusion matrix on labelled data; every
    /// outcome must be one of the training classes.
    pub fn evaluate_multiclass(&self, table: Table) -> Result<MulticlassEvaluation, PipelineError> {
        let classes = self.classes()?.to_vec();
        let (table, x) = self.design(table, false, true)?;
        let target = &self.manifest.target;
        let col = table.column(target).map(|c| &c.data);
        let col = col.ok_or_else(|| PipelineError::missing_column(&table, "outcome", target))?;
        let mut labels = Vec::with_capacity(table.n_rows());
        for i in 0..table.n_rows() {
            let value = col.text_at(i);
            match value.as_deref().and_then(|v| classes.iter().position(|c| c == v)) {
                Some(k) => labels.push(k),
                None => {
                    return Err(PipelineError::UnknownClass {
                        source_name: table.source.clone(),
                        location: table.locate(i),
                        column: target.clone(),
                        value,
                        classes,
                    });
                }
            }
        }
        let p =
            self.model.predict_class_proba(&x).map_err(|e| PipelineError::model("predict", e))?;
        let flat = flat(&p);
        let k = classes.len();
        let metrics = multiclass_metrics(&labels, &flat, k)?;
        let confusion = confusion_matrix(&labels, &predicted_classes(&flat, k), k);
        Ok(MulticlassEvaluation { metrics, classes, confusion, n: labels.len() })
    }
}
