// SPDX-License-Identifier: GPL-2.0

//! The shared libraries of a process: `qXfer:libraries-svr4:read`.
//!
//! The dynamic linker keeps its loaded objects in a list of
//! `struct link_map`, reachable from `struct r_debug`, whose address it
//! stores in the `DT_DEBUG` entry of the program's dynamic section
//! (System V ABI, `<link.h>`). The stub finds the program headers through
//! the auxiliary vector, the dynamic section through them, and walks the
//! list ([`library_list`]). Only x86-64 (64-bit, little-endian) processes
//! and the base link-map namespace are handled.
//!
//! The document names the main program's entry (`main-lm`) and lists
//! every other one, with its link map's address and its `l_addr` (load
//! bias) and `l_ld` (dynamic section) fields:
//!
//! ```text
//! <library-list-svr4 version="1.0" main-lm="0x7f7357ef52e0">
//! <library name="linux-vdso.so.1" lm="0x7f7357ef58b0"
//!  l_addr="0x7f7357ebf000" l_ld="0x7f7357ebf440"/>...</library-list-svr4>
//! ```
//!
//! (on one line). Before the dynamic linker has set up `r_debug`, and for
//! a static program, it is `<library-list-svr4 version="1.0"/>`.

/// The most entries, the main program's included, read from the
/// link-map list; the rest of a longer list is left out.
pub const MAX_ENTRIES: usize = 4096;

/// The most bytes of a library's name read; a longer name is cut.
pub const MAX_NAME: usize = 4096;

/// Access to the memory of the process whose libraries are listed.
pub trait Memory {
    /// Fills `buf` from the process's memory at `addr`: all of it, or
    /// `None` if any byte is not mapped.
    fn read(&mut self, addr: u64, buf: &mut [u8]) -> Option<()>;
}

/// A closure reading memory (`addr`, `buf`) is a [`Memory`].
impl<F: FnMut(u64, &mut [u8]) -> Option<()>> Memory for F {
    fn read(&mut self, addr: u64, buf: &mut [u8]) -> Option<()> {
        self(addr, buf)
    }
}

/// Auxiliary vector type (`<elf.h>`): the vector's end.
const AT_NULL: u64 = 0;
/// Auxiliary vector type: the program headers' address.
const AT_PHDR: u64 = 3;
/// Auxiliary vector type: the number of program headers.
const AT_PHNUM: u64 = 5;

/// Program header type: the dynamic section.
const PT_DYNAMIC: u32 = 2;
/// Program header type: the program headers themselves.
const PT_PHDR: u32 = 6;

/// Dynamic section tag: the section's end.
const DT_NULL: i64 = 0;
/// Dynamic section tag: the address of `struct r_debug`, once set.
const DT_DEBUG: i64 = 21;

/// The size of an `Elf64_Phdr`.
const PHDR_SIZE: u64 = 56;
/// The size of an `Elf64_Dyn`.
const DYN_SIZE: u64 = 16;
/// The most dynamic section entries looked at: real ones have a few
/// dozen.
const MAX_DYN: u64 = 4096;

/// Names are read in pieces of this size, aligned to it so that no read
/// crosses a page boundary: a name ending just before an unmapped page
/// is still read whole.
const CHUNK: usize = 256;

/// Writes the `qXfer:libraries-svr4:read` document of a process into
/// `out` and returns its length; `None` only if `out` is too small.
///
/// `auxv` is the process's auxiliary vector, as `/proc/PID/auxv` holds
/// it; `mem` reads its memory. What cannot be read ends the document
/// early rather than failing it: an unreadable program header, dynamic
/// section or `r_debug` gives the empty document, an unreadable link map
/// ends the list there, and a name is what could be read of it (empty if
/// nothing).
///
/// The size `out` needs: about 100 bytes per library plus its name
/// (escaped, up to six bytes per byte). A few pages hold the list of a
/// usual program; a caller should give up past some limit of its own,
/// as the worst case, [`MAX_ENTRIES`] entries with names of
/// [`MAX_NAME`] bytes, is far larger.
pub fn library_list(mem: &mut impl Memory, auxv: &[u8], out: &mut [u8]) -> Option<usize> {
    let mut w = Writer { out, len: 0 };
    w.put(b"<library-list-svr4 version=\"1.0\"")?;
    match first_link_map(mem, auxv) {
        Some(head) => {
            w.put(b" main-lm=\"")?;
            w.put_hex(head)?;
            w.put(b"\">")?;
            w.put_libraries(mem, head)?;
            w.put(b"</library-list-svr4>")?;
        }
        None => w.put(b"/>")?,
    }
    Some(w.len)
}

