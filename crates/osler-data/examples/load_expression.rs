//! Times the wide-matrix path: `cargo run --release -p osler-data --example load_expression`
//! (the shipped all-leukemia and dlbcl datasets), or with arguments
//! `CLINICAL.csv EXPRESSION.csv[.gz] [--transpose] [ID_COLUMN]` for your own files.

use std::time::Instant;

use osler_data::{
    CsvOptions, IdColumn, Orientation, Schema, datasets, join_expression, read_expression_path,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let secs = |t: Instant| format!("{:.3} s", t.elapsed().as_secs_f64());
    if args.len() >= 2 {
        let orientation = if args.iter().any(|a| a == "--transpose") {
            Orientation::GenesAsRows
        } else {
            Orientation::SamplesAsRows
        };
        let id = args
            .iter()
            .skip(2)
            .find(|a| *a != "--transpose")
            .map_or(IdColumn::First, |n| IdColumn::Named(n.clone()));
        let t = Instant::now();
        let matrix = read_expression_path(args[1].as_ref(), orientation)?;
        println!("read matrix {} x {} genes: {}", matrix.n_samples(), matrix.n_genes(), secs(t));
        let t = Instant::now();
        let file = std::fs::File::open(&args[0])?;
        let options = CsvOptions { text_column: Some(id.clone()), ..CsvOptions::default() };
        let clinical = osler_data::csv_reader::read_csv_reader_with(file, &args[0], &options)?;
        println!("read clinical {} rows: {}", clinical.n_rows(), secs(t));
        let t = Instant::now();
        let joined = join_expression(clinical, &id, matrix, true)?;
        println!("join: {}", secs(t));
        let t = Instant::now();
        let schema = joined.infer_schema()?;
        println!("infer schema ({} columns): {}", schema.columns.len(), secs(t));
        let t = Instant::now();
        schema.conform(joined.table, &[], false)?;
        println!("conform: {}", secs(t));
        return Ok(());
    }
    for name in ["all-leukemia", "dlbcl"] {
        let d = datasets::find(name)?;
        let t = Instant::now();
        let table = d.table()?;
        let load = secs(t);
        let t = Instant::now();
        let mut schema = d.schema()?;
        schema.expand_defaults(&table);
        let expand = secs(t);
        let t = Instant::now();
        let inferred = Schema::infer_columns(&table, &table.columns, &["sample", "cod"])?;
        let infer = secs(t);
        let t = Instant::now();
        let table = schema.conform(table, &[], true)?;
        let conform = secs(t);
        let t = Instant::now();
        let toml = schema.to_toml();
        let to_toml = secs(t);
        let t = Instant::now();
        Schema::from_toml(&toml)?;
        let from_toml = secs(t);
        println!(
            "{name}: {} rows x {} columns; load {load}, expand defaults {expand}, infer {infer} \
             ({} specs), conform {conform}, to_toml {to_toml} ({} bytes), from_toml {from_toml}",
            table.n_rows(),
            table.columns.len(),
            inferred.columns.len(),
            toml.len()
        );
    }
    Ok(())
}
