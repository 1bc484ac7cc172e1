//! NumPy `.npz` archives (a zip of `.npy` arrays) and the MedMNIST dataset
//! layout: `train_images`, `train_labels`, `val_*`, `test_*`, all `uint8`,
//! images `N x H x W` (grey) or `N x H x W x C`, labels `N x 1`.
//!
//! The `.npy` format (NumPy NEP 1): the magic `\x93NUMPY`, a version, a
//! little-endian header length (2 bytes in version 1, 4 in 2 and 3), a
//! Python dict literal with `descr`, `fortran_order` and `shape`, then the
//! data.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{ImagingError, Result};

/// One `uint8` array of an `.npz`, C order.
#[derive(Debug, Clone, PartialEq)]
pub struct NpyArray {
    /// The array's shape.
    pub shape: Vec<usize>,
    /// Its elements, row-major.
    pub data: Vec<u8>,
}

/// Reads every array of an `.npz` archive, by name (without `.npy`).
/// Only `uint8` arrays in C order are accepted; any other array is an error
/// naming it.
pub fn read_npz(path: &Path) -> Result<BTreeMap<String, NpyArray>> {
    let bytes =
        std::fs::read(path).map_err(|source| ImagingError::Io { path: path.into(), source })?;
    read_npz_bytes(path, &bytes)
}

/// [`read_npz`] of an archive already in memory; `path` names it in errors.
pub fn read_npz_bytes(path: &Path, bytes: &[u8]) -> Result<BTreeMap<String, NpyArray>> {
    let fail = |reason: String| ImagingError::Npz { path: path.into(), reason };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| fail(format!("not a NumPy .npz archive: {e}")))?;
    let mut arrays = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| fail(format!("zip entry {i}: {e}")))?;
        let name = entry.name().trim_end_matches(".npy").to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(|e| fail(format!("array '{name}': {e}")))?;
        let array =
            parse_npy(&bytes).map_err(|reason| fail(format!("array '{name}': {reason}")))?;
        arrays.insert(name, array);
    }
    Ok(arrays)
}

/// Parses one `.npy` file holding a `uint8` array.
fn parse_npy(bytes: &[u8]) -> std::result::Result<NpyArray, String> {
    if !bytes.starts_with(b"\x93NUMPY") || bytes.len() < 10 {
        return Err("not a .npy array (no \\x93NUMPY magic)".into());
    }
    let (header_len, start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => {
            (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12)
        }
        v => return Err(format!(".npy format version {v} is not supported")),
    };
    let header = bytes
        .get(start..start + header_len)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or("the .npy header is truncated")?;
    let descr = dict_value(header, "descr").ok_or("the .npy header has no 'descr'")?;
    let descr = descr.trim_matches(['\'', '"']);
    if !matches!(descr, "|u1" | "<u1" | ">u1" | "u1") {
        return Err(format!("dtype '{descr}' is not uint8"));
    }
    if dict_value(header, "fortran_order").map(str::trim) != Some("False") {
        return Err("Fortran-order arrays are not supported".into());
    }
    let shape = dict_value(header, "shape").ok_or("the .npy header has no 'shape'")?;
    let shape = shape
        .trim_matches(['(', ')'])
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|_| format!("bad shape entry '{s}'")))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let count = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d)).ok_or("shape overflows")?;
    let data = &bytes[start + header_len..];
    if data.len() != count {
        return Err(format!("shape {shape:?} needs {count} bytes, the array holds {}", data.len()));
    }
    Ok(NpyArray { shape, data: data.to_vec() })
}

/// The text of `key`'s value in a Python dict literal of the `.npy` header
/// (a quoted string, a bool or a parenthesised tuple).
fn dict_value<'h>(header: &'h str, key: &str) -> Option<&'h str> {
    let at = header.find(&format!("'{key}'"))? + key.len() + 2;
    let rest = header[at..].trim_start().strip_prefix(':')?.trim_start();
    let end = if rest.starts_with('(') {
        rest.find(')')? + 1
    } else if let Some(quote) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') {
        rest[1..].find(quote)? + 2
    } else {
        rest.find([',', '}'])?
    };
    Some(&rest[..end])
}

