//! A small byte writer and reader shared by the binary encodings: the compact presentation,
//! the request digest's canonical input and the attribute values inside both.
//!
//! Integers are unsigned LEB128 varints (7 bits a byte, least significant first, the high
//! bit set on every byte but the last; the shortest form only); signed integers are
//! zigzag-mapped first (`0, -1, 1, -2, ...` to `0, 1, 2, 3, ...`).

/// Appends encoded fields to a byte vector.
#[derive(Default, Debug)]
pub(crate) struct ByteWriter {
    pub(crate) buf: Vec<u8>,
}

impl ByteWriter {
    pub(crate) fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }

    pub(crate) fn raw(&mut self, v: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(v);
        self
    }

    pub(crate) fn varint(&mut self, mut v: u64) -> &mut Self {
        while v >= 0x80 {
            self.buf.push((v as u8 & 0x7f) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
        self
    }

    pub(crate) fn zigzag(&mut self, v: i64) -> &mut Self {
        self.varint(((v << 1) ^ (v >> 63)) as u64)
    }

    /// A varint length, then the bytes.
    pub(crate) fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.varint(v.len() as u64).raw(v)
    }
}

/// Reads fields from a byte slice; every method returns `None` on truncated or
/// non-canonical input.
#[derive(Debug)]
pub(crate) struct ByteReader<'a> {
    rest: &'a [u8],
}

impl<'a> ByteReader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    pub(crate) fn remaining(&self) -> usize {
        self.rest.len()
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(b)
    }

    pub(crate) fn raw(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.rest.len() {
            return None;
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Some(head)
    }

    pub(crate) fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return None;
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                // The shortest form only: no trailing zero byte after the first.
                return (b != 0 || shift == 0).then_some(v);
            }
        }
        None
    }

    pub(crate) fn zigzag(&mut self) -> Option<i64> {
        let v = self.varint()?;
        Some((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.varint()?).ok()?;
        self.raw(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn varints_round_trip(v: u64) {
            let mut w = ByteWriter::default();
            w.varint(v);
            let mut r = ByteReader::new(&w.buf);
            prop_assert_eq!(r.varint(), Some(v));
            prop_assert!(r.is_empty());
        }

        #[test]
        fn zigzag_round_trips(v: i64) {
            let mut w = ByteWriter::default();
            w.zigzag(v);
            let mut r = ByteReader::new(&w.buf);
            prop_assert_eq!(r.zigzag(), Some(v));
            prop_assert!(r.is_empty());
        }
    }

    #[test]
    fn known_encodings() {
        let mut w = ByteWriter::default();
        w.varint(0)
            .varint(127)
            .varint(128)
            .varint(300)
            .zigzag(-1)
            .zigzag(1);
        assert_eq!(w.buf, [0x00, 0x7f, 0x80, 0x01, 0xac, 0x02, 0x01, 0x02]);
    }

    #[test]
    fn non_canonical_or_truncated_varints_are_refused() {
        assert_eq!(ByteReader::new(&[0x80, 0x00]).varint(), None);
        assert_eq!(ByteReader::new(&[0x80]).varint(), None);
        assert_eq!(ByteReader::new(&[0xff; 11]).varint(), None);
        // The tenth byte holds bit 63 only: 1 is u64::MAX, 2 would overflow.
        let mut max = [0xff; 10];
        max[9] = 0x01;
        assert_eq!(ByteReader::new(&max).varint(), Some(u64::MAX));
        max[9] = 0x02;
        assert_eq!(ByteReader::new(&max).varint(), None);
        assert_eq!(ByteReader::new(&[0x02, 0x41]).bytes(), None);
    }
}
