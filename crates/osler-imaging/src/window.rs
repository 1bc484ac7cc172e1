//! Display windows: the DICOM linear VOI function (PS3.3 C.11.2.1.2.1) that
//! maps modality values (Hounsfield units for CT) to 8-bit grey levels, and
//! the usual CT presets.

use serde::Serialize;

use crate::error::{ImagingError, Result};

/// A window: values from `center - width/2` to `center + width/2` span the
/// grey scale, in the image's modality units (HU for CT).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Window {
    /// Window centre (level).
    pub center: f64,
    /// Window width, at least 1.
    pub width: f64,
}

impl Window {
    /// Lung window: centre -600 HU, width 1500 HU.
    pub const LUNG: Window = Window { center: -600.0, width: 1500.0 };
    /// Mediastinum (soft tissue) window: centre 40 HU, width 400 HU.
    pub const MEDIASTINUM: Window = Window { center: 40.0, width: 400.0 };
    /// Brain window: centre 40 HU, width 80 HU.
    pub const BRAIN: Window = Window { center: 40.0, width: 80.0 };

    /// A window of the given centre and width; the width must be at least 1.
    pub fn new(center: f64, width: f64) -> Result<Window> {
        if !(center.is_finite() && width.is_finite() && width >= 1.0) {
            return Err(ImagingError::BadWindow { width });
        }
        Ok(Window { center, width })
    }

    /// The window spanning `[min, max]` (centre the midpoint, width
    /// `max - min + 1`, so both ends stay inside the linear ramp).
    pub fn spanning(min: f64, max: f64) -> Window {
        Window { center: (min + max) / 2.0, width: (max - min + 1.0).max(1.0) }
    }

    /// The 8-bit grey level of `x` by the DICOM linear function with
    /// `c = center`, `w = width`: 0 if `x <= c - 0.5 - (w-1)/2`, 255 if
    /// `x > c - 0.5 + (w-1)/2`, else `((x - (c - 0.5)) / (w - 1) + 0.5) * 255`
    /// rounded.
    pub fn grey(&self, x: f64) -> u8 {
        let (c, w) = (self.center, self.width);
        if x <= c - 0.5 - (w - 1.0) / 2.0 {
            0
        } else if x > c - 0.5 + (w - 1.0) / 2.0 {
            255
        } else if w <= 1.0 {
            // A one-value window is a step: the ramp above has no interior.
            255
        } else {
            (((x - (c - 0.5)) / (w - 1.0) + 0.5) * 255.0).round().clamp(0.0, 255.0) as u8
        }
    }
}

/// A named Hounsfield-unit window for CT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// [`Window::LUNG`].
    Lung,
    /// [`Window::MEDIASTINUM`].
    Mediastinum,
    /// [`Window::BRAIN`].
    Brain,
}

impl Preset {
    /// The preset's name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Lung => "lung",
            Preset::Mediastinum => "mediastinum",
            Preset::Brain => "brain",
        }
    }

    /// Its window, in Hounsfield units.
    pub fn window(self) -> Window {
        match self {
            Preset::Lung => Window::LUNG,
            Preset::Mediastinum => Window::MEDIASTINUM,
            Preset::Brain => Window::BRAIN,
        }
    }
}

/// Which window a preview uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WindowChoice {
    /// A CT preset (Hounsfield units).
    Preset(Preset),
    /// The file's own first WindowCenter/WindowWidth.
    File,
    /// An explicit centre and width, in the image's modality units.
    Custom(Window),
}

impl WindowChoice {
    /// Parses `lung`, `mediastinum`, `brain`, `file` or `CENTER,WIDTH`.
    pub fn parse(text: &str) -> Result<WindowChoice> {
        let unknown = || ImagingError::UnknownWindow { text: text.to_string() };
        match text.trim().to_ascii_lowercase().as_str() {
            "lung" => Ok(WindowChoice::Preset(Preset::Lung)),
            "mediastinum" => Ok(WindowChoice::Preset(Preset::Mediastinum)),
            "brain" => Ok(WindowChoice::Preset(Preset::Brain)),
            "file" => Ok(WindowChoice::File),
            other => {
                let (c, w) = other.split_once(',').ok_or_else(unknown)?;
                let c: f64 = c.trim().parse().map_err(|_| unknown())?;
                let w: f64 = w.trim().parse().map_err(|_| unknown())?;
                Window::new(c, w).map(WindowChoice::Custom)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // DICOM PS3.3 C.11.2.1.2.1 linear function at its ends and midpoint.
    #[test]
    fn linear_window_follows_the_dicom_formula() {
        let w = Window::MEDIASTINUM;
        assert_eq!(w.grey(-160.5), 0);
        assert_eq!(w.grey(-1000.0), 0);
        assert_eq!(w.grey(239.0), 255);
        assert_eq!(w.grey(1000.0), 255);
        // x = c - 0.5 sits half-way up the ramp: 0.5 * 255 = 127.5 -> 128.
        assert_eq!(w.grey(39.5), 128);
    }

    #[test]
    fn window_text_is_a_preset_or_center_and_width() {
        assert_eq!(WindowChoice::parse("Lung").ok(), Some(WindowChoice::Preset(Preset::Lung)));
        assert_eq!(
            WindowChoice::parse("40,400").ok(),
            Some(WindowChoice::Custom(Window { center: 40.0, width: 400.0 }))
        );
        assert!(matches!(WindowChoice::parse("bone"), Err(ImagingError::UnknownWindow { .. })));
        assert!(matches!(WindowChoice::parse("40,0"), Err(ImagingError::BadWindow { .. })));
    }
}
