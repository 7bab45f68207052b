//! QR codes of compact presentations: PNG images to write and read, and a rendering for
//! the terminal. Data goes in byte mode at error-correction level Q (the level the EU
//! certificate recommends) when it fits, otherwise at the highest level that fits.

use std::io::Cursor;

use qrcode::{Color, EcLevel, QrCode};

use super::Error;

/// Pixels per module in written PNGs.
pub const MODULE_PIXELS: usize = 4;
/// Light modules around the code (the standard's quiet zone).
pub const QUIET_ZONE: usize = 4;

/// A QR code with the facts a person may want to know about it.
#[derive(Clone)]
pub struct Qr {
    code: QrCode,
}

impl std::fmt::Debug for Qr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Qr(version {}, level {})", self.version(), self.level())
    }
}

impl Qr {
    /// Encodes `data` in byte mode at level Q, falling back to M and then L when it does
    /// not fit.
    pub fn new(data: &[u8]) -> Result<Self, Error> {
        [EcLevel::Q, EcLevel::M, EcLevel::L]
            .into_iter()
            .find_map(|level| QrCode::with_error_correction_level(data, level).ok())
            .map(|code| Qr { code })
            .ok_or(Error::Qr {
                problem: "the data is too large for one QR code",
            })
    }

    /// The QR version (1 to 40).
    pub fn version(&self) -> i16 {
        match self.code.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        }
    }

    /// The error-correction level: `L`, `M`, `Q` or `H`.
    pub fn level(&self) -> char {
        match self.code.error_correction_level() {
            EcLevel::L => 'L',
            EcLevel::M => 'M',
            EcLevel::Q => 'Q',
            EcLevel::H => 'H',
        }
    }

    /// Modules per side, without the quiet zone.
    pub fn width(&self) -> usize {
        self.code.width()
    }

    fn dark(&self, x: usize, y: usize) -> bool {
        let w = self.width();
        let (x, y) = (x.wrapping_sub(QUIET_ZONE), y.wrapping_sub(QUIET_ZONE));
        x < w && y < w && self.code[(x, y)] == Color::Dark
    }

    /// A greyscale PNG: [`MODULE_PIXELS`] pixels per module and a quiet zone of
    /// [`QUIET_ZONE`] modules.
    pub fn to_png(&self) -> Result<Vec<u8>, Error> {
        let modules = self.width() + 2 * QUIET_ZONE;
        let side = modules * MODULE_PIXELS;
        let mut pixels = Vec::with_capacity(side * side);
        for py in 0..side {
            for px in 0..side {
                let dark = self.dark(px / MODULE_PIXELS, py / MODULE_PIXELS);
                pixels.push(if dark { 0 } else { 255 });
            }
        }
        let mut out = Vec::new();
        let side = side as u32;
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let failed = |_| Error::Qr {
            problem: "could not encode the PNG image",
        };
        let mut writer = encoder.write_header().map_err(failed)?;
        writer.write_image_data(&pixels).map_err(failed)?;
        writer.finish().map_err(failed)?;
        Ok(out)
    }

    /// The code drawn with Unicode half blocks, two modules per character row, dark on
    /// light with a quiet zone, for a terminal.
    pub fn to_terminal(&self) -> String {
        let modules = self.width() + 2 * QUIET_ZONE;
        let mut s = String::with_capacity(modules * modules);
        for y in (0..modules).step_by(2) {
            for x in 0..modules {
                s.push(match (self.dark(x, y), self.dark(x, y + 1)) {
                    (false, false) => '█',
                    (true, false) => '▄',
                    (false, true) => '▀',
                    (true, true) => ' ',
                });
            }
            s.push('\n');
        }
        s
    }
}

/// Reads the bytes of the first QR code found in a PNG image (any PNG colour type; alpha is
/// laid over white).
pub fn read_png(png_bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let bad = |problem| Error::Qr { problem };
    let mut decoder = png::Decoder::new(Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder
        .read_info()
        .map_err(|_| bad("the file is not a readable PNG image"))?;
    let size = reader
        .output_buffer_size()
        .ok_or(bad("the PNG image is too large"))?;
    let mut buf = vec![0u8; size];
    let frame = reader
        .next_frame(&mut buf)
        .map_err(|_| bad("the PNG image data is damaged"))?;
    let channels = frame.color_type.samples();
    let (w, h) = (frame.width as usize, frame.height as usize);
    let line = frame.line_size;
    let luma = |x: usize, y: usize| -> u8 {
        let p = &buf[y * line + x * channels..][..channels];
        let (grey, alpha) = match channels {
            1 => (u32::from(p[0]), 255),
            2 => (u32::from(p[0]), u32::from(p[1])),
            3 => (
                (299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000,
                255,
            ),
            _ => (
                (299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000,
                u32::from(p[3]),
            ),
        };
        ((grey * alpha + 255 * (255 - alpha)) / 255) as u8
    };
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, luma);
    for grid in image.detect_grids() {
        let mut data = Vec::new();
        if grid.decode_to(&mut data).is_ok() {
            return Ok(data);
        }
    }
    Err(bad("no readable QR code was found in the image"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_data_round_trips_through_png() {
        let data: Vec<u8> = (0..=255u8).cycle().take(700).collect();
        let qr = Qr::new(&data).unwrap();
        assert_eq!(qr.level(), 'Q');
        let png = qr.to_png().unwrap();
        assert_eq!(read_png(&png).unwrap(), data);
        assert!(qr.to_terminal().lines().count() >= qr.width() / 2);
    }

    #[test]
    fn unreadable_images_are_errors() {
        assert!(matches!(read_png(b"not a png"), Err(Error::Qr { .. })));
        let blank = Qr::new(b"x").unwrap().to_png().unwrap();
        assert!(read_png(&blank).is_ok());
    }
}
