//! Network building blocks on burn's layers: a tabular MLP body with batch or
//! layer normalisation, dropout and optional residual blocks; a recurrent
//! (LSTM/GRU) sequence encoder with an optional embedding of a token channel.

use burn::module::Module;
use burn::nn::{
    BatchNorm, BatchNormConfig, Dropout, DropoutConfig, Embedding, EmbeddingConfig, Gru, GruConfig,
    LayerNorm, LayerNormConfig, Linear, LinearConfig, Lstm, LstmConfig,
};
use burn::prelude::*;
use burn::tensor::activation::relu;
use serde::{Deserialize, Serialize};

/// Normalisation after each hidden linear layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Norm {
    /// No normalisation.
    #[default]
    None,
    /// Batch normalisation (Ioffe & Szegedy 2015); running statistics at prediction.
    Batch,
    /// Layer normalisation (Ba et al. 2016).
    Layer,
}

/// How a network's parameters start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Init {
    /// burn's default initialiser of each layer (e.g. Kaiming-uniform for linear
    /// layers), drawn from the backend's global RNG: the start of a training run.
    Random,
    /// Zeros everywhere: a shell that loaded weights overwrite. It draws nothing
    /// from the RNG, so building one needs no lock and leaves a concurrent fit's
    /// random stream untouched.
    Zeros,
}

/// `config` with its initialiser replaced by zeros for [`Init::Zeros`]; burn's
/// layer configs share no trait for this, hence a macro.
macro_rules! start {
    ($init:expr, $config:expr) => {
        match $init {
            $crate::layers::Init::Random => $config,
            $crate::layers::Init::Zeros => $config.with_initializer(burn::nn::Initializer::Zeros),
        }
    };
}
pub(crate) use start;

/// Architecture of a multilayer perceptron.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpArch {
    /// Input features per row.
    pub inputs: usize,
    /// Widths of the hidden layers (e.g. `[32, 32]`).
    pub hidden: Vec<usize>,
    /// Output units: 1 (binary logit or Cox log-risk) or the number of classes.
    pub outputs: usize,
    /// Dropout probability after each hidden layer and inside residual blocks (training only).
    pub dropout: f64,
    /// Normalisation after each hidden linear layer.
    pub norm: Norm,
    /// Bias of the output layer (DeepSurv has none: a constant cancels in the partial likelihood).
    pub output_bias: bool,
    /// Residual blocks appended after the hidden layers (width = last hidden width).
    pub residual_blocks: usize,
}

/// Pre-norm residual block `x + W2 relu(W1 LN(x))` (He et al. 2016, pre-activation form).
#[derive(Module, Debug)]
pub struct ResidualBlock {
    /// Layer normalisation applied to the block input.
    pub norm: LayerNorm,
    /// First linear layer (`width -> width`), followed by ReLU.
    pub fc1: Linear,
    /// Second linear layer (`width -> width`), whose output is added to the input.
    pub fc2: Linear,
    /// Dropout between the two linear layers (training only).
    pub dropout: Dropout,
}

impl ResidualBlock {
    /// A block of `width` units with dropout probability `dropout` (training only).
    pub fn new(width: usize, dropout: f64, init: Init, device: &Device) -> Self {
        ResidualBlock {
            norm: LayerNormConfig::new(width).init(device),
            fc1: start!(init, LinearConfig::new(width, width)).init(device),
            fc2: start!(init, LinearConfig::new(width, width)).init(device),
            dropout: DropoutConfig::new(dropout).init(),
        }
    }

    /// `x + W2 dropout(relu(W1 LN(x)))` for `x: [n, width]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let h = relu(self.fc1.forward(self.norm.forward(x.clone())));
        x + self.fc2.forward(self.dropout.forward(h))
    }
}

/// MLP: `[Linear -> (BatchNorm | LayerNorm) -> ReLU -> Dropout]*` then residual blocks, then a linear output.
#[derive(Module, Debug)]
pub struct MlpNet {
    /// Hidden linear layers, in order.
    pub hidden: Vec<Linear>,
    /// Batch normalisation of each hidden layer (empty unless [`Norm::Batch`]).
    pub batch_norms: Vec<BatchNorm>,
    /// Layer normalisation of each hidden layer (empty unless [`Norm::Layer`]).
    pub layer_norms: Vec<LayerNorm>,
    /// Residual blocks after the hidden layers.
    pub blocks: Vec<ResidualBlock>,
    /// Dropout after each hidden layer's ReLU (training only).
    pub dropout: Dropout,
    /// Output linear layer (logits or risk scores).
    pub output: Linear,
}

impl MlpNet {
    /// A freshly initialised network (burn's Kaiming-uniform weights, drawn from the device RNG).
    pub fn new(arch: &MlpArch, device: &Device) -> Self {
        Self::with_init(arch, Init::Random, device)
    }

    /// A network of zeros for loaded weights to overwrite (no RNG draws).
    pub fn shell(arch: &MlpArch, device: &Device) -> Self {
        Self::with_init(arch, Init::Zeros, device)
    }

