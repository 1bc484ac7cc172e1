//! Model artifacts: a directory holding `manifest.json` (task, schema,
//! preprocessing, hyperparameters, data hash, CV metrics, versions) and the
//! weights (`model.json`), plus out-of-fold predictions for reports.
//!
//! Writes are atomic: everything goes to a temporary sibling directory that is
//! renamed into place, so a failed write never leaves a half artifact. Loading
//! checks the format version, the SHA-256 of the manifest's bytes against
//! `manifest.sha256` (`sha256sum` format, so `sha256sum -c manifest.sha256`
//! checks it too) and the SHA-256 of every file the manifest lists: an edited
//! threshold, schema or preprocessing step is refused like an edited weights
//! file, instead of silently changing every prediction.
//!
//! An artifact without `manifest.sha256` was written before the manifest had
//! a hash; it loads as it did then (its other files are still checked), so
//! existing models keep working. The hash guards against accidental or
//! well-meant edits, not deliberate tampering: without a secret key nothing
//! stored beside the files can, and deleting the file is such a deliberate act.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use osler_data::atomic::{parent_dir, unique_sibling};
use osler_data::{BinaryLevels, Preprocessor, Schema};

use crate::cv::{CvSummary, OutOfFold};
use crate::error::{ArtifactProblem, PipelineError};
use crate::leakage::Warning;
use crate::model::{FittedModel, ModelSpec};

/// Identifies the file layout; bumped on any incompatible change.
pub const FORMAT: &str = "osler-artifact";
/// Version of the layout named by [`FORMAT`]; loading refuses any other.
pub const FORMAT_VERSION: u32 = 1;
const MANIFEST: &str = "manifest.json";
/// The SHA-256 of the manifest's bytes, as one `sha256sum` line.
const MANIFEST_HASH: &str = "manifest.sha256";
const WEIGHTS: &str = "model.json";
const OOF: &str = "cv_predictions.json";

/// Where the training data came from, identified by content hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataInfo {
    /// Where the training data came from (the file path as given).
    pub source: String,
    /// SHA-256 of the training file's bytes.
    pub sha256: String,
    /// Rows used for training.
    pub rows: usize,
    /// Rows with the event (positive class or observed event).
    pub events: usize,
    /// Missing counts and quartiles of the outcome and predictor columns.
    pub columns: Vec<osler_data::ColumnSummary>,
}

/// Outcome columns of a survival model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurvivalColumns {
    /// Follow-up (stop) time column.
    pub time: String,
    /// Event indicator column.
    pub event: String,
    /// Interval start column, for (start, stop] counting-process data.
    pub start: Option<String>,
    /// Times of the integrated Brier score and default prediction times
    /// (the 10-80% deciles of the training follow-up times).
    pub eval_times: Vec<f64>,
}

/// What a model reads: the input contract of the manifest. Tabular models
/// read one row per patient conformed to the schema; sequence models read a
/// long-format table (one row per patient per visit) grouped by a patient id
/// and ordered by a visit time. Image and text contracts join this enum as
/// variants of their own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum InputContract {
    /// One row per patient, conformed to the manifest's schema.
    #[default]
    Tabular,
    /// One row per patient per visit: each patient's last `steps` visits in
    /// time order (left-padded with zeros) form one sequence.
    Sequence {
        /// Patient-id column: the rows of one patient form one sequence.
        id: String,
        /// Numeric visit-time column that orders a patient's visits.
        time: String,
        /// Visits per sequence: the latest `steps` visits of each patient.
        steps: usize,
    },
    /// One image file per patient (PNG, JPEG or DICOM), turned into the
    /// network's input exactly as [`crate::image::ImageContract`] says.
    Image(crate::image::ImageContract),
}

/// A metric panel of one held-out split, with the 95% intervals of its metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldOutMetrics {
    /// Which split (`validation`, `test`).
    pub split: String,
    /// Rows (images) evaluated.
    pub n: usize,
    /// Events among them.
    pub events: usize,
    /// Metric values by name, in the panel's order (`None`: undefined on this split).
    pub metrics: Vec<(String, Option<f64>)>,
    /// The 95% interval of each metric that has one, by name.
    pub ci95: BTreeMap<String, [f64; 2]>,
    /// How the intervals were computed.
    pub ci_method: String,
}