/// The address of the first `struct link_map` (the main program's), or
/// `None` if there is no list (yet) or it cannot be found.
fn first_link_map(mem: &mut impl Memory, auxv: &[u8]) -> Option<u64> {
    let (phdr, phnum) = program_headers(auxv)?;
    let (dynamic, size) = dynamic_section(mem, phdr, phnum)?;
    let r_debug = debug_entry(mem, dynamic, size)?;
    // r_version: 0 until the dynamic linker has filled r_debug in.
    let mut version = [0u8; 4];
    mem.read(r_debug, &mut version)?;
    if i32::from_le_bytes(version) < 1 {
        return None;
    }
    let r_map = read_u64(mem, r_debug.checked_add(8)?)?;
    (r_map != 0).then_some(r_map)
}

/// The address and count of the program headers, from the auxiliary
/// vector's `AT_PHDR` and `AT_PHNUM`.
fn program_headers(auxv: &[u8]) -> Option<(u64, u64)> {
    let (mut phdr, mut phnum) = (None, None);
    for pair in auxv.chunks_exact(16) {
        let (kind, value) = (le_u64(&pair[..8])?, le_u64(&pair[8..])?);
        match kind {
            AT_NULL => break,
            AT_PHDR => phdr = Some(value),
            AT_PHNUM => phnum = Some(value),
            _ => {}
        }
    }
    // ELF has at most 0xffff program headers.
    Some((phdr?, phnum?.min(0xffff)))
}

/// The address and size of the dynamic section, found through the
/// program headers at `phdr`; `None` for a static program.
fn dynamic_section(mem: &mut impl Memory, phdr: u64, phnum: u64) -> Option<(u64, u64)> {
    let mut self_vaddr = None;
    let mut dynamic = None;
    for i in 0..phnum {
        let mut raw = [0u8; PHDR_SIZE as usize];
        mem.read(phdr.checked_add(i * PHDR_SIZE)?, &mut raw)?;
        let p_type = u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]);
        let p_vaddr = le_u64(&raw[16..24])?;
        let p_memsz = le_u64(&raw[40..48])?;
        match p_type {
            PT_PHDR if self_vaddr.is_none() => self_vaddr = Some(p_vaddr),
            PT_DYNAMIC if dynamic.is_none() => dynamic = Some((p_vaddr, p_memsz)),
            _ => {}
        }
    }
    // The program headers' own entry tells where the program was loaded
    // (a PIE anywhere); without one, it is where it was linked.
    let bias = self_vaddr.map_or(0, |vaddr| phdr.wrapping_sub(vaddr));
    let (vaddr, size) = dynamic?;
    Some((bias.wrapping_add(vaddr), size))
}

/// The address of `struct r_debug` from the dynamic section's
/// `DT_DEBUG` entry, if it is set.
fn debug_entry(mem: &mut impl Memory, dynamic: u64, size: u64) -> Option<u64> {
    for i in 0..(size / DYN_SIZE).min(MAX_DYN) {
        let mut raw = [0u8; DYN_SIZE as usize];
        mem.read(dynamic.checked_add(i * DYN_SIZE)?, &mut raw)?;
        let d_val = le_u64(&raw[8..])?;
        match le_u64(&raw[..8])? as i64 {
            DT_NULL => return None,
            DT_DEBUG => return (d_val != 0).then_some(d_val),
            _ => {}
        }
    }
    None
}

