//! Gene-expression matrices (CSV / CSV.gz, p >> n): one `f64` column per gene.
//!
//! Two orientations are read:
//! - [`Orientation::SamplesAsRows`]: one row per sample; the first column holds the
//!   sample ids, the header the gene names (`sample,GENE1,GENE2,...`).
//! - [`Orientation::GenesAsRows`] (`--transpose`, the usual Bioconductor /
//!   GEO layout): one row per gene or probe; the first column holds the gene ids,
//!   the header the sample ids (`probe_id,S1,S2,...`).
//!
//! The file is streamed (plain or gzip, detected by its magic bytes, hashed as it
//! passes) and every cell is parsed straight into `f64`: no string is allocated
//! per cell, so memory is the matrix itself plus one row of raw text. `NA`, empty
//! and the other [`MISSING_TOKENS`] become NaN; any other non-number is an error
//! naming the file, line, column and value. Ids are kept as text (leading zeros
//! stay).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::{BufRead, Read};
use std::path::Path;

use crate::csv_reader::{MISSING_TOKENS, csv_records, read_decoded};
use crate::error::DataError;

/// How genes and samples are laid out in an expression file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// One row per sample, one column per gene (first column: sample id).
    SamplesAsRows,
    /// One row per gene, one column per sample (first column: gene id); `--transpose`.
    GenesAsRows,
}

/// A gene-expression matrix stored gene by gene (column-major for a
/// samples x genes design matrix); NaN marks a missing value.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpressionMatrix {
    /// Where the matrix came from (a path or `dataset:NAME`), used in messages.
    pub source: String,
    /// Sample ids in file order, as text (leading zeros kept).
    pub samples: Vec<String>,
    /// Gene (probe) ids in file order.
    pub genes: Vec<String>,
    /// `values[g][s]`: expression of gene `g` in sample `s`.
    pub values: Vec<Vec<f64>>,
    /// SHA-256 (hex) of the bytes the matrix was read from.
    pub sha256: Option<String>,
}

impl ExpressionMatrix {
    /// Number of samples.
    pub fn n_samples(&self) -> usize {
        self.samples.len()
    }

    /// Number of genes.
    pub fn n_genes(&self) -> usize {
        self.genes.len()
    }
}

/// Reads an expression matrix from a file (CSV or CSV.gz), streaming.
pub fn read_expression_path(
    path: &Path,
    orientation: Orientation,
) -> Result<ExpressionMatrix, DataError> {
    let file = std::fs::File::open(path)
        .map_err(|source| DataError::Io { path: path.to_path_buf(), source })?;
    read_expression_reader(file, &path.display().to_string(), orientation)
}

/// Reads an expression matrix from memory; `source_name` is used in messages.
pub fn read_expression_bytes(
    bytes: &[u8],
    source_name: &str,
    orientation: Orientation,
) -> Result<ExpressionMatrix, DataError> {
    read_expression_reader(bytes, source_name, orientation)
}

/// Reads an expression matrix (plain or gzip CSV) from any reader.
pub fn read_expression_reader<R: Read>(
    reader: R,
    source_name: &str,
    orientation: Orientation,
) -> Result<ExpressionMatrix, DataError> {
    let (mut m, sha) =
        read_decoded(reader, source_name, |text| parse(text, source_name, orientation))?;
    m.sha256 = Some(sha);
    Ok(m)
}

/// Parses one cell: a finite number, or NaN for a missing token.
fn parse_cell(raw: &[u8]) -> Result<f64, String> {
    let t = raw.trim_ascii();
    if t.is_empty() {
        return Ok(f64::NAN);
    }
    let Ok(s) = std::str::from_utf8(t) else {
        return Err("the cell is not valid UTF-8".into());
    };
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ if MISSING_TOKENS.contains(&s) => Ok(f64::NAN),
        Ok(_) => Err(format!(
            "value '{s}' is not a finite number (write missing values as an empty cell or NA)"
        )),
        Err(_) => Err(format!("value '{}' is not a number", shorten(s))),
    }
}

/// At most 40 characters of a cell, for messages.
fn shorten(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        s.chars().take(40).collect::<String>() + "..."
    }
}