/// The artifact's description. No patient values are stored here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// Version of osler that trained the model.
    pub osler_version: String,
    /// `binary`, `multiclass` or `survival`.
    pub task: String,
    /// The model kind and hyperparameters that were trained.
    pub model: ModelSpec,
    /// Why the model differs from the one asked for (e.g. a ridge fallback).
    pub model_note: Option<String>,
    /// Outcome column (the time column of a survival model).
    pub target: String,
    /// Which outcome level is 0 and which is 1 (censored / event for survival;
    /// for a multiclass model the first class and the others joined by `|`, a
    /// one-vs-rest reading for tools that know only binary outcomes).
    pub levels: BinaryLevels,
    /// Multiclass models: the class names, index = class code (the order of
    /// every probability vector); absent for other tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
    /// Input columns the model reads.
    pub features: Vec<String>,
    /// Model feature names after encoding (`column`, `column=level`, `column (missing)`).
    pub feature_names: Vec<String>,
    /// The data schema new rows are conformed to (types, levels, missing codes, roles).
    pub schema: Schema,
    /// The fitted imputation and encoding applied before the model.
    pub preprocessing: Preprocessor,
    /// Decision threshold for class predictions (NaN, i.e. null, for survival models).
    #[serde(deserialize_with = "crate::nan_json::f64_or_nan")]
    pub threshold: f64,
    /// Seed of the fold assignments and of the CV bootstrap.
    pub seed: u64,
    /// The training data's source, hash and aggregate summaries.
    pub data: DataInfo,
    /// Cross-validated metrics; `None` when CV was skipped.
    pub cv: Option<CvSummary>,
    /// Survival models: the outcome columns and the evaluation time grid.
    pub survival: Option<SurvivalColumns>,
    /// What the model reads (artifacts without the field are tabular).
    #[serde(default)]
    pub input: InputContract,
    /// Problems found in the training data, e.g. a predictor that alone
    /// separates the outcome (possible leakage); absent when there are none
    /// and in artifacts written before the check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    /// Metrics on held-out splits evaluated at training time (an image
    /// model's validation and official test splits); absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held_out: Vec<HeldOutMetrics>,
    /// SHA-256 of each other file in the directory.
    pub files: BTreeMap<String, String>,
}

/// A loaded or freshly trained artifact.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// The description (`manifest.json`).
    pub manifest: Manifest,
    /// The fitted estimator (`model.json`).
    pub model: FittedModel,
    /// Out-of-fold predictions (`cv_predictions.json`); `None` when CV was skipped.
    pub out_of_fold: Option<OutOfFold>,
}

/// How often a save retries moving an artifact that another save put in its
/// place; each retry means another writer finished in between, so a bound only
/// guards against livelock.
const REPLACE_TRIES: usize = 64;

/// The error of a save to an existing directory without `overwrite`.
fn exists(dir: &Path) -> PipelineError {
    PipelineError::ArtifactExists { path: dir.display().to_string() }
}

/// A failed write of `path`.
fn write_error(path: &Path, source: std::io::Error) -> PipelineError {
    PipelineError::Write { path: path.display().to_string(), source }
}

fn sha256_hex(bytes: &[u8]) -> String {
    osler_data::csv_reader::hex(&Sha256::digest(bytes))
}

fn to_json<T: Serialize>(v: &T) -> Result<Vec<u8>, PipelineError> {
    let mut s =
        serde_json::to_vec_pretty(v).map_err(|source| PipelineError::Serialise { source })?;
    s.push(b'\n');
    Ok(s)
}

impl Artifact {
    /// Writes the artifact to `dir` atomically. An existing `dir` is replaced only with `overwrite`.
    pub fn save(&mut self, dir: &Path, overwrite: bool) -> Result<(), PipelineError> {
        if dir.exists() && !overwrite {
            return Err(exists(dir));
        }
        let mut files: Vec<(String, Vec<u8>)> = vec![(WEIGHTS.into(), to_json(&self.model)?)];
        if let Some(oof) = &self.out_of_fold {
            files.push((OOF.into(), to_json(oof)?));
        }
        files.extend(self.model.side_files());
        self.manifest.files = files.iter().map(|(n, b)| (n.to_string(), sha256_hex(b))).collect();
        let manifest = to_json(&self.manifest)?;
        files.push((
            MANIFEST_HASH.into(),
            format!("{}  {MANIFEST}\n", sha256_hex(&manifest)).into(),
        ));
        files.push((MANIFEST.into(), manifest));

        let parent = parent_dir(dir);
        std::fs::create_dir_all(parent).map_err(|e| write_error(parent, e))?;
        let tmp = unique_sibling(dir, "tmp");
        // Only a crashed earlier process with this id can have left this name behind.
        let _ = std::fs::remove_dir_all(&tmp);
        let result = (|| {
            std::fs::create_dir(&tmp).map_err(|e| write_error(&tmp, e))?;
            for (n, bytes) in &files {
                let p = tmp.join(n);
                std::fs::write(&p, bytes).map_err(|e| write_error(&p, e))?;
            }
            Self::replace(&tmp, dir, overwrite)
        })();
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        result
    }

