//! osler-eval: metrics, calibration, decision curves, resampling.
