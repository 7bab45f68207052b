//! Hostile input at the library level (issue 9, findings 1 and 6): PNG images that declare
//! huge frames or hide decompression bombs, a decoder that must stop at its deadline, large
//! camera frames that must still decode after downscaling, and requests built to stall the
//! holder. Nothing here may allocate more than a few tens of megabytes.

use std::io::Write;
use std::time::Duration;

use healthpass::presentation::qr::{self, Qr};
use healthpass::presentation::Error;

/// The bytes of a PNG chunk: length, type, data, CRC.
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = 0xffff_ffffu32;
    for &b in kind.iter().chain(data) {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    out.extend_from_slice(&(!crc).to_be_bytes());
    out
}

/// A PNG that declares a `width` x `height` 8-bit RGBA frame and carries a tiny IDAT (a zlib
/// stream of five zero bytes): 68 bytes for any size. The review's 100000 x 100000 one made
/// the old reader allocate 40 GB and abort.
fn declared_png(width: u32, height: u32) -> Vec<u8> {
    declared_png_with(width, height, 0)
}

/// [`declared_png`] with the given interlace method (0 none, 1 Adam7).
fn declared_png_with(width: u32, height: u32, interlace: u8) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, interlace]); // depth 8, RGBA, deflate, adaptive
    let idat = [
        0x78, 0xda, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01,
    ];
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(b"IDAT", &idat));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// A greyscale PNG of `width` x `height` whose rows come from `row` (written row by row, so
/// the test never holds the whole frame).
fn streamed_png(width: u32, height: u32, mut row: impl FnMut(u32, &mut [u8])) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fastest);
    let mut writer = encoder.write_header().unwrap();
    {
        let mut stream = writer.stream_writer().unwrap();
        let mut line = vec![0u8; width as usize];
        for y in 0..height {
            row(y, &mut line);
            stream.write_all(&line).unwrap();
        }
        stream.finish().unwrap();
    }
    writer.finish().unwrap();
    out
}

fn is_qr_error(r: &Result<Vec<u8>, Error>, words: &str) -> bool {
    match r {
        Err(e @ (Error::Qr { .. } | Error::ImageTooLarge { .. })) => e.to_string().contains(words),
        _ => false,
    }
}

#[test]
fn a_68_byte_png_declaring_100000_by_100000_pixels_is_refused_before_allocating() {
    let png = declared_png(100_000, 100_000);
    assert_eq!(png.len(), 68);
    let r = qr::read_png_within(&png, qr::DEFAULT_DECODE_LIMIT);
    assert!(is_qr_error(&r, "100000x100000"), "{r:?}");
    assert!(matches!(
        r,
        Err(Error::ImageTooLarge {
            width: 100_000,
            height: 100_000
        })
    ));
    assert!(
        !r.unwrap_err().is_rejection(),
        "unusable input, not a rejection"
    );
    // A frame too wide for its row buffer, with few pixels in all, is refused as well.
    let r = qr::read_png(&declared_png(qr::MAX_SIDE + 1, 1));
    assert!(matches!(r, Err(Error::ImageTooLarge { .. })), "{r:?}");
}

#[test]
fn a_declared_decompression_bomb_above_the_hard_cap_is_refused() {
    // The 1.6 MB bomb of the review declares 40000x40000 zero pixels; its header alone is
    // enough to refuse it.
    let r = qr::read_png(&declared_png(40_000, 40_000));
    assert!(matches!(r, Err(Error::ImageTooLarge { .. })), "{r:?}");
    // Just under the hard cap the frame is accepted for (downscaled) decoding: this one is
    // truncated, so it fails as damaged data, not as too large.
    let side = (qr::MAX_DECLARED_PIXELS as f64).sqrt() as u32;
    let r = qr::read_png(&declared_png(side, side));
    assert!(is_qr_error(&r, "damaged"), "{r:?}");
}

