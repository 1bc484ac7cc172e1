//! `osler image`: medical image files. `image info` describes a DICOM, PNG
//! or JPEG file (geometry, encoding, value range, HU range for CT) and can
//! write a windowed 8-bit preview.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use osler_imaging::{ImageInfo, Window, WindowChoice, read_image, write_preview};

use crate::output::print_json;
use crate::{CliError, CliResult};

#[derive(Args)]
pub struct ImageArgs {
    #[command(subcommand)]
    pub command: ImageCommand,
}

#[derive(Subcommand)]
pub enum ImageCommand {
    /// Describe an image file (DICOM, PNG, JPEG): modality, size, frames,
    /// photometric interpretation, value range (HU for CT).
    Info(InfoArgs),
}

#[derive(Args)]
pub struct InfoArgs {
    /// The image file.
    pub file: PathBuf,
    /// Print one JSON object instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// Write an 8-bit grey PNG of the first frame here (MONOCHROME1 shown
    /// with air dark, as MONOCHROME2).
    #[arg(long, value_name = "OUT.png")]
    pub preview: Option<PathBuf>,
    /// Window of the preview: lung (-600/1500 HU), mediastinum (40/400),
    /// brain (40/80), file (the file's own), or CENTER,WIDTH. Default: the
    /// file's window, else the image's full range.
    #[arg(long, value_name = "WINDOW", requires = "preview", allow_hyphen_values = true)]
    pub window: Option<String>,
}

/// The preview written, for the JSON.
#[derive(Serialize)]
struct Preview {
    path: PathBuf,
    window: Option<Window>,
}

#[derive(Serialize)]
struct InfoOutput {
    #[serde(flatten)]
    info: ImageInfo,
    preview: Option<Preview>,
}

pub fn image(args: ImageArgs) -> CliResult {
    match args.command {
        ImageCommand::Info(a) => info(a),
    }
}

fn info(args: InfoArgs) -> CliResult {
    let user = |e: osler_imaging::ImagingError| CliError::user(e.to_string());
    let choice = args.window.as_deref().map(WindowChoice::parse).transpose().map_err(user)?;
    let image = read_image(&args.file).map_err(user)?;
    let info = image.info();
    let preview = match &args.preview {
        Some(out) => Some(Preview {
            path: out.clone(),
            window: write_preview(&image, choice, out).map_err(user)?,
        }),
        None => None,
    };
    let output = InfoOutput { info, preview };
    if args.json {
        return print_json(&output);
    }
    print!("{}", summary(&output));
    Ok(())
}

/// The readable summary: geometry, encoding and ranges, never pixel values.
fn summary(output: &InfoOutput) -> String {
    let i = &output.info;
    let kind = match (&i.format, &i.modality) {
        (osler_imaging::ImageFormat::Dicom, Some(m)) => format!("DICOM {m}"),
        (osler_imaging::ImageFormat::Dicom, None) => "DICOM".into(),
        (osler_imaging::ImageFormat::Png, _) => "PNG".into(),
        (osler_imaging::ImageFormat::Jpeg, _) => "JPEG".into(),
    };
    let frames = if i.frames == 1 { "1 frame".into() } else { format!("{} frames", i.frames) };
    let mut s = format!(
        "{}: {kind}, {} rows x {} columns, {frames}, {}, {} bits stored\n",
        i.file.display(),
        i.rows,
        i.columns,
        i.photometric,
        i.bits_stored
    );
    if let Some(ts) = &i.transfer_syntax {
        s += &format!("  transfer syntax: {ts}\n");
    }
    if let Some([r, c]) = i.pixel_spacing_mm {
        s += &format!("  pixel spacing: {r} x {c} mm\n");
    }
    if let Some(w) = i.window {
        s += &format!("  file window: centre {} width {}\n", w.center, w.width);
    }
    match (i.hu_min, i.hu_max) {
        (Some(lo), Some(hi)) => s += &format!("  Hounsfield units: {lo} to {hi}\n"),
        _ => s += &format!("  values: {} to {}\n", i.value_min, i.value_max),
    }
    if let Some(p) = &output.preview {
        s += &format!("  preview written to {}", p.path.display());
        if let Some(w) = p.window {
            s += &format!(" (window centre {} width {})", w.center, w.width);
        }
        s += "\n";
    }
    s
}
