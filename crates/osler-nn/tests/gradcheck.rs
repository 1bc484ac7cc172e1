//! Finite-difference gradient checks in f64 of every layer and loss the crate
//! uses, and the Cox loss against `osler_models::survival::CoxModel` on whas500.
//!
//! This file is its own test process: it switches the flex device to f64 once
//! (device settings are global and can only be set before any tensor exists).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Once;

use burn::module::Param;
use burn::nn::conv::Conv2dConfig;
use burn::nn::pool::{AdaptiveAvgPool2dConfig, MaxPool2dConfig};
use burn::nn::{
    BatchNormConfig, DropoutConfig, EmbeddingConfig, GruConfig, LayerNormConfig, LinearConfig,
    LstmConfig, PaddingConfig2d,
};
use burn::prelude::*;
use burn::tensor::{FloatDType, TensorData};
use osler_data::{Matrix, SplitMix64};
use osler_models::survival::{CoxModel, CoxOptions, Ties};
use osler_nn::device::{scalar, tensor, to_vec};
use osler_nn::layers::{Init, ResidualBlock};
use osler_nn::loss::{
    CoxRiskSets, binary_cross_entropy, cox_nll, cross_entropy, focal_loss, mse, row_weights,
};

static INIT: Once = Once::new();

fn dev() -> Device {
    INIT.call_once(|| {
        let mut d = Device::flex();
        d.configure(FloatDType::F64).unwrap();
    });
    Device::flex().autodiff()
}

fn randn(n: usize, seed: u64) -> Vec<f64> {
    let mut r = SplitMix64::new(seed);
    (0..n).map(|_| r.next_f64() * 2.0 - 1.0).collect()
}

/// Central differences of `f` at `x` against autodiff; max relative error over coordinates.
fn check<const D: usize>(
    x0: Vec<f64>,
    shape: [usize; D],
    f: &dyn Fn(Tensor<D>) -> Tensor<1>,
) -> f64 {
    check_floor(x0, shape, f, 1e-6)
}

/// [`check`] with error `|fd - g| / (floor + max(|fd|, |g|))`.
fn check_floor<const D: usize>(
    x0: Vec<f64>,
    shape: [usize; D],
    f: &dyn Fn(Tensor<D>) -> Tensor<1>,
    floor: f64,
) -> f64 {
    let d = dev();
    let x = tensor(x0.clone(), shape, &d).require_grad();
    let y = f(x.clone());
    let grads = y.backward();
    let g = to_vec(x.grad(&grads).expect("gradient")).unwrap();
    let h = 1e-6;
    let mut worst: f64 = 0.0;
    for k in 0..x0.len() {
        let mut xp = x0.clone();
        xp[k] += h;
        let mut xm = x0.clone();
        xm[k] -= h;
        let fp = scalar(f(tensor(xp, shape, &d))).unwrap();
        let fm = scalar(f(tensor(xm, shape, &d))).unwrap();
        let fd = (fp - fm) / (2.0 * h);
        let err = (fd - g[k]).abs() / (floor + fd.abs().max(g[k].abs()));
        worst = worst.max(err);
    }
    worst
}

/// Sum of the output weighted by fixed random numbers (so every output element matters).
fn project<const D: usize>(y: Tensor<D>, seed: u64) -> Tensor<1> {
    let shape: [usize; D] = y.dims();
    let n = shape.iter().product();
    let w = tensor(randn(n, seed), shape, &y.device());
    (y * w).sum()
}

const TOL: f64 = 1e-6;

#[test]
fn linear_input_and_weight_gradients() {
    let d = dev();
    d.seed(1);
    let layer = LinearConfig::new(4, 3).init(&d);
    assert!(check(randn(20, 2), [5, 4], &|x| project(layer.forward(x), 3)) < TOL);
    let x = tensor(randn(20, 4), [5, 4], &d);
    let bias = layer.bias.clone();
    let e = check(randn(12, 5), [4, 3], &|w| {
        let l = burn::nn::Linear { weight: Param::from_tensor(w), bias: bias.clone() };
        project(l.forward(x.clone()), 6)
    });
    assert!(e < TOL, "weight gradient error {e}");
}

