//! Convolutional networks for images `[n, channels, height, width]`: a small
//! CNN and a ResNet-18-style network with the CIFAR stem (He et al., "Deep
//! Residual Learning for Image Recognition", CVPR 2016, section 4.2: a 3x3
//! stride-1 first convolution and no max-pool, so 28 px inputs keep their
//! resolution into the first stage).
//!
//! Batch normalisation takes batch statistics (and updates its running
//! statistics) only on the autodiff device; the evaluation copy of a network
//! (`Module::valid`) and a network loaded for serving use the running
//! statistics.

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{AdaptiveAvgPool2d, AdaptiveAvgPool2dConfig, MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::activation::relu;
use serde::{Deserialize, Serialize};

use crate::layers::{Init, start};

/// Which convolutional network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CnnKind {
    /// Three `conv3x3 -> BatchNorm -> ReLU -> maxpool 2x2` stages of `width`,
    /// `2 width` and `4 width` filters, global average pooling, a linear head.
    #[default]
    Cnn,
    /// ResNet-18: a `conv3x3(64) -> BatchNorm -> ReLU` stem (stride 1, no max-pool),
    /// four stages of two basic blocks with 64, 128, 256 and 512 filters (stride 2
    /// from the second stage on, 1x1 projection shortcuts where the shape changes),
    /// global average pooling, a linear head.
    ResNet18,
}

impl std::str::FromStr for CnnKind {
    type Err = crate::NnError;
    fn from_str(s: &str) -> Result<Self, crate::NnError> {
        match s.to_ascii_lowercase().as_str() {
            "cnn" => Ok(CnnKind::Cnn),
            "resnet18" => Ok(CnnKind::ResNet18),
            o => Err(crate::NnError::InvalidOption {
                option: "model",
                value: format!("'{o}'"),
                expected: "be cnn or resnet18",
            }),
        }
    }
}

/// Shape of a convolutional network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CnnArch {
    /// The network.
    pub kind: CnnKind,
    /// Input channels (1 for grey-scale, 3 for RGB).
    pub channels: usize,
    /// Filters of the small CNN's first stage (ignored by ResNet-18).
    pub width: usize,
    /// Output logits: one per class.
    pub outputs: usize,
}

/// `conv kxk` with `padding = k / 2`, the given stride, no bias (a batch
/// normalisation follows every convolution of these networks, and its shift
/// makes a bias redundant).
fn conv(i: usize, o: usize, k: usize, stride: usize, init: Init, device: &Device) -> Conv2d {
    let p = k / 2;
    start!(init, Conv2dConfig::new([i, o], [k, k]))
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(p, p, p, p))
        .with_bias(false)
        .init(device)
}

/// The small CNN ([`CnnKind::Cnn`]).
#[derive(Module, Debug)]
pub struct SmallCnn {
    /// The three 3x3 convolutions.
    pub convs: Vec<Conv2d>,
    /// Batch normalisation after each convolution.
    pub norms: Vec<BatchNorm>,
    /// 2x2 max pooling with stride 2 after each stage.
    pub pool: MaxPool2d,
    /// Global average pooling to one value per channel.
    pub gap: AdaptiveAvgPool2d,
    /// Linear head `4 width -> outputs`.
    pub head: Linear,
}

impl SmallCnn {
    fn new(arch: &CnnArch, init: Init, device: &Device) -> Self {
        let w = arch.width;
        let widths = [(arch.channels, w), (w, 2 * w), (2 * w, 4 * w)];
        SmallCnn {
            convs: widths.iter().map(|&(i, o)| conv(i, o, 3, 1, init, device)).collect(),
            norms: widths.iter().map(|&(_, o)| BatchNormConfig::new(o).init(device)).collect(),
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            gap: AdaptiveAvgPool2dConfig::new([1, 1]).init(),
            head: start!(init, LinearConfig::new(4 * w, arch.outputs)).init(device),
        }
    }

    /// The last stage's `relu(bn(conv))` maps, before its max-pool: the
    /// finest maps that every logit depends on (7 x 7 for 28 px inputs).
    fn features(&self, x: Tensor<4>) -> Tensor<4> {
        let mut h = x;
        for (i, (c, bn)) in self.convs.iter().zip(&self.norms).enumerate() {
            if i > 0 {
                h = self.pool.forward(h);
            }
            h = relu(bn.forward(c.forward(h)));
        }
        h
    }