/// The fields of a `struct link_map` that the document uses.
struct LinkMap {
    /// The load bias.
    l_addr: u64,
    /// The address of the NUL-terminated name.
    l_name: u64,
    /// The address of the object's dynamic section.
    l_ld: u64,
    /// The next entry, 0 at the end.
    l_next: u64,
    /// The previous entry, 0 at the start.
    l_prev: u64,
}

/// The link map entry at `addr`.
fn link_map(mem: &mut impl Memory, addr: u64) -> Option<LinkMap> {
    let mut raw = [0u8; 40];
    mem.read(addr, &mut raw)?;
    let field = |i: usize| le_u64(&raw[8 * i..8 * i + 8]);
    Some(LinkMap {
        l_addr: field(0)?,
        l_name: field(1)?,
        l_ld: field(2)?,
        l_next: field(3)?,
        l_prev: field(4)?,
    })
}

/// A little-endian `u64` from the process's memory.
fn read_u64(mem: &mut impl Memory, addr: u64) -> Option<u64> {
    let mut raw = [0u8; 8];
    mem.read(addr, &mut raw)?;
    Some(u64::from_le_bytes(raw))
}

/// Eight little-endian bytes as a `u64`.
fn le_u64(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.try_into().ok()?))
}

/// Bytes written into a fixed buffer; `None` once it is full.
struct Writer<'a> {
    out: &'a mut [u8],
    len: usize,
}