fn parse(
    text: &mut dyn BufRead,
    source_name: &str,
    orientation: Orientation,
) -> Result<ExpressionMatrix, DataError> {
    let csv_err = |line: u64, detail: String| DataError::Csv {
        source_name: source_name.into(),
        line,
        detail,
    };
    let (mut rdr, _) = csv_records(text, source_name, false)?;
    let from_csv = |e: csv::Error| {
        let line = e.position().map_or(0, csv::Position::line);
        csv_err(line, e.to_string())
    };
    let (row_kind, col_kind) = match orientation {
        Orientation::SamplesAsRows => ("sample", "gene"),
        Orientation::GenesAsRows => ("gene", "sample"),
    };

    let mut record = csv::ByteRecord::new();
    if !rdr.read_byte_record(&mut record).map_err(from_csv)? {
        return Err(DataError::EmptyFile { source_name: source_name.into() });
    }
    let mut header: Vec<String> = Vec::with_capacity(record.len());
    for field in &record {
        let name = std::str::from_utf8(field)
            .map_err(|_| csv_err(1, "the header is not valid UTF-8".into()))?;
        header.push(name.trim().to_string());
    }
    if header.len() < 2 {
        return Err(csv_err(
            1,
            format!(
                "the header has {} field(s); an expression matrix needs a {row_kind}-id column \
                 and at least one {col_kind} column",
                header.len()
            ),
        ));
    }
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(header.len());
    for (j, name) in header.iter().enumerate().skip(1) {
        if name.is_empty() {
            return Err(csv_err(
                1,
                format!("header field {} is empty: every {col_kind} needs an id", j + 1),
            ));
        }
        if let Some(first) = seen.insert(name, j) {
            return Err(csv_err(
                1,
                format!(
                    "duplicate {col_kind} id '{name}' in the header (fields {} and {})",
                    first + 1,
                    j + 1
                ),
            ));
        }
    }
    drop(seen);
    let ids: Vec<String> = header.split_off(1);
    let n_cols = ids.len();

    let mut row_ids: Vec<String> = Vec::new();
    let mut row_lines: HashMap<String, u64> = HashMap::new();
    // Samples as rows: one growing vector per gene; genes as rows: one vector per row.
    let mut values: Vec<Vec<f64>> = match orientation {
        Orientation::SamplesAsRows => vec![Vec::new(); n_cols],
        Orientation::GenesAsRows => Vec::new(),
    };
    while rdr.read_byte_record(&mut record).map_err(from_csv)? {
        let line = record.position().map_or(0, csv::Position::line);
        if record.len() == 1 && record[0].trim_ascii().is_empty() {
            continue; // a blank line
        }
        let id = std::str::from_utf8(record[0].trim_ascii())
            .map_err(|_| csv_err(line, format!("the {row_kind} id is not valid UTF-8")))?;
        if record.len() != n_cols + 1 {
            return Err(csv_err(
                line,
                format!(
                    "expected {} fields like the header, found {} ({row_kind} '{}')",
                    n_cols + 1,
                    record.len(),
                    shorten(id)
                ),
            ));
        }
        if id.is_empty() {
            return Err(csv_err(line, format!("the {row_kind} id (first field) is empty")));
        }
        match row_lines.entry(id.to_string()) {
            Entry::Occupied(e) => {
                return Err(csv_err(
                    line,
                    format!("duplicate {row_kind} id '{id}' (first on line {})", e.get()),
                ));
            }
            Entry::Vacant(e) => {
                e.insert(line);
            }
        }
        let cell_err = |j: usize, problem: String| {
            DataError::cell(
                source_name,
                format!("line {line}"),
                &ids[j],
                format!("{problem} ({row_kind} '{id}')"),
            )
        };
        match orientation {
            Orientation::GenesAsRows => {
                let mut v = Vec::with_capacity(n_cols);
                for (j, raw) in record.iter().skip(1).enumerate() {
                    v.push(parse_cell(raw).map_err(|p| cell_err(j, p))?);
                }
                values.push(v);
            }
            Orientation::SamplesAsRows => {
                for ((j, raw), col) in record.iter().skip(1).enumerate().zip(values.iter_mut()) {
                    col.push(parse_cell(raw).map_err(|p| cell_err(j, p))?);
                }
            }
        }
        row_ids.push(id.to_string());
    }
    if row_ids.is_empty() {
        return Err(DataError::NoRows { source_name: source_name.into() });
    }
    let (samples, genes) = match orientation {
        Orientation::SamplesAsRows => (row_ids, ids),
        Orientation::GenesAsRows => (ids, row_ids),
    };
    Ok(ExpressionMatrix { source: source_name.into(), samples, genes, values, sha256: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str, o: Orientation) -> Result<ExpressionMatrix, DataError> {
        read_expression_bytes(s.as_bytes(), "x.csv", o)
    }

    const ROWS: &str = "sample,g1,g2,g3\n01,1.5,NA,3\n02,-2,2.25,\n";
    const GENES: &str = "probe_id,01,02\ng1,1.5,-2\ng2,NA,2.25\ng3,3,\n";

    #[test]
    fn both_orientations_give_the_same_matrix() {
        let a = read(ROWS, Orientation::SamplesAsRows).expect("rows");
        let b = read(GENES, Orientation::GenesAsRows).expect("genes");
        assert_eq!(a.samples, vec!["01", "02"]);
        assert_eq!(a.genes, vec!["g1", "g2", "g3"]);
        assert_eq!((a.n_samples(), a.n_genes()), (2, 3));
        for m in [&a, &b] {
            assert_eq!(m.values[0], vec![1.5, -2.0]);
            assert!(m.values[1][0].is_nan() && m.values[1][1] == 2.25);
            assert!(m.values[2][0] == 3.0 && m.values[2][1].is_nan());
        }
        assert_eq!((&a.samples, &a.genes), (&b.samples, &b.genes));
        assert_eq!(a.sha256.as_deref().map(str::len), Some(64));
    }

    #[test]
    fn reads_gzip_semicolons_blank_lines_and_a_bom() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"\xEF\xBB\xBFid;a;b\n\ns1;1;2\n").expect("gzip write");
        let gz = enc.finish().expect("gzip finish");
        let m = read_expression_bytes(&gz, "x.csv.gz", Orientation::SamplesAsRows).expect("gz");
        assert_eq!(
            (m.samples, m.genes, m.values),
            (
                vec!["s1".to_string()],
                vec!["a".to_string(), "b".to_string()],
                vec![vec![1.0], vec![2.0]]
            )
        );
    }

    #[test]
    fn non_numeric_cells_name_file_line_column_and_value() {
        let e = read("probe,s1,s2\ng1,1,2\ng2,3,high\n", Orientation::GenesAsRows)
            .expect_err("text")
            .to_string();
        assert!(
            e.contains("x.csv")
                && e.contains("line 3")
                && e.contains("'s2'")
                && e.contains("'high'")
                && e.contains("gene 'g2'"),
            "{e}"
        );
        let e = read("id,g1\ns1,inf\n", Orientation::SamplesAsRows).expect_err("inf").to_string();
        assert!(e.contains("line 2") && e.contains("'g1'") && e.contains("not a finite"), "{e}");
    }

    #[test]
    fn duplicate_ids_are_errors() {
        let e = read("probe,s1,s1\ng1,1,2\n", Orientation::GenesAsRows).expect_err("dup sample");
        let e = e.to_string();
        assert!(e.contains("duplicate sample id 's1'") && e.contains("line 1"), "{e}");
        let e = read("probe,s1\ng1,1\ng2,2\ng1,3\n", Orientation::GenesAsRows)
            .expect_err("dup gene")
            .to_string();
        assert!(e.contains("line 4") && e.contains("duplicate gene id 'g1'"), "{e}");
        assert!(e.contains("first on line 2"), "{e}");
        let e = read("id,g1,g1\ns1,1,2\n", Orientation::SamplesAsRows).expect_err("dup gene");
        assert!(e.to_string().contains("duplicate gene id 'g1'"), "{e}");
        let e = read("id,g1\ns1,1\ns1,2\n", Orientation::SamplesAsRows).expect_err("dup sample");
        assert!(e.to_string().contains("duplicate sample id 's1'"), "{e}");
    }

    #[test]
    fn ragged_empty_and_headerless_inputs_are_errors() {
        let e = read("probe,s1,s2\ng1,1,2\ng2,3\n", Orientation::GenesAsRows)
            .expect_err("ragged")
            .to_string();
        assert!(
            e.contains("x.csv")
                && e.contains("line 3")
                && e.contains("expected 3 fields")
                && e.contains("found 2")
                && e.contains("gene 'g2'"),
            "{e}"
        );
        assert!(matches!(read("", Orientation::GenesAsRows), Err(DataError::EmptyFile { .. })));
        assert!(matches!(read("p,s1\n", Orientation::GenesAsRows), Err(DataError::NoRows { .. })));
        let e = read("p\ng1\n", Orientation::GenesAsRows).expect_err("one column").to_string();
        assert!(e.contains("at least one sample column"), "{e}");
        let e = read("p,s1\n,1\n", Orientation::GenesAsRows).expect_err("empty id").to_string();
        assert!(e.contains("line 2") && e.contains("gene id"), "{e}");
    }
}
