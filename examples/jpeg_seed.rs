//! Camera-like JPEG frames for the `scan_jpeg` fuzz target's seeds (`fuzz/make-fixtures.sh`):
//! a QR code PNG made greyscale, scaled up twice (nearest neighbour) and saved at JPEG
//! quality 60, or a blank grey frame. A frame made from a code is read back (with the
//! `jpeg` feature, which the default build has) and must hold the code's bytes.
//!
//! ```sh
//! cargo run --release --example jpeg_seed -- code.png frame.jpg
//! cargo run --release --example jpeg_seed -- --blank 64 blank.jpg
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let made = match args.as_slice() {
        [flag, side, out] if flag == "--blank" => side
            .parse::<u16>()
            .map_err(|e| format!("--blank {side}: {e}"))
            .and_then(|s| jpeg(&vec![200; usize::from(s) * usize::from(s)], s, s))
            .and_then(|bytes| write(out, &bytes)),
        [png, out] => frame(png)
            .and_then(|(grey, w, h)| jpeg(&grey, w, h))
            .and_then(|bytes| reads_back(png, &bytes).map(|()| bytes))
            .and_then(|bytes| write(out, &bytes)),
        _ => Err("usage: jpeg_seed CODE.png OUT.jpg | jpeg_seed --blank SIDE OUT.jpg".into()),
    };
    match made {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jpeg_seed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The PNG's first channel, each pixel repeated twice in both directions.
fn frame(path: &str) -> Result<(Vec<u8>, u16, u16), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().map_err(|e| format!("{path}: {e}"))?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| format!("{path}: too large"))?;
    let mut buf = vec![0; size];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("{path}: {e}"))?;
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = info.line_size / w;
    let mut grey = Vec::with_capacity(4 * w * h);
    for y in 0..2 * h {
        for x in 0..2 * w {
            grey.push(buf[(y / 2) * info.line_size + (x / 2) * channels]);
        }
    }
    let side = |n: usize| u16::try_from(2 * n).map_err(|_| format!("{path}: too large"));
    Ok((grey, side(w)?, side(h)?))
}

fn jpeg(grey: &[u8], w: u16, h: u16) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 60)
        .encode(grey, w, h, jpeg_encoder::ColorType::Luma)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// Checks that the frame holds the same bytes as the code it was made from.
#[cfg(feature = "jpeg")]
fn reads_back(png: &str, jpeg: &[u8]) -> Result<(), String> {
    use healthpass::presentation::qr;
    let limit = std::time::Duration::from_secs(10);
    let png_bytes = std::fs::read(png).map_err(|e| format!("{png}: {e}"))?;
    let code = qr::read_png_within(&png_bytes, limit).map_err(|e| format!("{png}: {e}"))?;
    let read = qr::read_jpeg_within(jpeg, limit).map_err(|e| format!("the frame: {e}"))?;
    if read == code {
        Ok(())
    } else {
        Err("the frame does not read back as the code's bytes".into())
    }
}

#[cfg(not(feature = "jpeg"))]
fn reads_back(_: &str, _: &[u8]) -> Result<(), String> {
    Ok(())
}

fn write(path: &str, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{path}: {e}"))
}
