//! osler-pipeline: training, cross-validation, artifacts, prediction.