    fn classify(&self, features: Tensor<4>) -> Tensor<2> {
        let h = self.pool.forward(features);
        let [n, c, _, _] = h.dims();
        self.head.forward(self.gap.forward(h).reshape([n, c]))
    }
}

/// Basic residual block: `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`,
/// the shortcut a `conv1x1 -> BatchNorm` projection where stride or width change.
#[derive(Module, Debug)]
pub struct BasicBlock {
    /// First 3x3 convolution (carries the block's stride).
    pub conv1: Conv2d,
    /// Batch normalisation after `conv1`.
    pub bn1: BatchNorm,
    /// Second 3x3 convolution (stride 1).
    pub conv2: Conv2d,
    /// Batch normalisation after `conv2`.
    pub bn2: BatchNorm,
    /// 1x1 projection of the shortcut (`None`: identity).
    pub down_conv: Option<Conv2d>,
    /// Batch normalisation of the projected shortcut.
    pub down_bn: Option<BatchNorm>,
}

impl BasicBlock {
    fn new(i: usize, o: usize, stride: usize, init: Init, device: &Device) -> Self {
        let project = stride != 1 || i != o;
        BasicBlock {
            conv1: conv(i, o, 3, stride, init, device),
            bn1: BatchNormConfig::new(o).init(device),
            conv2: conv(o, o, 3, 1, init, device),
            bn2: BatchNormConfig::new(o).init(device),
            down_conv: project.then(|| conv(i, o, 1, stride, init, device)),
            down_bn: project.then(|| BatchNormConfig::new(o).init(device)),
        }
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let h = relu(self.bn1.forward(self.conv1.forward(x.clone())));
        let h = self.bn2.forward(self.conv2.forward(h));
        let shortcut = match (&self.down_conv, &self.down_bn) {
            (Some(c), Some(bn)) => bn.forward(c.forward(x)),
            _ => x,
        };
        relu(h + shortcut)
    }
}

/// The ResNet-18-style network ([`CnnKind::ResNet18`]).
#[derive(Module, Debug)]
pub struct ResNet18 {
    /// Stem convolution, 3x3 stride 1, `channels -> 64`.
    pub stem: Conv2d,
    /// Batch normalisation of the stem.
    pub stem_bn: BatchNorm,
    /// The eight basic blocks, two per stage.
    pub blocks: Vec<BasicBlock>,
    /// Global average pooling to one value per channel.
    pub gap: AdaptiveAvgPool2d,
    /// Linear head `512 -> outputs`.
    pub head: Linear,
}

/// Filters of the four ResNet-18 stages.
const RESNET_WIDTHS: [usize; 4] = [64, 128, 256, 512];

impl ResNet18 {
    fn new(arch: &CnnArch, init: Init, device: &Device) -> Self {
        let mut blocks = Vec::new();
        let mut width = RESNET_WIDTHS[0];
        for (stage, &o) in RESNET_WIDTHS.iter().enumerate() {
            let stride = if stage == 0 { 1 } else { 2 };
            blocks.push(BasicBlock::new(width, o, stride, init, device));
            blocks.push(BasicBlock::new(o, o, 1, init, device));
            width = o;
        }
        ResNet18 {
            stem: conv(arch.channels, RESNET_WIDTHS[0], 3, 1, init, device),
            stem_bn: BatchNormConfig::new(RESNET_WIDTHS[0]).init(device),
            blocks,
            gap: AdaptiveAvgPool2dConfig::new([1, 1]).init(),
            head: start!(init, LinearConfig::new(width, arch.outputs)).init(device),
        }
    }

    /// The last basic block's output (4 x 4 for 28 px inputs).
    fn features(&self, x: Tensor<4>) -> Tensor<4> {
        let mut h = relu(self.stem_bn.forward(self.stem.forward(x)));
        for block in &self.blocks {
            h = block.forward(h);
        }
        h
    }

    fn classify(&self, features: Tensor<4>) -> Tensor<2> {
        let [n, c, _, _] = features.dims();
        self.head.forward(self.gap.forward(features).reshape([n, c]))
    }
}