    fn with_init(arch: &MlpArch, init: Init, device: &Device) -> Self {
        let mut width = arch.inputs;
        let (mut hidden, mut batch_norms, mut layer_norms) = (Vec::new(), Vec::new(), Vec::new());
        for &h in &arch.hidden {
            hidden.push(start!(init, LinearConfig::new(width, h)).init(device));
            match arch.norm {
                Norm::Batch => batch_norms.push(BatchNormConfig::new(h).init(device)),
                Norm::Layer => layer_norms.push(LayerNormConfig::new(h).init(device)),
                Norm::None => {}
            }
            width = h;
        }
        let blocks = (0..arch.residual_blocks)
            .map(|_| ResidualBlock::new(width, arch.dropout, init, device))
            .collect();
        MlpNet {
            hidden,
            batch_norms,
            layer_norms,
            blocks,
            dropout: DropoutConfig::new(arch.dropout).init(),
            output: start!(init, LinearConfig::new(width, arch.outputs))
                .with_bias(arch.output_bias)
                .init(device),
        }
    }

    /// Logits (or risk scores) `[n, outputs]` of inputs `[n, inputs]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let mut h = x;
        for (i, layer) in self.hidden.iter().enumerate() {
            h = layer.forward(h);
            if let Some(bn) = self.batch_norms.get(i) {
                h = bn.forward(h);
            }
            if let Some(ln) = self.layer_norms.get(i) {
                h = ln.forward(h);
            }
            h = self.dropout.forward(relu(h));
        }
        for block in &self.blocks {
            h = block.forward(h);
        }
        self.output.forward(h)
    }
}

/// Recurrent cell of a [`SeqNet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cell {
    /// Long short-term memory (Hochreiter & Schmidhuber 1997).
    Lstm,
    /// Gated recurrent unit (Cho et al. 2014).
    Gru,
}

/// Architecture of a sequence classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeqArch {
    /// Recurrent cell type.
    pub cell: Cell,
    /// Continuous features per time step.
    pub features: usize,
    /// Vocabulary size of an optional token channel (0 = none) and its embedding width.
    pub vocabulary: usize,
    /// Embedding width of the token channel (unused when `vocabulary` is 0).
    pub embedding: usize,
    /// Hidden-state width of the recurrent cell.
    pub hidden: usize,
    /// Output units: 1 (binary logit) or the number of classes.
    pub outputs: usize,
    /// Dropout probability on the last hidden state (training only).
    pub dropout: f64,
}

/// Sequence classifier: `[embed(tokens) ; x_t] -> LSTM|GRU -> last hidden state -> dropout -> linear`.
#[derive(Module, Debug)]
pub struct SeqNet {
    /// Embedding of the token channel (`None` without one).
    pub embedding: Option<Embedding>,
    /// The LSTM (set when the cell is [`Cell::Lstm`]).
    pub lstm: Option<Lstm>,
    /// The GRU (set when the cell is [`Cell::Gru`]).
    pub gru: Option<Gru>,
    /// Dropout on the last hidden state (training only).
    pub dropout: Dropout,
    /// Linear head `hidden -> outputs`.
    pub head: Linear,
}

impl SeqNet {
    /// A freshly initialised network (burn's default initialisers, drawn from the device RNG).
    pub fn new(arch: &SeqArch, device: &Device) -> Self {
        Self::with_init(arch, Init::Random, device)
    }

    /// A network of zeros for loaded weights to overwrite (no RNG draws).
    pub fn shell(arch: &SeqArch, device: &Device) -> Self {
        Self::with_init(arch, Init::Zeros, device)
    }

    fn with_init(arch: &SeqArch, init: Init, device: &Device) -> Self {
        let embedding = (arch.vocabulary > 0).then(|| {
            start!(init, EmbeddingConfig::new(arch.vocabulary, arch.embedding)).init(device)
        });
        let d_in = arch.features + if arch.vocabulary > 0 { arch.embedding } else { 0 };
        let (lstm, gru) = match arch.cell {
            Cell::Lstm => {
                (Some(start!(init, LstmConfig::new(d_in, arch.hidden, true)).init(device)), None)
            }
            Cell::Gru => {
                (None, Some(start!(init, GruConfig::new(d_in, arch.hidden, true)).init(device)))
            }
        };
        SeqNet {
            embedding,
            lstm,
            gru,
            dropout: DropoutConfig::new(arch.dropout).init(),
            head: start!(init, LinearConfig::new(arch.hidden, arch.outputs)).init(device),
        }
    }

    /// Hidden states `[n, T, hidden]` of `x: [n, T, features]` and optional tokens `[n, T]`.
    pub fn encode(&self, x: Tensor<3>, tokens: Option<Tensor<2, Int>>) -> Tensor<3> {
        let input = match (&self.embedding, tokens) {
            (Some(e), Some(t)) => Tensor::cat(vec![x, e.forward(t)], 2),
            _ => x,
        };
        match (&self.lstm, &self.gru) {
            (Some(l), _) => l.forward(input, None).0,
            (None, Some(g)) => g.forward(input, None),
            (None, None) => input,
        }
    }

    /// Logits `[n, outputs]` from the last time step's hidden state.
    pub fn forward(&self, x: Tensor<3>, tokens: Option<Tensor<2, Int>>) -> Tensor<2> {
        let h = self.encode(x, tokens);
        let [n, t, d] = h.dims();
        let last = h.slice([0..n, t - 1..t, 0..d]).reshape([n, d]);
        self.head.forward(self.dropout.forward(last))
    }
}