/// One split of a MedMNIST dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct MedMnistSplit {
    /// Number of images.
    pub len: usize,
    /// Image height in pixels.
    pub rows: usize,
    /// Image width in pixels.
    pub columns: usize,
    /// Channels per pixel (1 grey, 3 RGB).
    pub channels: usize,
    /// All images, `len x rows x columns x channels`, row-major.
    pub images: Vec<u8>,
    /// One label per image.
    pub labels: Vec<u8>,
}

impl MedMnistSplit {
    /// The pixels of image `i` (`rows x columns x channels`), if it exists.
    pub fn image(&self, i: usize) -> Option<&[u8]> {
        let size = self.rows * self.columns * self.channels;
        self.images.get(i * size..(i + 1) * size)
    }
}

/// A MedMNIST dataset: its official train, validation and test splits.
#[derive(Debug, Clone, PartialEq)]
pub struct MedMnist {
    /// The `.npz` file.
    pub path: PathBuf,
    /// `train_images` / `train_labels`.
    pub train: MedMnistSplit,
    /// `val_images` / `val_labels`.
    pub validation: MedMnistSplit,
    /// `test_images` / `test_labels`.
    pub test: MedMnistSplit,
}

/// Reads a MedMNIST `.npz` (single-label tasks: labels `N` or `N x 1`).
pub fn read_medmnist(path: &Path) -> Result<MedMnist> {
    let bytes =
        std::fs::read(path).map_err(|source| ImagingError::Io { path: path.into(), source })?;
    read_medmnist_bytes(path, &bytes)
}

/// [`read_medmnist`] of an archive already in memory (a shipped data set);
/// `path` names it in errors.
pub fn read_medmnist_bytes(path: &Path, bytes: &[u8]) -> Result<MedMnist> {
    let mut arrays = read_npz_bytes(path, bytes)?;
    let mut split = |prefix: &str| -> Result<MedMnistSplit> {
        let fail = |reason: String| ImagingError::Npz { path: path.into(), reason };
        let images_name = format!("{prefix}_images");
        let labels_name = format!("{prefix}_labels");
        let images = arrays
            .remove(&images_name)
            .ok_or_else(|| fail(format!("no array '{images_name}' (MedMNIST layout)")))?;
        let labels = arrays
            .remove(&labels_name)
            .ok_or_else(|| fail(format!("no array '{labels_name}' (MedMNIST layout)")))?;
        let (len, rows, columns, channels) = match images.shape[..] {
            [n, h, w] => (n, h, w, 1),
            [n, h, w, c] => (n, h, w, c),
            _ => {
                return Err(fail(format!(
                    "'{images_name}' has shape {:?}, expected N x H x W or N x H x W x C",
                    images.shape
                )));
            }
        };
        if !matches!(labels.shape[..], [n] | [n, 1] if n == len) {
            return Err(fail(format!(
                "'{labels_name}' has shape {:?}, expected one label for each of {len} images",
                labels.shape
            )));
        }
        Ok(MedMnistSplit { len, rows, columns, channels, images: images.data, labels: labels.data })
    };
    Ok(MedMnist {
        path: path.into(),
        train: split("train")?,
        validation: split("val")?,
        test: split("test")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn npy_header_gives_shape_and_checks_length() {
        let a = parse_npy(&npy(
            "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }",
            &[1, 2, 3, 4, 5, 6],
        ))
        .map_err(|e| e.to_string());
        assert_eq!(a, Ok(NpyArray { shape: vec![2, 3], data: vec![1, 2, 3, 4, 5, 6] }));
        let short =
            parse_npy(&npy("{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", &[1]));
        assert_eq!(short, Err("shape [4] needs 4 bytes, the array holds 1".to_string()));
        let float =
            parse_npy(&npy("{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }", &[]));
        assert_eq!(float, Err("dtype '<f8' is not uint8".to_string()));
    }
}
