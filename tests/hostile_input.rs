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

/// A request file whose `credentials` x `predicates` all name the same parameter set, with
/// `padding` spaces of JSON whitespace at its end.
fn repeated_request(credentials: usize, predicates: usize, padding: usize) -> String {
    let schema = CredentialType::Vaccination.schema();
    let p = Predicate::parse(schema, "dose_number >= 1", NOW)
        .unwrap()
        .with_fresh_params(schema, &mut rand::rng())
        .unwrap();
    let asked = CredentialRequest::new(CredentialType::Vaccination, &[], &[], vec![p]).unwrap();
    let r = PresentationRequest::new("border", vec![asked], NOW, 600, &mut rand::rng()).unwrap();
    let mut v: Value = serde_json::from_str(&r.to_json()).unwrap();
    let predicate = v["policies"][0]["any_of"][0]["all_of"][0].clone();
    let mut policy = v["policies"][0].clone();
    policy["any_of"][0]["all_of"] = Value::Array(vec![predicate; predicates]);
    v["policies"] = Value::Array(vec![policy; credentials]);
    serde_json::to_string(&v).unwrap() + &" ".repeat(padding)
}

#[test]
fn an_oversized_request_is_refused_before_it_is_parsed() {
    let text = repeated_request(16, 16, MAX_REQUEST_BYTES);
    assert!(text.len() > MAX_REQUEST_BYTES, "{}", text.len());
    let e = PresentationRequest::from_json(&text).unwrap_err();
    assert!(matches!(e, Error::RequestTooLarge { .. }), "{e}");
    assert!(e.to_string().contains("more than the 2097152"), "{e}");
    assert!(!e.is_rejection());
    // Requests name their sets by digest: the largest one `healthpass request` makes with
    // 16 predicates is a few kilobytes.
    assert!(repeated_request(16, 16, 0).len() < 64 << 10);
}

#[test]
fn a_request_repeating_one_parameter_set_names_it_by_one_digest() {
    let text = repeated_request(16, 16, 0);
    let r = PresentationRequest::from_json(&text).unwrap();
    let all: Vec<_> = r
        .policies
        .iter()
        .flat_map(|c| c.alternatives[0].statements())
        .map(|p| p.params.as_ref().unwrap())
        .collect();
    assert_eq!(all.len(), 256);
    assert!(all.iter().all(|p| *p == all[0] && !p.is_resolved()));
}

#[test]
fn request_counts_and_digit_counts_are_capped() {
    let too_many = |text: &str| {
        PresentationRequest::from_json(text)
            .unwrap_err()
            .to_string()
    };
    assert!(too_many(&repeated_request(17, 1, 0)).contains("1 to 16 credentials"));
    assert!(too_many(&repeated_request(1, 17, 0)).contains("more than 16 statements"));
    let nine = repeated_request(1, 1, 0).replace("\"digits\":1", "\"digits\":9");
    assert!(too_many(&nine).contains("digits between 1 and 8"));
    let short = repeated_request(1, 1, 0).replace("\"set\":\"", "\"set\":\"AAAA");
    assert!(too_many(&short).contains("32-byte digest"));
    assert!(PresentationRequest::from_json(&repeated_request(16, 16, 0)).is_ok());
    const { assert!(MAX_BASE <= 1 << 16) };
}

#[test]
fn the_distinct_signatures_a_holder_loads_for_one_request_are_capped() {
    use healthpass::presentation::{ParamStore, PredicateParams, MAX_REQUEST_SIGNATURES, SET_TAG};
    use sha2::{Digest, Sha256};
    // Store files whose headers declare digit sets of `base` (the points are never decoded:
    // the cap is read from the header first).
    let dir = tempfile::tempdir().unwrap();
    let store = ParamStore::open(dir.path()).unwrap();
    let fake = |base: u32, tag: u8| {
        let mut bytes = vec![SET_TAG.len() as u8];
        bytes.extend_from_slice(SET_TAG);
        bytes.push(b'D');
        let mut b = base;
        while b >= 0x80 {
            bytes.push((b as u8 & 0x7f) | 0x80);
            b >>= 7;
        }
        bytes.push(b as u8);
        bytes.extend(std::iter::repeat_n(tag, 96 + 48 * base as usize));
        let digest: [u8; 32] = Sha256::digest(&bytes).into();
        std::fs::write(store.path_of(&digest), &bytes).unwrap();
        digest
    };
    // The request's validity set (real, from the store) counts too.
    let validity = store.validity(&mut rand::rng()).unwrap();
    let validity_base = validity.span().unwrap().base as usize;
    let half = ((MAX_REQUEST_SIGNATURES - validity_base) / 2) as u32;
    let schema = CredentialType::Vaccination.schema();
    let request = |digests: &[[u8; 32]]| {
        let predicates = digests
            .iter()
            .map(|d| {
                let mut p = Predicate::parse(schema, "valid_until >= now", NOW).unwrap();
                p.params = Some(PredicateParams::by_digest(2, *d));
                p
            })
            .collect();
        let c = CredentialRequest::new(CredentialType::Vaccination, &[], &[], predicates).unwrap();
        PresentationRequest::new_with_validity(
            "border",
            vec![c],
            NOW,
            600,
            validity.clone(),
            &mut rand::rng(),
        )
        .unwrap()
    };
    let (a, b, c) = (fake(half, 1), fake(half, 2), fake(2, 3));
    // Within the cap the points are decoded (and, being zeros, refused as malformed).
    let e = store
        .resolve(&mut request(&[a, b]))
        .unwrap_err()
        .to_string();
    assert!(!e.contains("too many signatures"), "{e}");
    let e = store
        .resolve(&mut request(&[a, b, c]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("too many signatures"), "{e}");
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
