//! Sections of a multiclass artifact: cross-validated accuracy, one-vs-rest
//! discrimination and the confusion matrix of the out-of-fold predictions,
//! and the fitted model (per-class coefficients or the network's loss curves).

use osler_eval::{confusion_matrix, predicted_classes};
use osler_pipeline::Artifact;
use osler_pipeline::enet_multinomial::MultinomialEnetModel;
use osler_pipeline::summary::MultinomialSummary;

use super::nn;
use super::shared::{cross_validation, cv_design, cv_metric_table};
use crate::{Report, Table, fmt_num};

/// Coefficients listed per class in the model section.
const COEFFICIENTS_SHOWN: usize = 15;

/// Performance sections from the out-of-fold class probabilities (or a note
/// that the model was trained without cross-validation).
pub(crate) fn performance(r: &mut Report, art: &Artifact, classes: &[String]) {
    let Some((cv, oof)) = cross_validation(r, art) else { return };
    let s = r.section("Cross-validated performance");
    s.paragraph(format!(
        "{} Mean and SD over folds; {}.",
        cv_design(cv, "class"),
        cv.ci_description()
    ));
    s.table(cv_metric_table(cv).caption("Accuracy and macro F1 use the most probable class; AUROCs are one-vs-rest (macro: mean over classes, weighted: by class size); the Brier score sums over classes (0 best, 2 worst)."));
    let Some(p) = &oof.probabilities else { return };
    let k = classes.len();
    let labels: Vec<usize> = oof.y.iter().map(|&v| v as usize).collect();
    let flat: Vec<f64> = p.iter().flatten().copied().collect();
    let confusion = confusion_matrix(&labels, &predicted_classes(&flat, k), k);
    let mut head = vec!["true class".to_string()];
    head.extend(classes.iter().map(|c| format!("predicted {c}")));
    head.push("recall".into());
    let mut t = Table::new(head).numeric_columns(1..=k + 1);
    for (c, row) in classes.iter().zip(&confusion) {
        let total: usize = row.iter().sum();
        let correct = row[classes.iter().position(|x| x == c).unwrap_or(0)];
        let mut cells = vec![c.clone()];
        cells.extend(row.iter().map(usize::to_string));
        cells.push(fmt_num(correct as f64 / total.max(1) as f64, 3));
        t = t.row(cells);
    }
    s.table(t.caption("Confusion matrix of the pooled out-of-fold predictions (most probable class); the diagonal holds the correct predictions."));
}

/// The model section of a multiclass artifact.
pub(crate) fn model_section(r: &mut Report, art: &Artifact, classes: &[String]) {
    let s = r.section("Model");
    if let Some(m) = art.model.get::<MultinomialEnetModel>() {
        let summary = MultinomialSummary::of(m, &art.manifest.feature_names, classes);
        let mut t = Table::new(["class", "intercept", "non-zero", "largest coefficients"])
            .numeric_columns([1, 2]);
        for c in &summary.class_coefficients {
            let top: Vec<String> = c
                .coefficients
                .iter()
                .take(COEFFICIENTS_SHOWN)
                .map(|b| format!("{} {}", b.name, fmt_num(b.coef, 3)))
                .collect();
            t = t.row([
                c.class.clone(),
                fmt_num(c.intercept, 3),
                c.coefficients.len().to_string(),
                top.join(", "),
            ]);
        }
        s.table(t.caption(format!(
            "Multinomial elastic net (alpha {}, lambda {}): per class, the intercept and the largest of its non-zero coefficients on the original scale of each input (glmnet's symmetric parameterisation); {} features have a non-zero coefficient in some class.",
            fmt_num(summary.penalty.alpha, 2),
            fmt_num(summary.penalty.lambda, 4),
            summary.selected
        )));
    } else {
        if let Some(svg) = nn::loss_curves(&art.model) {
            s.figure(svg, "Training and validation loss (cross-entropy) per epoch of the final model; the kept weights are those of the best validation epoch.");
        }
    }
}
