//! Renders the example report to a file (default
//! `/tmp/osler_report_example.html`): `cargo run -p osler-report --example
//! example_report [PATH]`.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() -> std::io::Result<()> {
    let path =
        std::env::args().nth(1).unwrap_or_else(|| "/tmp/osler_report_example.html".to_string());
    std::fs::write(&path, common::example_report())?;
    println!("wrote {path}");
    Ok(())
}
