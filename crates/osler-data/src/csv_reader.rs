//! CSV / CSV.gz reader: delimiter sniffing, quoted fields, `NA`/empty as missing,
//! decimal commas detected in files not separated by `,` ([`crate::decimal`]).
//!
//! Every column starts numeric and turns into dictionary-encoded text at the
//! first cell that is neither a number nor a missing token, so a million-row
//! numeric file never allocates a string per cell.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::decimal::{DecimalMark, Form, read_either};
use crate::error::{DataError, MixedMarks, did_you_mean};
use crate::table::{Column, ColumnData, MISSING_CODE, Table, numbers_to_text};

/// Cell texts read as a missing value (after trimming spaces).
pub const MISSING_TOKENS: [&str; 6] = ["", "NA", "N/A", "na", "NULL", "null"];

/// Reads a CSV (or gzip-compressed CSV, detected by its magic bytes) from a file,
/// streaming: the file is never held in memory whole.
pub fn read_csv_path(path: &Path) -> Result<Table, DataError> {
    let file = std::fs::File::open(path)
        .map_err(|source| DataError::Io { path: path.to_path_buf(), source })?;
    read_csv_reader(file, &path.display().to_string())
}

/// Reads CSV text from memory; `source_name` is used in error messages.
pub fn read_csv_bytes(bytes: &[u8], source_name: &str) -> Result<Table, DataError> {
    read_csv_reader(bytes, source_name)
}

/// Reads CSV (or gzip-compressed CSV) from any reader, hashing the raw bytes
/// (SHA-256, for the artifact's data hash) as they stream past.
pub fn read_csv_reader<R: Read>(reader: R, source_name: &str) -> Result<Table, DataError> {
    read_csv_reader_with(reader, source_name, &CsvOptions::default())
}

/// Which column of a table holds the sample (patient) ids.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum IdColumn {
    /// The first column of the file.
    #[default]
    First,
    /// The column with this header name.
    Named(String),
}

/// Options of [`read_csv_reader_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// A column read as text whatever it holds, so sample ids such as `01005`
    /// keep their leading zeros (instead of becoming the number 1005).
    pub text_column: Option<IdColumn>,
    /// The numbers' decimal mark; `None` detects it: a point in a
    /// `,`-separated file, else a comma when some column writes `d,d`
    /// numbers, refusing a file that writes both marks
    /// ([`DataError::AmbiguousDecimal`]).
    pub decimal: Option<DecimalMark>,
    /// Columns kept as their cells' text, never read as numbers nor
    /// type-checked, and left out of the decimal-mark detection (the columns
    /// a model drops); listed in [`Table::unparsed`]. Names the file lacks are
    /// not an error here.
    pub unparsed: Vec<String>,
}

/// [`read_csv_reader`] with options (e.g. an id column kept as text).
pub fn read_csv_reader_with<R: Read>(
    reader: R,
    source_name: &str,
    options: &CsvOptions,
) -> Result<Table, DataError> {
    let (mut table, sha) =
        read_decoded(reader, source_name, |text| parse(text, source_name, options))?;
    table.sha256 = Some(sha);
    Ok(table)
}

/// Runs `parse` on the text of a plain or gzip-compressed stream (gzip is
/// detected by its magic bytes) and returns its result with the SHA-256 (hex)
/// of the raw bytes, hashed as they stream past.
pub(crate) fn read_decoded<R: Read, T>(
    reader: R,
    source_name: &str,
    parse: impl FnOnce(&mut dyn BufRead) -> Result<T, DataError>,
) -> Result<(T, String), DataError> {
    let io_err = |e: std::io::Error| DataError::Csv {
        source_name: source_name.into(),
        line: 0,
        detail: format!("read failed: {e}"),
    };
    let mut raw = BufReader::with_capacity(1 << 20, Hashing { inner: reader, hash: Sha256::new() });
    let gzip = raw.fill_buf().map_err(io_err)?.starts_with(&[0x1f, 0x8b]);
    let value = if gzip {
        let mut text =
            BufReader::with_capacity(1 << 20, flate2::bufread::MultiGzDecoder::new(&mut raw));
        parse(&mut text).map_err(|e| match e {
            DataError::Csv { line: 0, detail, .. } if detail.starts_with("read failed") => {
                DataError::Csv {
                    source_name: source_name.into(),
                    line: 0,
                    detail: format!("gzip: {detail}"),
                }
            }
            e => e,
        })?
    } else {
        parse(&mut raw)?
    };
    // Hash any bytes the parser did not need (e.g. a gzip trailer), so the hash covers the file.
    std::io::copy(&mut raw, &mut std::io::sink()).map_err(io_err)?;
    Ok((value, hex(&raw.into_inner().hash.finalize())))
}

