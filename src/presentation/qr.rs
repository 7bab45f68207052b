//! QR codes of compact presentations and requests: PNG images to write and read, and a
//! rendering for the terminal. Data goes in byte mode in the smallest version that holds
//! it at error-correction level M, at the highest level that keeps that version
//! ([`Qr::new`]).
//!
//! The reader takes images from anyone: it checks a PNG's declared size before allocating,
//! downscales large camera frames while decoding them, and stops at a deadline
//! ([`read_png_within`]; the caps are [`MAX_DECLARED_PIXELS`], [`MAX_SIDE`] and
//! [`MAX_DECODED_PIXELS`]).

use std::io::Cursor;
use std::time::{Duration, Instant};

use qrcode::{Color, EcLevel, QrCode};

use super::Error;

/// Pixels per module in written PNGs.
pub const MODULE_PIXELS: usize = 4;
/// Light modules around the code (the standard's quiet zone).
pub const QUIET_ZONE: usize = 4;
/// Light modules around the code drawn in a terminal: one, so that a version 25 code (117
/// modules) fits 120 columns and 60 rows; the terminal's dark background around it is
/// uniform, which is what the quiet zone is for.
pub const TERMINAL_QUIET_ZONE: usize = 1;

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
    /// Encodes `data` in byte mode in the smallest version that holds it at level M, at
    /// the highest error-correction level that still fits that version (H, then Q, then M):
    /// the most robust code of the smallest size a phone reads (issue 13). Data too large
    /// for any version at level M falls back to level L (the largest entry-policy
    /// presentation needs it), and beyond that is refused.
    pub fn new(data: &[u8]) -> Result<Self, Error> {
        let too_large = Error::Qr {
            problem: "the data is too large for one QR code",
        };
        let Ok(at_m) = QrCode::with_error_correction_level(data, EcLevel::M) else {
            return QrCode::with_error_correction_level(data, EcLevel::L)
                .map(|code| Qr { code })
                .map_err(|_| too_large);
        };
        let version = at_m.version();
        let code = [EcLevel::H, EcLevel::Q]
            .into_iter()
            .find_map(|level| QrCode::with_version(data, version, level).ok())
            .unwrap_or(at_m);
        Ok(Qr { code })
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

    /// Whether module `(x, y)` of the code drawn with a quiet zone of `zone` modules is dark.
    fn dark(&self, x: usize, y: usize, zone: usize) -> bool {
        let w = self.width();
        let (x, y) = (x.wrapping_sub(zone), y.wrapping_sub(zone));
        x < w && y < w && self.code[(x, y)] == Color::Dark
    }

    /// The terminal characters [`Qr::to_terminal`] needs: (columns, rows).
    pub fn terminal_size(&self) -> (usize, usize) {
        let modules = self.width() + 2 * TERMINAL_QUIET_ZONE;
        (modules, modules.div_ceil(2))
    }

    /// A greyscale PNG: [`MODULE_PIXELS`] pixels per module and a quiet zone of
    /// [`QUIET_ZONE`] modules.
    pub fn to_png(&self) -> Result<Vec<u8>, Error> {
        let modules = self.width() + 2 * QUIET_ZONE;
        let side = modules * MODULE_PIXELS;
        let mut pixels = Vec::with_capacity(side * side);
        for py in 0..side {
            for px in 0..side {
                let dark = self.dark(px / MODULE_PIXELS, py / MODULE_PIXELS, QUIET_ZONE);
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
    /// light with a quiet zone of [`TERMINAL_QUIET_ZONE`] module, for a terminal
    /// ([`Qr::terminal_size`] characters).
    pub fn to_terminal(&self) -> String {
        let (modules, _) = self.terminal_size();
        let zone = TERMINAL_QUIET_ZONE;
        let mut s = String::with_capacity(modules * modules);
        for y in (0..modules).step_by(2) {
            for x in 0..modules {
                s.push(match (self.dark(x, y, zone), self.dark(x, y + 1, zone)) {
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

/// How long [`read_png_within`] works by default before it gives up: a real QR code, even in
/// a 64-megapixel camera frame, is decided well within it, and the whole `verify --qr` stays
/// under 2 seconds.
pub const DEFAULT_DECODE_LIMIT: Duration = Duration::from_millis(1500);

/// The largest PNG file the command line reads (128 MiB: a 64-megapixel camera frame).
pub const MAX_PNG_BYTES: usize = 128 << 20;

/// Frames of up to this many pixels (2^23, about 8.4 megapixels) are searched for a QR code
/// at full resolution; larger ones are downscaled to at most this while they are decoded.
/// (At this size the QR search's threshold arithmetic cannot overflow.)
pub const MAX_DECODED_PIXELS: u64 = 1 << 23;

/// Frames declaring more than this many pixels (2^26, about 67 megapixels) are refused from
/// their header, before any pixel is allocated.
pub const MAX_DECLARED_PIXELS: u64 = 1 << 26;

/// Frames with a side longer than this are refused from their header.
pub const MAX_SIDE: u32 = 1 << 15;

/// What the PNG decoder may allocate besides our buffers (row buffers, palette; text and
/// colour-profile chunks are skipped).
const PNG_DECODER_BYTES: usize = 8 << 20;

/// Reads the bytes of the first QR code in a PNG image, giving up with an error once `limit`
/// has passed.
///
/// Safe for untrusted images: the header is read first, and a frame of more than
/// [`MAX_DECLARED_PIXELS`] pixels or a side above [`MAX_SIDE`] is refused
/// ([`Error::ImageTooLarge`]) before any pixel buffer exists; a frame above
/// [`MAX_DECODED_PIXELS`] is averaged down, row by row as it is decoded, into a greyscale
/// buffer of at most that many pixels (interlaced frames are not downscaled: above the cap
/// they are refused). Buffers are allocated fallibly. The decoder checks the deadline after
/// every row and before the QR search, which is bounded by the image size (at most 32 finder
/// patterns and 8 candidate codes are considered), so the call returns soon after `limit`
/// and leaves nothing running.
pub fn read_png_within(png_bytes: &[u8], limit: Duration) -> Result<Vec<u8>, Error> {
    decode(png_bytes, Instant::now().checked_add(limit))
}

/// [`read_png_within`] without a deadline (any PNG colour type; alpha is laid over white).
pub fn read_png(png_bytes: &[u8]) -> Result<Vec<u8>, Error> {
    decode(png_bytes, None)
}

fn qr_error(problem: &'static str) -> Error {
    Error::Qr { problem }
}

/// Fails once `deadline` has passed.
fn check_deadline(deadline: Option<Instant>) -> Result<(), Error> {
    match deadline {
        Some(d) if Instant::now() >= d => {
            Err(qr_error("no QR code was found within the time limit"))
        }
        _ => Ok(()),
    }
}

/// A zeroed buffer of `len` elements, or an error instead of an abort.
fn try_buffer<T: Clone + Default>(len: usize) -> Result<Vec<T>, Error> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| qr_error("not enough memory for the image"))?;
    v.resize(len, T::default());
    Ok(v)
}

/// The luminance of one 8-bit pixel of `channels` samples, alpha laid over white.
fn luma(p: &[u8]) -> u8 {
    let rgb =
        |p: &[u8]| (299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000;
    let (grey, alpha) = match p.len() {
        1 => (u32::from(p[0]), 255),
        2 => (u32::from(p[0]), u32::from(p[1])),
        3 => (rgb(p), 255),
        _ => (rgb(p), u32::from(p[3])),
    };
    ((grey * alpha + 255 * (255 - alpha)) / 255) as u8
}

/// The greyscale frame handed to the QR search, filled row by row: each output pixel is the
/// average of a `scale` x `scale` block of the source (smaller blocks at the right and
/// bottom edges).
struct Downscaler {
    source_width: usize,
    source_height: usize,
    scale: usize,
    width: usize,
    out: Vec<u8>,
    sums: Vec<u32>,
    rows_in_block: u32,
}

impl Downscaler {
    /// A frame for a source of the given size (within the declared caps), at the smallest
    /// integer scale that fits [`MAX_DECODED_PIXELS`].
    fn new(source_width: usize, source_height: usize) -> Result<Self, Error> {
        let fits = |s: usize| {
            (source_width.div_ceil(s) as u64) * (source_height.div_ceil(s) as u64)
                <= MAX_DECODED_PIXELS
        };
        let scale = (1..=8)
            .find(|&s| fits(s))
            .ok_or(qr_error("the PNG image is too large"))?;
        let (width, height) = (source_width.div_ceil(scale), source_height.div_ceil(scale));
        Ok(Self {
            source_width,
            source_height,
            scale,
            width,
            out: try_buffer(width * height)?,
            sums: try_buffer(width)?,
            rows_in_block: 0,
        })
    }

    /// Adds source row `y`: `channels` 8-bit samples per pixel.
    fn row(&mut self, y: usize, data: &[u8], channels: usize) {
        for (x, p) in data
            .chunks_exact(channels)
            .take(self.source_width)
            .enumerate()
        {
            self.sums[x / self.scale] += u32::from(luma(p));
        }
        self.rows_in_block += 1;
        if self.rows_in_block as usize == self.scale || y + 1 == self.source_height {
            let row = &mut self.out[(y / self.scale) * self.width..][..self.width];
            for (x, (out, sum)) in row.iter_mut().zip(&mut self.sums).enumerate() {
                let cols = (self.source_width - x * self.scale).min(self.scale) as u32;
                *out = (*sum / (cols * self.rows_in_block)) as u8;
                *sum = 0;
            }
            self.rows_in_block = 0;
        }
    }
}

/// The one PNG-to-QR path: header checks, streamed decoding with downscaling, the QR search.
fn decode(png_bytes: &[u8], deadline: Option<Instant>) -> Result<Vec<u8>, Error> {
    check_deadline(deadline)?;
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(png_bytes),
        png::Limits {
            bytes: PNG_DECODER_BYTES,
        },
    );
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let header = decoder
        .read_header_info()
        .map_err(|_| qr_error("the file is not a readable PNG image"))?;
    let (width, height, interlaced) = (header.width, header.height, header.interlaced);
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_DECLARED_PIXELS
        || width > MAX_SIDE
        || height > MAX_SIDE
        || (interlaced && pixels > MAX_DECODED_PIXELS)
    {
        return Err(Error::ImageTooLarge { width, height });
    }
    let mut reader = decoder
        .read_info()
        .map_err(|_| qr_error("the file is not a readable PNG image"))?;
    let channels = reader.output_color_type().0.samples();
    let (w, h) = (width as usize, height as usize);
    let mut frame = Downscaler::new(w, h)?;
    let damaged = |_| qr_error("the PNG image data is damaged");
    if interlaced {
        // Adam7 passes arrive out of order: expand them into a full frame (within the
        // decode cap, checked above), then feed its rows.
        let stride = w * channels;
        let mut full = try_buffer::<u8>(stride * h)?;
        while let Some(row) = reader.next_interlaced_row().map_err(damaged)? {
            if let png::InterlaceInfo::Adam7(pass) = row.interlace() {
                png::expand_interlaced_row(
                    &mut full,
                    stride,
                    row.data(),
                    pass,
                    (channels * 8) as u8,
                );
            }
            check_deadline(deadline)?;
        }
        for (y, row) in full.chunks_exact(stride).enumerate() {
            frame.row(y, row, channels);
        }
    } else {
        let mut y = 0;
        while let Some(row) = reader.next_row().map_err(damaged)? {
            if y == h {
                break;
            }
            frame.row(y, row.data(), channels);
            y += 1;
            check_deadline(deadline)?;
        }
        if y < h {
            return Err(qr_error("the PNG image data is damaged"));
        }
    }
    search(&frame, deadline)
}

/// Reads the bytes of the first QR code in a JPEG image (a camera frame), giving up with an
/// error once `limit` has passed.
///
/// The same caps as [`read_png_within`]: the header is read first and a frame of more than
/// [`MAX_DECODED_PIXELS`] pixels (JPEG frames are not downscaled while they stream in) is
/// refused ([`Error::ImageTooLarge`]) before any pixel buffer exists; the frame is decoded
/// straight to greyscale, then searched under the same deadline.
#[cfg(feature = "jpeg")]
pub fn read_jpeg_within(jpeg_bytes: &[u8], limit: Duration) -> Result<Vec<u8>, Error> {
    use zune_jpeg::zune_core::{colorspace::ColorSpace, options::DecoderOptions};
    let deadline = Instant::now().checked_add(limit);
    check_deadline(deadline)?;
    let side = MAX_SIDE.min(u32::from(u16::MAX)) as usize;
    let options = DecoderOptions::default()
        .set_max_width(side)
        .set_max_height(side)
        .jpeg_set_out_colorspace(ColorSpace::Luma);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(jpeg_bytes, options);
    let unreadable = |_| qr_error("the file is not a readable JPEG image");
    // A panic in the decoder (a bug; none is known) is an unreadable image.
    let header = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        decoder.decode_headers().map(|()| decoder.info())
    }));
    let info = header
        .unwrap_or(Err(zune_jpeg::errors::DecodeErrors::Format(String::new())))
        .map_err(unreadable)?
        .ok_or(qr_error("the file is not a readable JPEG image"))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    if u64::from(width) * u64::from(height) > MAX_DECODED_PIXELS {
        return Err(Error::ImageTooLarge { width, height });
    }
    let (w, h) = (width as usize, height as usize);
    let mut grey = try_buffer::<u8>(w * h)?;
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        decoder.decode_into(&mut grey)
    }));
    decoded
        .unwrap_or(Err(zune_jpeg::errors::DecodeErrors::Format(String::new())))
        .map_err(|_| qr_error("the JPEG image data is damaged"))?;
    check_deadline(deadline)?;
    let mut frame = Downscaler::new(w, h)?;
    for (y, row) in grey.chunks_exact(w.max(1)).enumerate() {
        frame.row(y, row, 1);
    }
    search(&frame, deadline)
}

/// The QR search over a greyscale frame, shared by the PNG and JPEG readers.
fn search(frame: &Downscaler, deadline: Option<Instant>) -> Result<Vec<u8>, Error> {
    check_deadline(deadline)?;
    let height = frame.out.len() / frame.width.max(1);
    // quirc's search keeps at most 32 finder patterns and 8 grids: bounded work. A panic
    // in it (a bug; none is known) is an unreadable image, not a crash of the verifier.
    let search = std::panic::catch_unwind(|| {
        let mut search = quircs::Quirc::new();
        for code in search.identify(frame.width, height, &frame.out) {
            check_deadline(deadline)?;
            if let Some(data) = code.ok().and_then(|c| c.decode().ok()) {
                return Ok(data.payload);
            }
        }
        Err(qr_error("no readable QR code was found in the image"))
    });
    search.unwrap_or(Err(qr_error("the QR decoder failed on this image")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_data_round_trips_through_png() {
        let data: Vec<u8> = (0..=255u8).cycle().take(700).collect();
        let qr = Qr::new(&data).unwrap();
        // The smallest version that holds it at level M (700 bytes: version 20), at the
        // highest level that keeps it: here M itself, as Q needs version 24.
        let version = |level| {
            QrCode::with_error_correction_level(&data, level)
                .map(|c| c.version())
                .unwrap()
        };
        assert_eq!(qr.code.version(), version(EcLevel::M));
        assert_eq!(qr.level(), 'M');
        assert_ne!(version(EcLevel::Q), version(EcLevel::M));
        // A code that fits at a higher level in the same version gets that level.
        let small = Qr::new(b"health").unwrap();
        assert_eq!((small.version(), small.level()), (1, 'H'));
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

    #[test]
    fn decoding_under_a_deadline() {
        let png = Qr::new(b"healthpass").unwrap().to_png().unwrap();
        assert_eq!(
            read_png_within(&png, DEFAULT_DECODE_LIMIT).unwrap(),
            b"healthpass"
        );
        assert!(matches!(
            read_png_within(b"not a png", DEFAULT_DECODE_LIMIT),
            Err(Error::Qr { .. })
        ));
        // A limit of zero gives up before decoding anything.
        match read_png_within(&png, std::time::Duration::ZERO) {
            Ok(d) => assert_eq!(d, b"healthpass"),
            Err(e) => assert!(e.to_string().contains("time limit"), "{e}"),
        }
    }
}