    /// Renames the complete directory `tmp` to `dir`. A directory already at
    /// `dir` (an earlier artifact, or one a concurrent save renamed there first)
    /// is moved aside to a unique name and deleted with `overwrite`, and makes
    /// the save fail without it; `dir` never holds a partial artifact.
    fn replace(tmp: &Path, dir: &Path, overwrite: bool) -> Result<(), PipelineError> {
        let mut aside = Vec::new();
        let mut result = Ok(());
        for _ in 0..REPLACE_TRIES {
            // rename(2) replaces only an empty directory; an artifact never is one.
            let Err(e) = std::fs::rename(tmp, dir) else {
                result = Ok(());
                break;
            };
            // Judged by the error, not only by looking again: a concurrent save
            // may have moved the occupant away in between.
            let occupied = matches!(
                e.kind(),
                std::io::ErrorKind::DirectoryNotEmpty | std::io::ErrorKind::AlreadyExists
            ) || dir.exists();
            result = Err(write_error(dir, e));
            if !occupied {
                break;
            }
            if !overwrite {
                result = Err(exists(dir));
                break;
            }
            let old = unique_sibling(dir, "old");
            // A concurrent save may have moved it first: then the next try finds it gone.
            if std::fs::rename(dir, &old).is_ok() {
                aside.push(old);
            }
        }
        // A failed save leaves the artifact it found (best effort).
        if result.is_err()
            && !dir.exists()
            && let Some(last) = aside.pop()
        {
            let _ = std::fs::rename(last, dir);
        }
        for old in aside {
            let _ = std::fs::remove_dir_all(old);
        }
        result
    }

    /// Loads and verifies an artifact directory.
    pub fn load(dir: &Path) -> Result<Artifact, PipelineError> {
        let bad = |problem: ArtifactProblem| PipelineError::Artifact {
            path: dir.display().to_string(),
            problem,
        };
        if !dir.is_dir() {
            return Err(bad(ArtifactProblem::NotFound));
        }
        let read = |name: &str| -> Result<Vec<u8>, PipelineError> {
            std::fs::read(dir.join(name))
                .map_err(|source| bad(ArtifactProblem::Unreadable { file: name.into(), source }))
        };
        let manifest_bytes = read(MANIFEST)?;
        let raw: serde_json::Value = serde_json::from_slice(&manifest_bytes)
            .map_err(|e| bad(ArtifactProblem::NotJson { file: MANIFEST, reason: e.to_string() }))?;
        let format = raw.get("format").and_then(|v| v.as_str()).unwrap_or_default();
        if format != FORMAT {
            return Err(bad(ArtifactProblem::NotAManifest { file: MANIFEST }));
        }
        let version = raw.get("format_version").and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(FORMAT_VERSION)) {
            return Err(bad(ArtifactProblem::Version { found: version, expected: FORMAT_VERSION }));
        }
        // After the version check: another format version may hash its manifest differently.
        match std::fs::read(dir.join(MANIFEST_HASH)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(bad(ArtifactProblem::Unreadable {
                    file: MANIFEST_HASH.into(),
                    source,
                }));
            }
            Ok(line) => {
                let line = String::from_utf8_lossy(&line);
                let Some(want) = line.split_whitespace().next() else {
                    return Err(bad(ArtifactProblem::Corrupt {
                        file: MANIFEST_HASH,
                        reason: "empty; expected the SHA-256 of manifest.json".into(),
                    }));
                };
                if sha256_hex(&manifest_bytes) != want {
                    return Err(bad(ArtifactProblem::HashMismatch {
                        manifest: MANIFEST_HASH,
                        file: MANIFEST.into(),
                    }));
                }
            }
        }
        let manifest: Manifest = serde_json::from_value(raw).map_err(|e| {
            bad(ArtifactProblem::ManifestFields {
                file: MANIFEST,
                version: FORMAT_VERSION,
                reason: e.to_string(),
            })
        })?;
        let checked = |name: &str| -> Result<Vec<u8>, PipelineError> {
            let bytes = read(name)?;
            let want = manifest.files.get(name).ok_or_else(|| {
                bad(ArtifactProblem::Unlisted { manifest: MANIFEST, file: name.into() })
            })?;
            if &sha256_hex(&bytes) != want {
                return Err(bad(ArtifactProblem::HashMismatch {
                    manifest: MANIFEST,
                    file: name.into(),
                }));
            }
            Ok(bytes)
        };
        let corrupt = |file: &'static str| {
            move |e: serde_json::Error| {
                bad(ArtifactProblem::Corrupt { file, reason: e.to_string() })
            }
        };
        let mut model: FittedModel =
            serde_json::from_slice(&checked(WEIGHTS)?).map_err(corrupt(WEIGHTS))?;
        model.attach_side_files(&checked)?;
        let out_of_fold = if manifest.files.contains_key(OOF) {
            Some(serde_json::from_slice(&checked(OOF)?).map_err(corrupt(OOF))?)
        } else {
            None
        };
        Ok(Artifact { manifest, model, out_of_fold })
    }

    /// Path of the manifest inside an artifact directory.
    pub fn manifest_path(dir: &Path) -> PathBuf {
        dir.join(MANIFEST)
    }
}