/// A reader that feeds every byte it returns into a SHA-256.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

/// Lowercase hexadecimal encoding of a digest.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Picks the delimiter among `, ; \t |` that occurs most often outside quotes in the header line.
pub fn sniff_delimiter(text: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let cands = [b',', b';', b'\t', b'|'];
    let mut in_quotes = false;
    for &b in text {
        if !in_quotes && (b == b'\n' || b == b'\r') {
            break;
        }
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && let Some(k) = cands.iter().position(|&c| c == b) {
            counts[k] += 1;
        }
    }
    let (best, n) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, n)| (**n, usize::MAX - i))
        .map_or((0, 0), |(i, n)| (i, *n));
    if n == 0 { b',' } else { cands[best] }
}

enum Builder {
    Numeric(Vec<f64>),
    Text { codes: Vec<u32>, levels: Vec<String>, index: HashMap<String, u32> },
}

impl Builder {
    fn text() -> Self {
        Builder::Text { codes: Vec::new(), levels: Vec::new(), index: HashMap::new() }
    }

    /// Adds a cell; returns how it wrote its number, when it was read as one
    /// while the mark is undecided. `mark` is the decimal mark (`None`: not
    /// decided, either is read); numbers read before a column turns to text
    /// are written with `render`.
    fn push(
        &mut self,
        cell: &str,
        mark: Option<DecimalMark>,
        render: DecimalMark,
    ) -> Result<Option<Form>, String> {
        let cell = cell.trim();
        let missing = MISSING_TOKENS.contains(&cell);
        if let Builder::Numeric(v) = self {
            if missing {
                v.push(f64::NAN);
                return Ok(None);
            }
            let number = match mark {
                Some(m) => m.parse(cell).map(|x| (x, None)),
                None => read_either(cell).map(|(x, form)| (x, Some(form))),
            };
            match number {
                Some((x, form)) if x.is_finite() => {
                    v.push(x);
                    return Ok(form);
                }
                Some(_) => {
                    return Err(format!(
                        "value '{cell}' is not a finite number (write missing values as an empty cell or NA)"
                    ));
                }
                None => self.convert_to_text(render),
            }
        }
        if let Builder::Text { codes, levels, index } = self {
            if missing {
                codes.push(MISSING_CODE);
            } else if let Some(&c) = index.get(cell) {
                codes.push(c);
            } else {
                let c = levels.len() as u32;
                levels.push(cell.to_string());
                index.insert(cell.to_string(), c);
                codes.push(c);
            }
        }
        Ok(None)
    }

    fn convert_to_text(&mut self, render: DecimalMark) {
        if let Builder::Numeric(v) = self {
            let (codes, levels, index) = numbers_to_text(v, render);
            *self = Builder::Text { codes, levels, index };
        }
    }

    fn finish(self) -> ColumnData {
        match self {
            Builder::Numeric(v) => ColumnData::Numeric(v),
            Builder::Text { codes, levels, .. } => ColumnData::Text { codes, levels },
        }
    }
}

/// The first line where each column wrote a decimal comma and a decimal point,
/// while the file's mark is being detected.
#[derive(Default, Clone, Copy)]
struct MarksSeen {
    comma: Option<u64>,
    point: Option<u64>,
}

impl MarksSeen {
    fn note(&mut self, form: Form, line: u64) {
        match form {
            Form::Comma => self.comma = self.comma.or(Some(line)),
            Form::Point => self.point = self.point.or(Some(line)),
            Form::Plain => {}
        }
    }

    /// The mark this column's numbers have so far (a point when it wrote none).
    fn mark(self) -> DecimalMark {
        if self.comma.is_some() { DecimalMark::Comma } else { DecimalMark::Point }
    }
}

/// The file's decimal mark from what each column wrote: a comma if any column
/// wrote one; an error naming the columns when one wrote a comma and one
/// (possibly the same) a point.
fn file_mark(
    seen: &[MarksSeen],
    headers: &[String],
    source_name: &str,
) -> Result<DecimalMark, DataError> {
    let first = |pick: fn(&MarksSeen) -> Option<u64>| {
        seen.iter().zip(headers).find_map(|(s, h)| pick(s).map(|line| (h, line)))
    };
    let within = seen.iter().zip(headers).find_map(|(s, h)| Some((h, s.comma?, s.point?)));
    let (comma, point) = match within {
        Some((h, c, p)) => (Some((h, c)), Some((h, p))),
        None => (first(|s| s.comma), first(|s| s.point)),
    };
    match (comma, point) {
        (Some((comma_column, comma_line)), Some((point_column, point_line))) => {
            Err(DataError::AmbiguousDecimal(Box::new(MixedMarks {
                source_name: source_name.into(),
                comma_column: comma_column.clone(),
                comma_line,
                point_column: point_column.clone(),
                point_line,
            })))
        }
        (Some(_), None) => Ok(DecimalMark::Comma),
        _ => Ok(DecimalMark::Point),
    }
}