impl Writer<'_> {
    /// `bytes` as they are.
    fn put(&mut self, bytes: &[u8]) -> Option<()> {
        let end = self.len.checked_add(bytes.len())?;
        self.out.get_mut(self.len..end)?.copy_from_slice(bytes);
        self.len = end;
        Some(())
    }

    /// `n` as `0x` and lowercase hex digits.
    fn put_hex(&mut self, n: u64) -> Option<()> {
        let digits = b"0123456789abcdef";
        let mut text = [0u8; 16];
        let mut i = text.len();
        let mut n = n;
        loop {
            i -= 1;
            text[i] = digits[(n % 16) as usize];
            n /= 16;
            if n == 0 {
                break;
            }
        }
        self.put(b"0x")?;
        self.put(&text[i..])
    }

    /// Text as an XML attribute value.
    fn put_escaped(&mut self, text: &[u8]) -> Option<()> {
        for &c in text {
            match c {
                b'&' => self.put(b"&amp;")?,
                b'<' => self.put(b"&lt;")?,
                b'>' => self.put(b"&gt;")?,
                b'"' => self.put(b"&quot;")?,
                // Control characters are not valid XML 1.0.
                0..=0x1f | 0x7f => self.put(b"?")?,
                _ => self.put(&[c])?,
            }
        }
        Some(())
    }

    /// A `<library/>` element for each entry after `head` in the list.
    /// The walk stops at the list's end, at an entry that cannot be read
    /// or does not point back at the one before it (the list is broken,
    /// or loops), and after [`MAX_ENTRIES`].
    fn put_libraries(&mut self, mem: &mut impl Memory, head: u64) -> Option<()> {
        let (mut prev, mut addr) = (0, head);
        for _ in 0..MAX_ENTRIES {
            let Some(lm) = link_map(mem, addr) else {
                break;
            };
            if lm.l_prev != prev {
                break;
            }
            if addr != head {
                self.put_library(mem, addr, &lm)?;
            }
            if lm.l_next == 0 {
                break;
            }
            (prev, addr) = (addr, lm.l_next);
        }
        Some(())
    }

    /// The `<library/>` element of the entry at `addr`.
    fn put_library(&mut self, mem: &mut impl Memory, addr: u64, lm: &LinkMap) -> Option<()> {
        self.put(b"<library name=\"")?;
        self.put_name(mem, lm.l_name)?;
        self.put(b"\" lm=\"")?;
        self.put_hex(addr)?;
        self.put(b"\" l_addr=\"")?;
        self.put_hex(lm.l_addr)?;
        self.put(b"\" l_ld=\"")?;
        self.put_hex(lm.l_ld)?;
        self.put(b"\"/>")
    }

    /// The NUL-terminated name at `addr`, escaped: at most [`MAX_NAME`]
    /// bytes, and only what can be read (nothing for a null pointer).
    fn put_name(&mut self, mem: &mut impl Memory, addr: u64) -> Option<()> {
        if addr == 0 {
            return Some(());
        }
        let mut chunk = [0u8; CHUNK];
        let mut done = 0;
        while done < MAX_NAME {
            let Some(at) = addr.checked_add(done as u64) else {
                break;
            };
            let room = CHUNK - (at % CHUNK as u64) as usize;
            let buf = &mut chunk[..room.min(MAX_NAME - done)];
            if mem.read(at, buf).is_none() {
                break;
            }
            match buf.iter().position(|&c| c == 0) {
                Some(end) => return self.put_escaped(&buf[..end]),
                None => self.put_escaped(buf)?,
            }
            done += buf.len();
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::string::String;
    use std::vec::Vec;

    const PAGE: u64 = 4096;

    /// A process's memory: whole pages, mapped as they are written.
    #[derive(Default)]
    struct FakeMemory {
        pages: BTreeMap<u64, Vec<u8>>,
        reads: usize,
    }

    impl FakeMemory {
        fn write(&mut self, addr: u64, bytes: &[u8]) {
            for (i, &b) in bytes.iter().enumerate() {
                let at = addr + i as u64;
                let page = self
                    .pages
                    .entry(at / PAGE)
                    .or_insert_with(|| std::vec![0; PAGE as usize]);
                page[(at % PAGE) as usize] = b;
            }
        }

        fn write_u64s(&mut self, addr: u64, words: &[u64]) {
            let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
            self.write(addr, &bytes);
        }

        /// A NUL-terminated string.
        fn write_str(&mut self, addr: u64, s: &str) {
            self.write(addr, s.as_bytes());
            self.write(addr + s.len() as u64, &[0]);
        }

        /// A link map entry.
        fn write_lm(
            &mut self,
            addr: u64,
            l_addr: u64,
            l_name: u64,
            l_ld: u64,
            next: u64,
            prev: u64,
        ) {
            self.write_u64s(addr, &[l_addr, l_name, l_ld, next, prev]);
        }
    }

    impl Memory for FakeMemory {
        fn read(&mut self, addr: u64, buf: &mut [u8]) -> Option<()> {
            self.reads += 1;
            for (i, b) in buf.iter_mut().enumerate() {
                let at = addr.checked_add(i as u64)?;
                *b = self.pages.get(&(at / PAGE))?[(at % PAGE) as usize];
            }
            Some(())
        }
    }

    fn auxv(pairs: &[(u64, u64)]) -> Vec<u8> {
        pairs
            .iter()
            .flat_map(|&(t, v)| [t, v])
            .flat_map(|w| w.to_le_bytes())
            .collect()
    }

    fn phdr(p_type: u32, vaddr: u64, memsz: u64) -> Vec<u8> {
        let mut raw = Vec::new();
        raw.extend_from_slice(&p_type.to_le_bytes());
        raw.extend_from_slice(&4u32.to_le_bytes());
        for field in [vaddr & 0xfff, vaddr, vaddr, memsz, memsz, 8] {
            raw.extend_from_slice(&field.to_le_bytes());
        }
        raw
    }

    const R_DEBUG: u64 = 0x7f73_57ef_6118;
    const MAIN_LM: u64 = 0x7f73_57ef_52e0;
    const VDSO_LM: u64 = 0x7f73_57ef_58b0;
    const LIBC_LM: u64 = 0x7f73_57ec_2000;
    const NAMES: u64 = 0x7f73_57ec_8000;

    /// A process whose program headers are at `phdr_addr`, linked at
    /// `phdr_vaddr`, with `debug` in DT_DEBUG and r_debug and the list
    /// main, vDSO, libc set up; returns it and its auxv.
    fn process(phdr_addr: u64, phdr_vaddr: u64, debug: u64) -> (FakeMemory, Vec<u8>) {
        let mut mem = FakeMemory::default();
        let bias = phdr_addr - phdr_vaddr;
        let dyn_vaddr = phdr_vaddr + 0x2db0;
        let mut headers = phdr(PT_PHDR, phdr_vaddr, 4 * PHDR_SIZE);
        headers.extend(phdr(3, phdr_vaddr + 0x2a0, 0x1c)); // PT_INTERP
        headers.extend(phdr(1, phdr_vaddr - 0x40, 0x3000)); // PT_LOAD
        headers.extend(phdr(PT_DYNAMIC, dyn_vaddr, 0x1f0));
        mem.write(phdr_addr, &headers);
        // DT_NEEDED, DT_DEBUG, DT_NULL; a DT_DEBUG after DT_NULL is not
        // looked at.
        mem.write_u64s(
            bias + dyn_vaddr,
            &[1, 0x1, DT_DEBUG as u64, debug, 0, 0, DT_DEBUG as u64, 0x666],
        );
        mem.write(R_DEBUG, &1i32.to_le_bytes());
        mem.write_u64s(R_DEBUG + 8, &[MAIN_LM]);
        mem.write_str(NAMES, "");
        mem.write_str(NAMES + 0x10, "linux-vdso.so.1");
        mem.write_str(NAMES + 0x30, "/opt/a&b<c>\"d\"\te/libc.so.6");
        mem.write_lm(MAIN_LM, bias, NAMES, bias + dyn_vaddr, VDSO_LM, 0);
        mem.write_lm(
            VDSO_LM,
            0x7f73_57eb_f000,
            NAMES + 0x10,
            0x7f73_57eb_f440,
            LIBC_LM,
            MAIN_LM,
        );
        mem.write_lm(
            LIBC_LM,
            0x7f73_57c9_9000,
            NAMES + 0x30,
            0x7f73_57e9_e8c0,
            0,
            VDSO_LM,
        );
        let auxv = auxv(&[
            (33, 0x7fff_f7fc_1000),
            (AT_PHDR, phdr_addr),
            (AT_PHNUM, 4),
            (AT_NULL, 0),
        ]);
        (mem, auxv)
    }

    fn document(mem: &mut FakeMemory, auxv: &[u8]) -> String {
        let mut out = std::vec![0u8; 1 << 16];
        let n = library_list(mem, auxv, &mut out).unwrap();
        String::from_utf8(out[..n].to_vec()).unwrap()
    }

    const EMPTY: &str = "<library-list-svr4 version=\"1.0\"/>";
    const VDSO: &str = "<library name=\"linux-vdso.so.1\" lm=\"0x7f7357ef58b0\" \
                        l_addr=\"0x7f7357ebf000\" l_ld=\"0x7f7357ebf440\"/>";
    const LIBC: &str = "<library name=\"/opt/a&amp;b&lt;c&gt;&quot;d&quot;?e/libc.so.6\" \
                        lm=\"0x7f7357ec2000\" l_addr=\"0x7f7357c99000\" \
                        l_ld=\"0x7f7357e9e8c0\"/>";

    fn full() -> String {
        std::format!(
            "<library-list-svr4 version=\"1.0\" main-lm=\"0x7f7357ef52e0\">\
             {VDSO}{LIBC}</library-list-svr4>"
        )
    }

    #[test]
    fn the_list_of_a_program() {
        let (mut mem, auxv) = process(0x40_0040, 0x40_0040, R_DEBUG);
        assert_eq!(document(&mut mem, &auxv), full());
    }

    #[test]
    fn a_pie_is_found_where_it_was_loaded() {
        let (mut mem, auxv) = process(0x5555_5555_4040, 0x40, R_DEBUG);
        assert_eq!(document(&mut mem, &auxv), full());
    }

    #[test]
    fn a_closure_reads_memory() {
        let (mut mem, auxv) = process(0x40_0040, 0x40_0040, R_DEBUG);
        let mut read = |addr: u64, buf: &mut [u8]| mem.read(addr, buf);
        let mut out = [0u8; 1024];
        let n = library_list(&mut read, &auxv, &mut out).unwrap();
        assert_eq!(&out[..n], full().as_bytes());
    }

    #[test]
    fn no_list_yet_gives_the_empty_document() {
        // ld.so has not run: DT_DEBUG is 0.
        let (mut mem, auxv) = process(0x40_0040, 0x40_0040, 0);
        assert_eq!(document(&mut mem, &auxv), EMPTY);
        // r_debug not filled in.
        let (mut mem, auxv) = process(0x40_0040, 0x40_0040, R_DEBUG);
        mem.write(R_DEBUG, &0i32.to_le_bytes());
        assert_eq!(document(&mut mem, &auxv), EMPTY);
        let (mut mem, auxv) = process(0x40_0040, 0x40_0040, R_DEBUG);
        mem.write_u64s(R_DEBUG + 8, &[0]);
        assert_eq!(document(&mut mem, &auxv), EMPTY);
        // DT_DEBUG points nowhere.
        let (mut mem, auxv) = process(0x40_0040, 0x40_0040, 0x1234_0000);
        assert_eq!(document(&mut mem, &auxv), EMPTY);
    }

    #[test]
    fn a_static_program_has_no_list() {
        let (mut mem, _) = process(0x40_0040, 0x40_0040, R_DEBUG);
        // Three headers: the PT_DYNAMIC one is not counted.
        let auxv3 = auxv(&[(AT_PHDR, 0x40_0040), (AT_PHNUM, 3), (AT_NULL, 0)]);
        assert_eq!(document(&mut mem, &auxv3), EMPTY);
        // No AT_PHDR, or it comes after AT_NULL.
        let no_phdr = auxv(&[(AT_PHNUM, 4), (AT_NULL, 0), (AT_PHDR, 0x40_0040)]);
        assert_eq!(document(&mut mem, &no_phdr), EMPTY);
        assert_eq!(document(&mut mem, &[]), EMPTY);
        // A truncated auxv still counts for its whole pairs.
        let mut cut = auxv(&[(AT_PHDR, 0x40_0040), (AT_PHNUM, 4)]);
        cut.extend_from_slice(&[0; 9]);
        assert_eq!(document(&mut mem, &cut), full());
    }

    #[test]
    fn a_loop_in_the_list_ends_the_walk() {
        let (mut mem, auxv) = process(0x40_0040, 0x40_0040, R_DEBUG);
        // libc -> vDSO again: the vDSO's l_prev is not libc.
        mem.write_u64s(LIBC_LM + 24, &[VDSO_LM]);
        assert_eq!(document(&mut mem, &auxv), full());
        // libc -> main, and main -> main.
        mem.write_u64s(LIBC_LM + 24, &[MAIN_LM]);
        assert_eq!(document(&mut mem, &auxv), full());
        mem.write_u64s(MAIN_LM + 24, &[MAIN_LM]);
        assert!(document(&mut mem, &auxv).ends_with("0x7f7357ef52e0\"></library-list-svr4>"));
        // A bad l_prev in the middle ends the list before that entry.
        let (mut mem, auxv) = process(0x40_0040, 0x40_0040, R_DEBUG);
        mem.write_u64s(LIBC_LM + 32, &[MAIN_LM]);
        assert_eq!(
            document(&mut mem, &auxv),
            std::format!(
                "<library-list-svr4 version=\"1.0\" main-lm=\"0x7f7357ef52e0\">\
                 {VDSO}</library-list-svr4>"
            )
        );
    }

    #[test]
    fn a_long_list_is_cut() {
        let (mut mem, auxv) = process(0x40_0040, 0x40_0040, R_DEBUG);
        let base = 0x1000_0000u64;
        let at = |i: u64| base + 40 * i;
        mem.write_lm(LIBC_LM, 0, NAMES + 0x10, 0, at(0), VDSO_LM);
        for i in 0..MAX_ENTRIES as u64 {
            let prev = if i == 0 { LIBC_LM } else { at(i - 1) };
            mem.write_lm(at(i), 0, NAMES + 0x10, 0, at(i + 1), prev);
        }
        let mut out = std::vec![0u8; 1 << 20];
        let n = library_list(&mut mem, &auxv, &mut out).unwrap();
        let doc = std::str::from_utf8(&out[..n]).unwrap();
        assert_eq!(doc.matches("<library ").count(), MAX_ENTRIES - 1);
        assert!(doc.ends_with("/></library-list-svr4>"));
    }

    #[test]
    fn names_are_what_can_be_read() {
        let (mut mem, auxv) = process(0x40_0040, 0x40_0040, R_DEBUG);
        // Unmapped, and null.
        mem.write_u64s(VDSO_LM + 8, &[0x9000_0000]);
        mem.write_u64s(LIBC_LM + 8, &[0]);
        let doc = document(&mut mem, &auxv);
        assert_eq!(doc.matches("name=\"\"").count(), 2, "{doc}");
        assert!(doc.contains("<library name=\"\" lm=\"0x7f7357ef58b0\""));
        // A name ending just before an unmapped page, and one crossing
        // into a mapped page.
        let page = 0x2000_0000u64;
        mem.write_str(page - 5, "libz");
        mem.write_str(page + 2 * PAGE - 3, "libm.so");
        mem.write_u64s(VDSO_LM + 8, &[page - 5]);
        mem.write_u64s(LIBC_LM + 8, &[page + 2 * PAGE - 3]);
        let doc = document(&mut mem, &auxv);
        assert!(doc.contains("<library name=\"libz\" lm=\"0x7f7357ef58b0\""));
        assert!(doc.contains("<library name=\"libm.so\" lm=\"0x7f7357ec2000\""));
        // A name running into an unmapped page is what comes before it.
        mem.write(page + 4 * PAGE - 4, b"libx");
        mem.write_u64s(LIBC_LM + 8, &[page + 4 * PAGE - 4]);
        let doc = document(&mut mem, &auxv);
        assert!(doc.contains("<library name=\"libx\" lm=\"0x7f7357ec2000\""));
        // A name without a NUL is cut at MAX_NAME bytes, read in chunks.
        mem.write(page + 8 * PAGE, &[b'a'; 2 * MAX_NAME]);
        mem.write_u64s(VDSO_LM + 8, &[page + 8 * PAGE + 1]);
        mem.reads = 0;
        let doc = document(&mut mem, &auxv);
        let long = std::format!("name=\"{}\"", "a".repeat(MAX_NAME));
        assert!(doc.contains(&long));
        assert!(mem.reads < 2 * MAX_NAME / CHUNK + 40, "{} reads", mem.reads);
    }

    #[test]
    fn a_small_buffer_is_refused() {
        let (mut mem, auxv) = process(0x40_0040, 0x40_0040, R_DEBUG);
        let want = full();
        for size in 0..want.len() {
            let mut out = std::vec![0u8; size];
            assert_eq!(library_list(&mut mem, &auxv, &mut out), None, "{size}");
        }
        let mut out = std::vec![0u8; want.len()];
        assert_eq!(library_list(&mut mem, &auxv, &mut out), Some(want.len()));
        let mut out = [0u8; EMPTY.len() - 1];
        assert_eq!(library_list(&mut mem, &[], &mut out), None);
        let mut out = [0u8; EMPTY.len()];
        assert_eq!(library_list(&mut mem, &[], &mut out), Some(EMPTY.len()));
    }
}
