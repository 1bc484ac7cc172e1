//! The README's five-minute tour, run line by line as a user would: every
//! command of its `sh` block, in order, in a fresh folder holding a copy of
//! the repository's `examples/` files, with this build's `osler` first on the
//! `PATH`. Each must exit 0; a tour line that needs a file nobody ships, or
//! an option that no longer exists, fails here.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The commands of the README's tour: the first `sh` block after its
/// heading, with `\` continuations joined and comments dropped.
fn tour_commands(readme: &str) -> Vec<String> {
    let tour = readme.split("## A five-minute tour").nth(1).expect("the README has a tour");
    let block = tour.split("```sh\n").nth(1).expect("the tour has an sh block");
    let block = block.split("\n```").next().expect("the block ends");
    let mut commands = Vec::new();
    let mut current = String::new();
    for line in block.lines() {
        let code = strip_comment(line).trim_end();
        if let Some(head) = code.strip_suffix('\\') {
            current.push_str(head.trim());
            current.push(' ');
            continue;
        }
        current.push_str(code.trim());
        if !current.trim().is_empty() {
            commands.push(current.trim().to_string());
        }
        current.clear();
    }
    commands
}

/// `line` without a trailing `# comment` (a `#` outside quotes after a space).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'\'' | b'"') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'#') if i == 0 || bytes[i - 1] == b' ' => return &line[..i],
            _ => {}
        }
    }
    line
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create examples copy");
    for entry in std::fs::read_dir(from).expect("read examples") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy example file");
    }
}

#[test]
fn every_line_of_the_readme_tour_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let commands = tour_commands(&readme);
    assert!(commands.len() >= 25, "the tour has its commands ({})", commands.len());
    assert!(commands.iter().all(|c| c.contains("osler ")), "{commands:#?}");

    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&root.join("examples"), &dir.path().join("examples"));
    let bin: PathBuf = assert_cmd::cargo::cargo_bin("osler");
    let bin_dir = bin.parent().expect("binary folder");
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    for command in &commands {
        let started = Instant::now();
        let out = Command::new("sh")
            .args(["-c", command])
            .current_dir(dir.path())
            .env("PATH", &path)
            .output()
            .expect("run sh");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "tour line failed ({:?}): {command}\n{err}", out.status);
        assert!(!err.contains("panicked"), "{command}: {err}");
        eprintln!("{:>7.1} s  {command}", started.elapsed().as_secs_f64());
    }
}

#[test]
fn the_tour_parser_joins_continuations_and_drops_comments() {
    let readme = "## A five-minute tour\n\n```sh\n# a comment\nosler a --x 1  # note\n\
                  osler b --drop \"p#q\" \\\n   --y 2\n\necho '[1]' \\\n  | osler c\n```\n";
    assert_eq!(
        tour_commands(readme),
        ["osler a --x 1", "osler b --drop \"p#q\" --y 2", "echo '[1]' | osler c"]
    );
}
