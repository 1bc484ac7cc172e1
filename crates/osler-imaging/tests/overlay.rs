//! The heat-map overlay: a readable RGB PNG of the enlarged size, the colours
//! where the map is hot, and typed errors with nothing written on bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use osler_imaging::{ImagingError, OverlayOptions, write_heatmap_overlay};

#[test]
fn overlay_is_an_rgb_png_of_the_enlarged_size_hot_where_the_map_is() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sub").join("overlay.png");
    let (h, w) = (28, 20);
    let grey = vec![100u8; h * w];
    // Hot (1) in the top-left pixel, cold (0) elsewhere.
    let mut map = vec![0.0f32; h * w];
    map[0] = 1.0;
    write_heatmap_overlay(&out, &grey, h, w, &map, &OverlayOptions { alpha: 0.5, scale: 4 })
        .unwrap();
    let png = image::open(&out).unwrap();
    assert_eq!(png.color(), image::ColorType::Rgb8);
    let rgb = png.to_rgb8();
    assert_eq!(rgb.dimensions(), (80, 112));
    // jet(1) = (0.5, 0, 0): 0.5 * 100 + 0.5 * 127.5 = 113.75 -> 114; green 50; blue 50.
    // Nearest-neighbour enlargement: the whole 4 x 4 block of the first pixel.
    for (x, y) in [(0, 0), (3, 3)] {
        assert_eq!(rgb.get_pixel(x, y).0, [114, 50, 50]);
    }
    // jet(0) = (0, 0, 0.5).
    assert_eq!(rgb.get_pixel(4, 0).0, [50, 50, 114]);
    // alpha 0 gives back the grey image.
    let plain = dir.path().join("plain.png");
    write_heatmap_overlay(&plain, &grey, h, w, &map, &OverlayOptions { alpha: 0.0, scale: 1 })
        .unwrap();
    let rgb = image::open(&plain).unwrap().to_rgb8();
    assert_eq!(rgb.dimensions(), (20, 28));
    assert!(rgb.pixels().all(|p| p.0 == [100, 100, 100]));
}

#[test]
fn bad_overlay_input_is_a_typed_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("overlay.png");
    let grey = vec![0u8; 16];
    let map = vec![0.5f32; 16];
    let o = OverlayOptions::default();
    let short = write_heatmap_overlay(&out, &grey, 4, 4, &map[..15], &o);
    assert!(
        matches!(short, Err(ImagingError::OverlaySize { what: "heat map", found: 15, .. })),
        "{short:?}"
    );
    let wrong_image = write_heatmap_overlay(&out, &grey, 4, 5, &map, &o);
    assert!(matches!(wrong_image, Err(ImagingError::OverlaySize { what: "grey image", .. })));
    let mut nan = map.clone();
    nan[3] = f32::NAN;
    let bad = write_heatmap_overlay(&out, &grey, 4, 4, &nan, &o);
    assert!(matches!(bad, Err(ImagingError::OverlayValue { index: 3, .. })), "{bad:?}");
    let mut above = map.clone();
    above[7] = 1.5;
    assert!(matches!(
        write_heatmap_overlay(&out, &grey, 4, 4, &above, &o),
        Err(ImagingError::OverlayValue { index: 7, .. })
    ));
    for bad in [OverlayOptions { alpha: 1.5, scale: 1 }, OverlayOptions { alpha: 0.5, scale: 0 }] {
        assert!(matches!(
            write_heatmap_overlay(&out, &grey, 4, 4, &map, &bad),
            Err(ImagingError::OverlayOption { .. })
        ));
    }
    let empty = write_heatmap_overlay(&out, &[], 0, 0, &[], &o);
    assert!(matches!(empty, Err(ImagingError::OverlaySize { .. })));
    let msg = short.unwrap_err().to_string();
    assert!(msg.contains("overlay.png") && msg.contains("15 values"), "{msg}");
    assert!(!out.exists());
}