/// A convolutional network of either kind.
// burn's module derive does not see through a Box; a network is built once
// per fit or loaded model, so the enum's size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Module, Debug)]
pub enum CnnNet {
    /// The small CNN, for [`CnnKind::Cnn`].
    Cnn(SmallCnn),
    /// The ResNet-18, for [`CnnKind::ResNet18`].
    ResNet18(ResNet18),
}

impl CnnNet {
    /// A freshly initialised network (burn's Kaiming-uniform initialisers, drawn
    /// from the device RNG; batch normalisation starts at scale 1, shift 0).
    pub fn new(arch: &CnnArch, device: &Device) -> Self {
        Self::with_init(arch, Init::Random, device)
    }

    /// A network of zeros for loaded weights to overwrite (no RNG draws).
    pub fn shell(arch: &CnnArch, device: &Device) -> Self {
        Self::with_init(arch, Init::Zeros, device)
    }

    fn with_init(arch: &CnnArch, init: Init, device: &Device) -> Self {
        match arch.kind {
            CnnKind::Cnn => CnnNet::Cnn(SmallCnn::new(arch, init, device)),
            CnnKind::ResNet18 => CnnNet::ResNet18(ResNet18::new(arch, init, device)),
        }
    }

    /// Logits `[n, outputs]` of images `[n, channels, height, width]`:
    /// [`CnnNet::classify`] of [`CnnNet::features`].
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        self.classify(self.features(x))
    }

    /// The last convolutional block's feature maps `[n, filters, rows, columns]`,
    /// the maps Grad-CAM weighs ([`crate::heatmap`]): the small CNN's third
    /// `relu(bn(conv))` before its max-pool, ResNet-18's last basic block.
    pub fn features(&self, x: Tensor<4>) -> Tensor<4> {
        match self {
            CnnNet::Cnn(c) => c.features(x),
            CnnNet::ResNet18(r) => r.features(x),
        }
    }

    /// Logits `[n, outputs]` from [`CnnNet::features`]' maps (the small CNN's
    /// last max-pool, then global average pooling and the linear head).
    pub fn classify(&self, features: Tensor<4>) -> Tensor<2> {
        match self {
            CnnNet::Cnn(c) => c.classify(features),
            CnnNet::ResNet18(r) => r.classify(features),
        }
    }

    /// The linear head after global average pooling (weight `[filters, outputs]`).
    pub fn head(&self) -> &Linear {
        match self {
            CnnNet::Cnn(c) => &c.head,
            CnnNet::ResNet18(r) => &r.head,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{DeviceChoice, device};

    fn logits_shape(kind: CnnKind, channels: usize, side: usize) -> [usize; 2] {
        let dev = device(DeviceChoice::Cpu).unwrap_or_else(|e| panic!("{e}"));
        let arch = CnnArch { kind, channels, width: 4, outputs: 3 };
        let x = Tensor::<4>::ones([2, channels, side, side], &dev);
        CnnNet::new(&arch, &dev).forward(x).dims()
    }

    #[test]
    fn both_networks_give_one_logit_per_class_at_28_and_64_px() {
        for kind in [CnnKind::Cnn, CnnKind::ResNet18] {
            for (channels, side) in [(1, 28), (3, 28), (1, 64)] {
                assert_eq!(
                    logits_shape(kind, channels, side),
                    [2, 3],
                    "{kind:?} {channels} {side}"
                );
            }
        }
    }

    #[test]
    fn resnet18_has_the_resnet18_parameter_count() {
        let dev = device(DeviceChoice::Cpu).unwrap_or_else(|e| panic!("{e}"));
        let arch = CnnArch { kind: CnnKind::ResNet18, channels: 3, width: 0, outputs: 10 };
        // The CIFAR ResNet-18 (3x3 stem, no max-pool; bench/cnn_bench.py builds it in PyTorch)
        // with a 10-class head has 11,173,962 trainable parameters; burn also
        // counts the running mean and variance of the 4,800 batch-norm channels.
        assert_eq!(CnnNet::shell(&arch, &dev).num_params(), 11_173_962 + 2 * 4_800);
    }

    #[test]
    fn model_names_parse() {
        assert_eq!("ResNet18".parse::<CnnKind>().ok(), Some(CnnKind::ResNet18));
        assert_eq!("cnn".parse::<CnnKind>().ok(), Some(CnnKind::Cnn));
        assert!("vgg".parse::<CnnKind>().is_err());
    }
}
