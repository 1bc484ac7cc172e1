//! `osler datasets`, `osler schema`, `osler synth`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use osler_data::datasets::{self, DATASETS};
use osler_data::synth;

use crate::input::DataArgs;
use crate::output::{print_json, write_atomic};
use crate::{CliError, CliResult};

#[derive(Args)]
pub struct DatasetsArgs {
    #[command(subcommand)]
    command: DatasetsCommand,
}

#[derive(Subcommand)]
enum DatasetsCommand {
    /// One line per shipped dataset.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Rows, columns, roles, units, missing counts, citation and licence.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn datasets(args: DatasetsArgs) -> CliResult {
    match args.command {
        DatasetsCommand::List { json } => {
            let mut rows = Vec::new();
            for d in &DATASETS {
                let s = d.schema()?;
                let t = d.table()?;
                let meta = s.dataset.clone();
                rows.push((d.name, t.n_rows(), t.columns.len(), meta));
            }
            if json {
                let list: Vec<_> = rows
                    .iter()
                    .map(|(n, r, c, m)| {
                        json!({"name": n, "rows": r, "columns": c,
                               "task": m.as_ref().map(|m| m.task.clone()),
                               "title": m.as_ref().map(|m| m.title.clone())})
                    })
                    .collect();
                return print_json(&json!({ "datasets": list }));
            }
            println!("{:<26} {:>6} {:>8}  task", "name", "rows", "columns");
            for (n, r, c, m) in rows {
                println!("{n:<26} {r:>6} {c:>8}  {}", m.map(|m| m.task).unwrap_or_default());
            }
            Ok(())
        }
        DatasetsCommand::Show { name, json } => show(&name, json),
    }
}

fn show(name: &str, json: bool) -> CliResult {
    let d = datasets::find(name)?;
    // Columns covered by the schema's `[defaults]` (e.g. genes) are summarised, not listed.
    let schema = d.schema()?;
    let (table, full) = d.load()?;
    let table = full.conform(table, &[], false)?;
    let listed: std::collections::HashSet<&str> =
        schema.columns.iter().map(|c| c.name.as_str()).collect();
    let unlisted: Vec<&osler_data::Column> =
        table.columns.iter().filter(|c| !listed.contains(c.name.as_str())).collect();
    let unlisted_missing: usize = unlisted.iter().map(|c| c.data.missing_count()).sum();
    let meta = schema.dataset.clone().ok_or_else(|| CliError::user("dataset has no metadata"))?;
    let cols: Vec<_> = schema
        .columns
        .iter()
        .map(|c| {
            let missing = table.column(&c.name).map_or(0, |col| col.data.missing_count());
            (c, missing)
        })
        .collect();
    if json {
        let columns: Vec<_> = cols
            .iter()
            .map(|(c, m)| {
                json!({"name": c.name, "kind": c.kind, "role": c.role, "unit": c.unit,
                       "missing": m, "missing_codes": c.missing, "min": c.min, "max": c.max,
                       "min_exclusive": c.min_exclusive, "max_exclusive": c.max_exclusive,
                       "levels": c.levels, "description": c.description})
            })
            .collect();
        return print_json(&json!({
            "name": meta.name, "title": meta.title, "task": meta.task, "rows": table.n_rows(),
            "columns": columns, "citation": meta.citation, "licence": meta.licence,
            "source": meta.source, "positive": meta.positive, "sha256": table.sha256,
            "n_columns": table.columns.len(),
            "defaults": schema.defaults.as_ref().map(|d| json!({
                "kind": d.kind, "role": d.role, "unit": d.unit, "description": d.description,
                "columns": unlisted.len(), "missing": unlisted_missing})),
        }));
    }
    println!("{}\n{}\n", meta.name, meta.title);
    println!("task:     {}", meta.task);
    println!("rows:     {}", table.n_rows());
    println!("columns:  {}\n", table.columns.len());
    println!(
        "{:<26} {:<12} {:<8} {:>7}  {:<10} valid range / levels",
        "column", "kind", "role", "missing", "unit"
    );
    for (c, m) in cols {
        let kind = serde_json::to_value(c.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        let role = serde_json::to_value(c.role)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        let extra = match &c.levels {
            Some(l) => l.join(" / "),
            None if c.min.is_some() || c.max.is_some() => c.range_text(),
            None => String::new(),
        };
        let codes = if c.missing.is_empty() {
            String::new()
        } else {
            format!("  (missing codes: {})", c.missing.join(", "))
        };
        println!(
            "{:<26} {:<12} {:<8} {:>7}  {:<10} {extra}{codes}",
            c.name,
            kind,
            role,
            m,
            c.unit.clone().unwrap_or_default()
        );
    }
    if let Some(d) = schema.defaults.as_ref().filter(|_| !unlisted.is_empty()) {
        let word = |v: serde_json::Result<serde_json::Value>| {
            v.ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
        };
        println!(
            "... and {} more columns ({}, {}) with {unlisted_missing} missing values{}: {}",
            unlisted.len(),
            word(serde_json::to_value(d.kind)),
            word(serde_json::to_value(d.role)),
            d.unit.as_ref().map(|u| format!(", unit {u}")).unwrap_or_default(),
            d.description.clone().unwrap_or_default()
        );
    }
    println!(
        "\ncitation: {}\nlicence:  {}\nsource:   {}",
        meta.citation, meta.licence, meta.source
    );
    Ok(())
}

#[derive(Args)]
pub struct SchemaArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Write the schema here (`.toml` or `.json`); default: TOML on stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn schema(args: SchemaArgs) -> CliResult {
    let loaded = args.data.load()?;
    // Check it applies, so a written schema is known to fit its data.
    loaded.schema.conform(loaded.table.clone(), &[], false)?;
    let is_json = args.out.as_ref().is_some_and(|p| p.extension().is_some_and(|e| e == "json"));
    let text = if is_json {
        serde_json::to_string_pretty(&loaded.schema).map_err(|e| CliError::user(e.to_string()))?
            + "\n"
    } else {
        loaded.schema.to_toml()
    };
    match args.out {
        Some(p) => write_atomic(&p, text.as_bytes()),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum SynthKind {
    Binary,
    Survival,
}

#[derive(Args)]
pub struct SynthArgs {
    #[arg(value_enum)]
    kind: SynthKind,
    /// Rows.
    #[arg(long)]
    n: usize,
    /// Features.
    #[arg(long)]
    p: usize,
    #[arg(long)]
    seed: u64,
    /// Output CSV.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn synth(args: SynthArgs) -> CliResult {
    match args.kind {
        SynthKind::Binary if args.p < 3 => {
            return Err(CliError::user(
                "binary synthetic data needs --p 3 or more (the recipe uses x0, x1, x2)",
            ));
        }
        SynthKind::Survival if args.p < 1 => {
            return Err(CliError::user("survival synthetic data needs --p 1 or more"));
        }
        _ => {}
    }
    // Written to a temporary sibling and renamed, so a failure leaves no partial file.
    let dir = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = args.out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let fail =
        |e: std::io::Error| CliError::user(format!("cannot write {}: {e}", args.out.display()));
    let file = std::fs::File::create(&tmp).map_err(fail)?;
    let res = match args.kind {
        SynthKind::Binary => {
            synth::write_binary_csv(&synth::binary(args.n, args.p, args.seed), file)
        }
        SynthKind::Survival => {
            synth::write_survival_csv(&synth::survival(args.n, args.p, args.seed), file)
        }
    };
    if let Err(e) = res.and_then(|()| std::fs::rename(&tmp, &args.out)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}