/// A CSV reader over `text` after a UTF-8 byte-order mark, with the
/// delimiter sniffed from the first buffered bytes (returned with it): with
/// a header row and equal field counts when `header`, else headerless and
/// flexible. Errors: a read failure, or text that is empty or all white space.
pub(crate) fn csv_records<'a>(
    text: &'a mut dyn BufRead,
    source_name: &str,
    header: bool,
) -> Result<(csv::Reader<&'a mut dyn BufRead>, u8), DataError> {
    let io_err = |e: std::io::Error| DataError::Csv {
        source_name: source_name.into(),
        line: 0,
        detail: format!("read failed: {e}"),
    };
    if text.fill_buf().map_err(io_err)?.starts_with(b"\xEF\xBB\xBF") {
        text.consume(3);
    }
    let head = text.fill_buf().map_err(io_err)?;
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DataError::EmptyFile { source_name: source_name.into() });
    }
    let delimiter = sniff_delimiter(head);
    let reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(header)
        .flexible(!header)
        .from_reader(text);
    Ok((reader, delimiter))
}

fn parse(
    text: &mut dyn BufRead,
    source_name: &str,
    options: &CsvOptions,
) -> Result<Table, DataError> {
    let (mut rdr, delimiter) = csv_records(text, source_name, true)?;
    // A `,`-separated file cannot write decimal commas outside quotes: its mark is a point.
    let mark = options.decimal.or((delimiter == b',').then_some(DecimalMark::Point));
    let csv_err = |e: csv::Error| {
        let line = e.position().map_or(0, |p| p.line());
        let detail = match e.kind() {
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                format!("expected {expected_len} fields like the header, found {len}")
            }
            csv::ErrorKind::Utf8 { .. } => "text is not valid UTF-8".to_string(),
            _ => e.to_string(),
        };
        DataError::Csv { source_name: source_name.into(), line, detail }
    };
    let headers: Vec<String> =
        rdr.headers().map_err(csv_err)?.iter().map(|h| h.trim().to_string()).collect();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            return Err(DataError::Csv {
                source_name: source_name.into(),
                line: 1,
                detail: format!("header field {} is empty: every column needs a name", i + 1),
            });
        }
        if headers[..i].contains(h) {
            return Err(DataError::DuplicateColumn {
                source_name: source_name.into(),
                column: h.clone(),
            });
        }
    }
    let text_column = match &options.text_column {
        None => None,
        Some(IdColumn::First) => Some(0),
        Some(IdColumn::Named(name)) => {
            Some(headers.iter().position(|h| h == name).ok_or_else(|| {
                DataError::MissingColumn {
                    source_name: source_name.into(),
                    column: name.clone(),
                    hint: did_you_mean(name, headers.iter().map(String::as_str)),
                }
            })?)
        }
    };
    let mut builders: Vec<Builder> = headers
        .iter()
        .enumerate()
        .map(|(j, h)| {
            if text_column == Some(j) || options.unparsed.contains(h) {
                Builder::text()
            } else {
                Builder::Numeric(Vec::new())
            }
        })
        .collect();
    let mut seen = vec![MarksSeen::default(); headers.len()];
    let mut lines = Vec::new();
    let mut record = csv::StringRecord::new();
    while rdr.read_record(&mut record).map_err(csv_err)? {
        let line = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record[0].trim().is_empty() && headers.len() > 1 {
            continue; // a blank line
        }
        for (j, cell) in record.iter().enumerate() {
            let render = mark.unwrap_or(seen[j].mark());
            let form = builders[j].push(cell, mark, render).map_err(|p| {
                DataError::cell(source_name, format!("line {line}"), &headers[j], p)
            })?;
            if let Some(form) = form {
                seen[j].note(form, line);
            }
        }
        lines.push(line);
    }
    if lines.is_empty() {
        return Err(DataError::NoRows { source_name: source_name.into() });
    }
    let decimal = match mark {
        Some(m) => m,
        None => file_mark(&seen, &headers, source_name)?,
    };
    let unparsed = headers.iter().filter(|h| options.unparsed.contains(h)).cloned().collect();
    let columns = headers
        .into_iter()
        .zip(builders)
        .map(|(name, b)| Column { name, data: b.finish() })
        .collect();
    Ok(Table {
        source: source_name.into(),
        columns,
        lines,
        sha256: None,
        rows_are_records: false,
        decimal,
        unparsed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Result<Table, DataError> {
        read_csv_bytes(s.as_bytes(), "t.csv")
    }

    #[test]
    fn reads_numbers_text_quotes_and_missing() {
        let t = read("a,b,c\n1,\"x, y\",NA\n2.5,z,\n").expect("valid csv");
        assert_eq!(t.n_rows(), 2);
        assert_eq!(t.columns[0].data, ColumnData::Numeric(vec![1.0, 2.5]));
        assert_eq!(t.columns[1].data.text_at(0).as_deref(), Some("x, y"));
        assert!(t.columns[2].data.is_missing(0) && t.columns[2].data.is_missing(1));
        assert_eq!(t.lines, vec![2, 3]);
        assert_eq!(t.sha256.as_deref().map(str::len), Some(64));
    }

    #[test]
    fn an_id_column_can_be_kept_as_text() {
        let opts = CsvOptions { text_column: Some(IdColumn::First), ..CsvOptions::default() };
        let t =
            read_csv_reader_with(b"id,x\n007,1\n010,2\n".as_slice(), "t.csv", &opts).expect("csv");
        assert_eq!(t.columns[0].data.text_at(0).as_deref(), Some("007"));
        assert_eq!(t.columns[1].data, ColumnData::Numeric(vec![1.0, 2.0]));
        let opts = CsvOptions {
            text_column: Some(IdColumn::Named("sampel_id".into())),
            ..CsvOptions::default()
        };
        let e = read_csv_reader_with(b"sample_id,x\n1,2\n".as_slice(), "t.csv", &opts)
            .expect_err("unknown")
            .to_string();
        assert!(e.contains("'sampel_id'") && e.contains("did you mean 'sample_id'"), "{e}");
    }

    #[test]
    fn sniffs_semicolons_and_tabs() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2;3"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b\",c\n"), b',');
        // `1,5` in a `;` file is a decimal comma unless the mark is given as a point.
        let point = CsvOptions { decimal: Some(DecimalMark::Point), ..CsvOptions::default() };
        let t = read_csv_reader_with(b"x;y\n1,5;2\n".as_slice(), "t.csv", &point).expect("csv");
        assert_eq!(t.columns[0].data.text_at(0).as_deref(), Some("1,5"));
        let t = read("x;y\n1,5;2\n").expect("semicolon csv");
        assert_eq!(t.columns[0].data, ColumnData::Numeric(vec![1.5]));
    }

    #[test]
    fn numeric_column_turns_text_keeping_earlier_values() {
        let t = read("a\n1\n2\nfoo\n").expect("csv");
        assert_eq!(t.columns[0].data.text_at(0).as_deref(), Some("1"));
        assert_eq!(t.columns[0].data.text_at(2).as_deref(), Some("foo"));
    }

    #[test]
    fn refuses_non_finite_numbers_with_line_and_column() {
        let e = read("a,b\n1,2\n3,inf\n").expect_err("inf refused").to_string();
        assert!(e.contains("line 3") && e.contains("'b'") && e.contains("inf"), "{e}");
        let e = read("a\nNaN\n").expect_err("NaN refused").to_string();
        assert!(e.contains("not a finite number"), "{e}");
    }

    #[test]
    fn empty_ragged_and_duplicate_inputs_are_errors() {
        assert!(matches!(read(""), Err(DataError::EmptyFile { .. })));
        assert!(matches!(read("a,b\n"), Err(DataError::NoRows { .. })));
        let e = read("a,b\n1,2\n3\n").expect_err("ragged").to_string();
        assert!(e.contains("line 3") && e.contains("expected 2 fields"), "{e}");
        assert!(matches!(read("a,a\n1,2\n"), Err(DataError::DuplicateColumn { .. })));
    }

    #[test]
    fn hash_is_the_sha256_of_the_raw_bytes_plain_or_gzip() {
        use std::io::Write;
        let text = b"a,b\n1,2\n";
        let t = read_csv_bytes(text, "t.csv").expect("csv");
        assert_eq!(t.sha256, Some(hex(&Sha256::digest(text))));
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(text).expect("gzip write");
        let gz = enc.finish().expect("gzip finish");
        let t = read_csv_bytes(&gz, "t.csv.gz").expect("gz csv");
        assert_eq!(t.sha256, Some(hex(&Sha256::digest(&gz))));
        let bom = read_csv_bytes(b"\xEF\xBB\xBFa,b\n1,2\n", "bom.csv").expect("bom");
        assert_eq!(bom.columns[0].name, "a");
    }

    #[test]
    fn reads_gzip() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"a,b\n1,2\n").expect("gzip write");
        let gz = enc.finish().expect("gzip finish");
        let t = read_csv_bytes(&gz, "t.csv.gz").expect("gz csv");
        assert_eq!(t.columns[1].data, ColumnData::Numeric(vec![2.0]));
    }
}