#[test]
fn norm_layers() {
    let d = dev();
    let bn = BatchNormConfig::new(3).init(&d);
    assert!(check(randn(18, 7), [6, 3], &|x| project(bn.forward(x), 8)) < TOL);
    let ln = LayerNormConfig::new(3).init(&d);
    assert!(check(randn(18, 9), [6, 3], &|x| project(ln.forward(x), 10)) < TOL);
}

#[test]
fn dropout_with_a_fixed_mask() {
    let _g = osler_nn::device::fit_lock();
    let d = dev();
    let drop = DropoutConfig::new(0.3).init();
    let e = check(randn(24, 11), [4, 6], &|x| {
        x.device().seed(5); // the same mask at every evaluation
        project(drop.forward(x), 12)
    });
    assert!(e < TOL, "{e}");
    let _ = d;
}

#[test]
fn conv2d_and_pooling() {
    let d = dev();
    d.seed(2);
    let conv = Conv2dConfig::new([2, 3], [3, 3])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init(&d);
    let pool = MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init();
    let gap = AdaptiveAvgPool2dConfig::new([1, 1]).init();
    let f = |x: Tensor<4>| project(gap.forward(pool.forward(conv.forward(x))), 13);
    let e = check(randn(2 * 2 * 4 * 4, 14), [2, 2, 4, 4], &f);
    assert!(e < TOL, "{e}");
}

#[test]
fn residual_block() {
    let d = dev();
    d.seed(3);
    let block = ResidualBlock::new(4, 0.0, Init::Random, &d);
    assert!(check(randn(12, 15), [3, 4], &|x| project(block.forward(x), 16)) < TOL);
}

#[test]
fn lstm_and_gru() {
    let d = dev();
    d.seed(4);
    let lstm = LstmConfig::new(3, 4, true).init(&d);
    let e = check(randn(2 * 5 * 3, 17), [2, 5, 3], &|x| project(lstm.forward(x, None).0, 18));
    assert!(e < TOL, "lstm {e}");
    let gru = GruConfig::new(3, 4, true).init(&d);
    let e = check(randn(2 * 5 * 3, 19), [2, 5, 3], &|x| project(gru.forward(x, None), 20));
    assert!(e < TOL, "gru {e}");
}

#[test]
fn embedding_weight_gradient() {
    let d = dev();
    let tokens =
        Tensor::<2, Int>::from_data(TensorData::new(vec![0i64, 2, 1, 2, 2, 4], [2, 3]), &d);
    let e = check(randn(5 * 3, 21), [5, 3], &|w| {
        let mut emb = EmbeddingConfig::new(5, 3).init(&w.device());
        emb.weight = Param::from_tensor(w);
        project(emb.forward(tokens.clone()), 22)
    });
    assert!(e < TOL, "{e}");
}

#[test]
fn classification_losses() {
    let d = dev();
    let y = tensor(vec![1.0, 0.0, 1.0, 1.0, 0.0, 0.0], [6], &d);
    let w = row_weights(&[1, 0, 1, 1, 0, 0], &[0.3, 2.0], &d).unwrap();
    let z0: Vec<f64> = randn(6, 23).iter().map(|v| v * 4.0).collect();
    assert!(check(z0.clone(), [6], &|z| binary_cross_entropy(z, y.clone(), Some(w.clone()))) < TOL);
    let e = check(z0.clone(), [6], &|z| focal_loss(z, y.clone(), 2.0, 0.25));
    assert!(e < 1e-5, "focal {e}"); // (1 - p)^2 has larger third derivatives: FD truncation ~1e-6
    assert!(check(z0, [6], &|z| mse(z, y.clone())) < TOL);
    let classes = [0usize, 2, 1, 2];
    let w = row_weights(&classes, &[1.0, 0.5, 3.0], &d).unwrap();
    let e = check(randn(12, 24), [4, 3], &|z| cross_entropy(z, &classes, Some(w.clone())));
    assert!(e < TOL, "{e}");
}

