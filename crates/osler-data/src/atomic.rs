//! Atomic output files: a file is written under a temporary sibling name and
//! renamed into place, so a reader never sees a partial file and a failure
//! leaves nothing behind.
//!
//! Temporary names carry the process id and a process-wide counter, so two
//! writes from threads of one process (a service saving two reports) or from
//! two processes never share a temporary path.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Temporary names handed out by this process.
static TEMPORARIES: AtomicU64 = AtomicU64::new(0);

/// The directory `path` lives in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// A sibling of `path` named `.{name}.{kind}-{pid}-{n}` that no concurrent
/// write in this or another process uses.
pub fn unique_sibling(path: &Path, kind: &str) -> PathBuf {
    let n = TEMPORARIES.fetch_add(1, Ordering::Relaxed);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    parent_dir(path).join(format!(".{name}.{kind}-{}-{n}", std::process::id()))
}

/// Writes the file at `path` through `write` into a unique temporary sibling,
/// then renames it into place (replacing an existing file). The parent
/// directory is created if needed; on any error the temporary file is removed
/// and `path` is untouched.
pub fn write_file_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    std::fs::create_dir_all(parent_dir(path))?;
    let tmp = unique_sibling(path, "tmp");
    let result = std::fs::File::create(&tmp)
        .and_then(|mut file| write(&mut file).and_then(|()| file.flush()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes `bytes` to `path` atomically (see [`write_file_with`]).
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_file_with(path, |f| f.write_all(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_differ_within_one_process() {
        let p = Path::new("out/report.html");
        let (a, b) = (unique_sibling(p, "tmp"), unique_sibling(p, "tmp"));
        assert_ne!(a, b);
        assert_eq!(a.parent(), Some(Path::new("out")));
        assert!(
            a.file_name().is_some_and(|n| n.to_string_lossy().starts_with(".report.html.tmp-"))
        );
    }

    #[test]
    fn concurrent_writes_leave_one_complete_file_and_no_temporaries() {
        let dir = std::env::temp_dir().join(format!("osler-atomic-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("out.txt");
        let contents: Vec<Vec<u8>> = (0..8u8).map(|k| vec![b'a' + k; 100_000]).collect();
        std::thread::scope(|s| {
            for c in &contents {
                let path = &path;
                s.spawn(move || write_file(path, c));
            }
        });
        let got = std::fs::read(&path).expect("the file exists");
        assert!(contents.contains(&got), "the file is one writer's whole content");
        let names: Vec<_> = std::fs::read_dir(&dir).expect("dir").flatten().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failed_write_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("osler-atomic-fail-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("out.txt");
        let err = write_file_with(&path, |_| Err(std::io::Error::other("disk full")));
        assert!(err.is_err());
        assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
