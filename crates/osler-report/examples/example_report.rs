//! Renders the example report to a file (default `osler_report_example.html`
//! in the system's temporary directory): `cargo run -p osler-report --example
//! example_report [PATH]`.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() -> std::io::Result<()> {
    let path = std::env::args_os().nth(1).map_or_else(
        || std::env::temp_dir().join("osler_report_example.html"),
        std::path::PathBuf::from,
    );
    std::fs::write(&path, common::example_report())?;
    println!("wrote {}", path.display());
    Ok(())
}