/// The names of this process's threads.
fn thread_names() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .map(|tasks| {
            tasks
                .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
                .map(|n| n.trim().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_decoder_stops_at_its_deadline() {
    // A legitimate 64-megapixel frame of zeros, 8192 x 8192 (a few hundred KB compressed): far
    // more work than 1 ms allows.
    let bomb = streamed_png(8192, 8192, |_, line| line.fill(0));
    assert!(bomb.len() < 1_000_000, "{}", bomb.len());
    let r = qr::read_png_within(&bomb, Duration::from_millis(1));
    assert!(is_qr_error(&r, "time limit"), "{r:?}");
    // Nothing keeps decoding after the call returned: no worker thread was left behind.
    assert!(
        !thread_names().iter().any(|n| n.starts_with("qr-decode")),
        "{:?}",
        thread_names()
    );
    // A passed deadline stops even a small image, deterministically.
    let small = Qr::new(b"healthpass").unwrap().to_png().unwrap();
    let r = qr::read_png_within(&small, Duration::ZERO);
    assert!(is_qr_error(&r, "time limit"), "{r:?}");
    assert_eq!(
        qr::read_png_within(&small, qr::DEFAULT_DECODE_LIMIT).unwrap(),
        b"healthpass"
    );
}

#[test]
fn a_large_camera_frame_is_downscaled_and_still_decodes() {
    // A real QR code (4 pixels per module) scaled 8 times into a grey 9600 x 6000 frame
    // (57.6 megapixels: above the decode cap, below the hard cap).
    let data = b"healthpass camera frame";
    let code = Qr::new(data).unwrap().to_png().unwrap();
    let mut decoder = png::Decoder::new(std::io::Cursor::new(&code));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut small = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut small).unwrap();
    let side = info.width;
    let (w, h, scale, x0, y0) = (9600u32, 6000u32, 8u32, 3100u32, 1500u32);
    assert!(u64::from(w) * u64::from(h) > qr::MAX_DECODED_PIXELS);
    assert!(u64::from(w) * u64::from(h) <= qr::MAX_DECLARED_PIXELS);
    let frame = streamed_png(w, h, |y, line| {
        for (x, p) in line.iter_mut().enumerate() {
            let (x, y) = (x as u32, y);
            let inside =
                (x0..x0 + side * scale).contains(&x) && (y0..y0 + side * scale).contains(&y);
            *p = if inside {
                small[(((y - y0) / scale) * side + (x - x0) / scale) as usize]
            } else {
                // A textured, mid-grey background.
                (120 + (x / 7 + y / 5) % 40) as u8
            };
        }
    });
    assert_eq!(qr::read_png(&frame).unwrap(), data);
    assert_eq!(
        qr::read_png_within(&frame, Duration::from_secs(60)).unwrap(),
        data
    );
}

// ---- finding 6: a hostile request must not stall the holder ----

use healthpass::credential::CredentialType;
use healthpass::presentation::{
    CredentialRequest, Predicate, PresentationRequest, MAX_BASE, MAX_REQUEST_BYTES,
};
use serde_json::Value;

const NOW: i64 = 1_717_243_200;

/// A request file whose `credentials` x `predicates` all carry the same parameters (one
/// digit set of `base`), as the review's 22 MB request did.
fn repeated_request(credentials: usize, predicates: usize, base: u32) -> String {
    let schema = CredentialType::Vaccination.schema();
    let p = Predicate::parse(schema, "dose_number >= 1", NOW)
        .unwrap()
        .with_fresh_params(schema, &mut rand::rng())
        .unwrap();
    let asked = CredentialRequest::new(CredentialType::Vaccination, &[], &[], vec![p]).unwrap();
    let r = PresentationRequest::new("border", vec![asked], NOW, 600, &mut rand::rng()).unwrap();
    let mut v: Value = serde_json::from_str(&r.to_json()).unwrap();
    let mut predicate = v["policies"][0]["any_of"][0]["all_of"][0].clone();
    if base != 64 {
        // Same points, another base: one signature (the first) repeated `base` times.
        let sigs = predicate["params"]["signatures"].as_str().unwrap();
        let first = healthpass::credential::json::b64_decode(sigs).unwrap()[..48].to_vec();
        predicate["params"]["base"] = base.into();
        predicate["params"]["signatures"] =
            healthpass::credential::json::b64_encode(&first.repeat(base as usize)).into();
    }
    let mut policy = v["policies"][0].clone();
    policy["any_of"][0]["all_of"] = Value::Array(vec![predicate; predicates]);
    v["policies"] = Value::Array(vec![policy; credentials]);
    serde_json::to_string(&v).unwrap()
}

#[test]
fn an_oversized_request_is_refused_before_it_is_parsed() {
    // 16 credentials x 16 predicates x 1024 signatures: about 17 MB (the review's took 29 s
    // to parse).
    let text = repeated_request(16, 16, 1024);
    assert!(text.len() > MAX_REQUEST_BYTES, "{}", text.len());
    let e = PresentationRequest::from_json(&text).unwrap_err();
    assert!(matches!(e, Error::RequestTooLarge { .. }), "{e}");
    assert!(e.to_string().contains("more than the 2097152"), "{e}");
    assert!(!e.is_rejection());
}

#[test]
fn a_request_repeating_one_parameter_set_is_read_with_it_decoded_once() {
    // 16 x 16 predicates with identical parameters, within the byte cap: read, and every
    // predicate holds the same set.
    let text = repeated_request(16, 16, 64);
    assert!(text.len() <= MAX_REQUEST_BYTES, "{}", text.len());
    let r = PresentationRequest::from_json(&text).unwrap();
    let all: Vec<_> = r
        .policies
        .iter()
        .flat_map(|c| c.alternatives[0].statements())
        .map(|p| p.params.as_ref().unwrap())
        .collect();
    assert_eq!(all.len(), 256);
    assert!(all.iter().all(|p| *p == all[0]));
}

#[test]
fn request_counts_and_bases_are_capped_before_any_parameter_is_decoded() {
    let too_many = |text: &str| {
        PresentationRequest::from_json(text)
            .unwrap_err()
            .to_string()
    };
    assert!(too_many(&repeated_request(17, 1, 64)).contains("1 to 16 credentials"));
    assert!(too_many(&repeated_request(1, 17, 64)).contains("more than 16 statements"));
    let e = too_many(&repeated_request(1, 1, MAX_BASE + 1));
    assert!(e.contains("at most 1024"), "{e}");
    // The cap itself is a base the reader takes (the holder's span checks come later).
    assert!(PresentationRequest::from_json(&repeated_request(1, 1, MAX_BASE)).is_ok());
}

#[test]
fn the_distinct_signatures_of_one_request_are_capped() {
    use healthpass::presentation::MAX_REQUEST_SIGNATURES;
    // 16 distinct sets of 1024 signatures and the validity set are within the cap; one
    // more (different only in its key) exceeds it.
    let text = repeated_request(1, 16, MAX_BASE);
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let mut keys = std::collections::HashSet::new();
    let g2 =
        healthpass::credential::json::b64_encode(&bls12_381::G2Affine::generator().to_compressed());
    let sets = v["policies"][0]["any_of"][0]["all_of"]
        .as_array_mut()
        .unwrap();
    for (i, p) in sets.iter_mut().enumerate() {
        // Distinct sets: each key a different multiple of the generator.
        let key = bls12_381::G2Affine::from(
            bls12_381::G2Projective::generator() * bls12_381::Scalar::from(i as u64 + 2),
        );
        p["params"]["key"] = healthpass::credential::json::b64_encode(&key.to_compressed()).into();
        keys.insert(p["params"]["key"].as_str().unwrap().to_owned());
    }
    assert_eq!(keys.len(), 16);
    const { assert!(17 * MAX_BASE as usize <= MAX_REQUEST_SIGNATURES) };
    assert!(PresentationRequest::from_json(&v.to_string()).is_ok());
    let mut extra = v["policies"][0].clone();
    extra["any_of"][0]["all_of"] = Value::Array(vec![{
        let mut p = v["policies"][0]["any_of"][0]["all_of"][0].clone();
        p["params"]["key"] = g2.into();
        p
    }]);
    v["policies"].as_array_mut().unwrap().push(extra);
    let e = PresentationRequest::from_json(&v.to_string())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("17408 distinct signatures"), "{e}");
}

/// A zlib stream of `data` in stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, c) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let len = c.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(c);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// An Adam7-interlaced 8-bit greyscale PNG of `pixels` (`width` x `height`).
fn interlaced_png(width: usize, height: usize, pixels: &[u8]) -> Vec<u8> {
    const PASSES: [(usize, usize, usize, usize); 7] = [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ];
    let mut raw = Vec::new();
    for (x0, y0, dx, dy) in PASSES {
        if x0 >= width || y0 >= height {
            continue;
        }
        for y in (y0..height).step_by(dy) {
            raw.push(0); // filter: none
            raw.extend((x0..width).step_by(dx).map(|x| pixels[y * width + x]));
        }
    }
    let mut ihdr = (width as u32).to_be_bytes().to_vec();
    ihdr.extend_from_slice(&(height as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 1]); // depth 8, greyscale, Adam7
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(b"IDAT", &zlib_stored(&raw)));
    png.extend(chunk(b"IEND", &[]));
    png
}

#[test]
fn interlaced_images_decode_within_the_cap_and_are_refused_above_it() {
    let data = b"healthpass interlaced";
    let code = Qr::new(data).unwrap().to_png().unwrap();
    let mut decoder = png::Decoder::new(std::io::Cursor::new(&code));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let png = interlaced_png(w, h, &pixels);
    assert_eq!(qr::read_png(&png).unwrap(), data);
    // Interlaced frames are not downscaled: above the decode cap they are refused.
    let big = declared_png_with(4096, 4096, 1);
    const { assert!(4096 * 4096 > qr::MAX_DECODED_PIXELS) };
    let r = qr::read_png(&big);
    assert!(matches!(r, Err(Error::ImageTooLarge { .. })), "{r:?}");
}
