//! Linear models: logistic regression (IRLS and elastic net).