#[test]
fn classification_loss_values() {
    let d = dev();
    // BCE of logit 0 is ln 2; large logits stay finite (stable softplus).
    let l = scalar(binary_cross_entropy(
        tensor(vec![0.0, 800.0], [2], &d),
        tensor(vec![1.0, 0.0], [2], &d),
        None,
    ))
    .unwrap();
    assert!((l - (2f64.ln() + 800.0) / 2.0).abs() < 1e-9, "{l}");
    // Focal with gamma 0 and alpha 0.5 is half the cross-entropy.
    let z = tensor(vec![0.3, -1.2, 2.0], [3], &d);
    let y = tensor(vec![1.0, 0.0, 0.0], [3], &d);
    let f = scalar(focal_loss(z.clone(), y.clone(), 0.0, 0.5)).unwrap();
    let b = scalar(binary_cross_entropy(z, y, None)).unwrap();
    assert!((f - b / 2.0).abs() < 1e-12);
}

fn cox_data() -> (Vec<f64>, Vec<f64>) {
    // Ties among events and between events and censorings.
    let t = vec![5.0, 3.0, 3.0, 8.0, 3.0, 1.0, 8.0, 6.0, 5.0, 2.0];
    let e = vec![1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0];
    (t, e)
}

#[test]
fn cox_loss_gradient_efron_and_breslow() {
    let (t, e) = cox_data();
    for ties in [Ties::Efron, Ties::Breslow] {
        let sets = CoxRiskSets::new(&t, &e, ties).unwrap();
        let err = check(randn(10, 25), [10], &|eta| cox_nll(eta, &sets).unwrap());
        assert!(err < TOL, "{ties:?}: {err}");
    }
}

/// At a fixed beta, a linear network's Cox loss is -loglik/n of CoxModel's engine
/// (at beta = 0: the null log-likelihood; at the MLE: the maximised one).
#[test]
fn cox_loss_matches_cox_model_on_whas500() {
    let d = dev();
    let (x, time, event) = common::whas500();
    let n = x.rows();
    let p = x.cols();
    for ties in [Ties::Efron, Ties::Breslow] {
        let fit = CoxModel::fit(&x, &time, &event, &CoxOptions { ties, ..CoxOptions::default() })
            .unwrap();
        let sets = CoxRiskSets::new(&time, &event, ties).unwrap();
        let rows: Vec<f64> = (0..n).flat_map(|i| x.row(i)).collect();
        let xt = tensor(rows.clone(), [n, p], &d);
        for (beta, want) in
            [(vec![0.0; p], fit.loglik_null()), (fit.coefficients().to_vec(), fit.loglik())]
        {
            let b = tensor(beta.clone(), [p, 1], &d);
            let loss = scalar(cox_nll(xt.clone().matmul(b).reshape([n]), &sets).unwrap()).unwrap();
            let target = -want / n as f64;
            assert!((loss - target).abs() < 1e-10 * target.abs(), "{ties:?}: {loss} vs {target}");
        }
        // Gradient in beta against finite differences, at the MLE (where it is ~0) and at 0.
        for beta in [fit.coefficients().to_vec(), vec![0.01; p]] {
            // The gradient is ~0 at the MLE: compare on the scale of 1e-4 (absolute part).
            let err = check_floor(
                beta,
                [p, 1],
                &|b| {
                    let xt = tensor(rows.clone(), [n, p], &b.device());
                    cox_nll(xt.matmul(b).reshape([n]), &sets).unwrap()
                },
                1e-4,
            );
            // Rounding of a 500-term log-likelihood (~1e-13) over h = 1e-6 bounds the FD accuracy.
            assert!(err < 1e-4, "{ties:?}: gradient error {err}");
        }
    }
}

#[test]
fn cox_loss_is_linear_time_on_a_large_batch() {
    // 200k rows: an n x n matrix would need 320 GB; the prefix-sum loss takes well under a second.
    let d = dev();
    let n = 200_000;
    let mut r = SplitMix64::new(9);
    let t: Vec<f64> = (0..n).map(|_| (r.next_f64() * 1000.0).floor()).collect();
    let e: Vec<f64> = (0..n).map(|_| f64::from(r.next_f64() < 0.3)).collect();
    let sets = CoxRiskSets::new(&t, &e, Ties::Efron).unwrap();
    let t0 = std::time::Instant::now();
    let eta = tensor(randn(n, 3), [n], &d).require_grad();
    let loss = cox_nll(eta.clone(), &sets).unwrap();
    let g = loss.backward();
    assert!(eta.grad(&g).is_some());
    assert!(t0.elapsed().as_secs_f64() < 5.0);
    let _ = Matrix::zeros(0, 0);
}
