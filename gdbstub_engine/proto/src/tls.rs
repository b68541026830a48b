// SPDX-License-Identifier: GPL-2.0

//! Thread-local variables: `qGetTLSAddr`, which the gdbstub crate lacks.
//!
//! gdb asks for the address of the variable at `offset` in the TLS block
//! of the module whose `struct link_map` is at `lm`, in one thread. The
//! answer is in glibc's private data: the module's ID in its link map,
//! and the thread's dynamic thread vector (DTV), found through the
//! thread pointer (`fs_base`). Their layout is not an ABI, but glibc
//! describes it for libthread_db in exported `_thread_db_*` descriptors.
//! The stub asks gdb for their addresses with `qSymbol` ([`Symbols`]),
//! reads them from the process, and computes the address as
//! libthread_db would ([`tls_address`]).

/// The descriptors the computation needs, by their symbol names.
const NAMES: [&[u8]; 4] = [
    b"_thread_db_link_map_l_tls_modid",
    b"_thread_db_pthread_dtvp",
    b"_thread_db_dtv_dtv",
    b"_thread_db_dtv_t_pointer_val",
];
const MODID: usize = 0;
const DTVP: usize = 1;
const DTV: usize = 2;
const POINTER_VAL: usize = 3;

/// glibc's mark for a DTV slot whose TLS block is not allocated yet.
const TLS_DTV_UNALLOCATED: u64 = u64::MAX;

/// The addresses of the descriptors, as gdb gave them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Symbols {
    addrs: [Option<u64>; NAMES.len()],
}

/// One step of the `qSymbol` exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolStep<'a> {
    /// Reply `qSymbol:` and this name, hex-encoded: gdb looks it up.
    Ask(&'a [u8]),
    /// Reply `OK`: nothing more to look up.
    Done,
}

impl Symbols {
    /// Takes a `qSymbol` packet's body from gdb: `qSymbol::` (gdb can
    /// look up symbols now) or `qSymbol:VALUE:NAME` (the value of a name
    /// asked for; empty if gdb does not know it). Returns the reply, or
    /// `None` if the packet is not a `qSymbol`.
    pub fn step(&mut self, body: &[u8]) -> Option<SymbolStep<'static>> {
        let args = body.strip_prefix(b"qSymbol:")?;
        let colon = args.iter().position(|&c| c == b':')?;
        let (value, name) = (&args[..colon], &args[colon + 1..]);
        let asked = if name.is_empty() {
            // A new exchange: libraries may have moved since the last.
            *self = Self::default();
            None
        } else {
            let i = NAMES.iter().position(|n| hex_equals(name, n))?;
            self.addrs[i] = Some(parse_hex(value).unwrap_or(0));
            Some(i)
        };
        // Ask for each name once per exchange, in order.
        let next = asked.map_or(0, |i| i + 1);
        Some(match NAMES.get(next) {
            Some(name) => SymbolStep::Ask(name),
            None => SymbolStep::Done,
        })
    }

    /// Whether gdb gave every descriptor's address.
    pub fn complete(&self) -> bool {
        self.addrs.iter().all(|a| a.is_some_and(|a| a != 0))
    }
}

/// A `qGetTLSAddr:THREAD,OFFSET,LM` request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlsRequest {
    /// The thread, by TID.
    pub tid: u32,
    /// The variable's offset in its module's TLS block.
    pub offset: u64,
    /// The address of the module's `struct link_map`.
    pub lm: u64,
}

/// The request in a packet's body, if it is a `qGetTLSAddr`.
pub fn tls_request(body: &[u8]) -> Option<TlsRequest> {
    let args = body.strip_prefix(b"qGetTLSAddr:")?;
    let mut fields = args.split(|&c| c == b',');
    let thread = fields.next()?;
    let offset = parse_hex(fields.next()?)?;
    let lm = parse_hex(fields.next()?)?;
    if fields.next().is_some() {
        return None;
    }
    // `pPID.TID` with multiprocess, or a bare TID.
    let tid = match thread.strip_prefix(b"p") {
        Some(pid_tid) => &pid_tid[pid_tid.iter().position(|&c| c == b'.')? + 1..],
        None => thread,
    };
    let tid = u32::try_from(parse_hex(tid)?).ok().filter(|&t| t != 0)?;
    Some(TlsRequest { tid, offset, lm })
}

/// Why a TLS address could not be found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsError {
    /// glibc's descriptors are unknown (a static program, or gdb has not
    /// looked them up).
    NoLayout,
    /// Reading the process's memory failed.
    Fault,
    /// The thread has not allocated the module's TLS block yet.
    NotAllocated,
}

/// A libthread_db descriptor: a field's size in bits, its element count
/// and its offset, as three native `u32`s.
struct Descriptor {
    bits: u32,
    offset: u32,
}

fn descriptor(
    read: &mut impl FnMut(u64, &mut [u8]) -> Option<()>,
    addr: u64,
) -> Option<Descriptor> {
    let mut raw = [0u8; 12];
    read(addr, &mut raw)?;
    let word = |i: usize| u32::from_le_bytes([raw[i], raw[i + 1], raw[i + 2], raw[i + 3]]);
    Some(Descriptor {
        bits: word(0),
        offset: word(8),
    })
}

fn read_u64(read: &mut impl FnMut(u64, &mut [u8]) -> Option<()>, addr: u64) -> Option<u64> {
    let mut raw = [0u8; 8];
    read(addr, &mut raw)?;
    Some(u64::from_le_bytes(raw))
}

/// The address of the thread-local variable at `offset` in the TLS
/// block of module `lm`, for the thread whose thread pointer is
/// `fs_base`, reading the process's memory with `read`.
pub fn tls_address(
    symbols: &Symbols,
    mut read: impl FnMut(u64, &mut [u8]) -> Option<()>,
    fs_base: u64,
    lm: u64,
    offset: u64,
) -> Result<u64, TlsError> {
    if !symbols.complete() {
        return Err(TlsError::NoLayout);
    }
    let desc = |read: &mut _, i: usize| {
        let addr = symbols.addrs[i].ok_or(TlsError::NoLayout)?;
        descriptor(read, addr).ok_or(TlsError::Fault)
    };
    let modid_field = desc(&mut read, MODID)?;
    let dtvp_field = desc(&mut read, DTVP)?;
    let dtv_elem = desc(&mut read, DTV)?;
    let val_field = desc(&mut read, POINTER_VAL)?;
    // Only 64-bit fields and 16-byte DTV slots are understood.
    if modid_field.bits != 64
        || dtvp_field.bits != 64
        || val_field.bits != 64
        || dtv_elem.bits != 128
    {
        return Err(TlsError::NoLayout);
    }
    let get = |read: &mut _, addr: u64| read_u64(read, addr).ok_or(TlsError::Fault);
    let modid = get(&mut read, lm.wrapping_add(modid_field.offset.into()))?;
    // Module ID 0: the module has no TLS block.
    if modid == 0 {
        return Err(TlsError::NotAllocated);
    }
    let dtv = get(&mut read, fs_base.wrapping_add(dtvp_field.offset.into()))?;
    let slot = modid
        .checked_mul(16)
        .and_then(|o| o.checked_add(dtv_elem.offset.into()))
        .and_then(|o| dtv.checked_add(o))
        .ok_or(TlsError::Fault)?;
    let block = get(&mut read, slot.wrapping_add(val_field.offset.into()))?;
    if block == TLS_DTV_UNALLOCATED {
        return Err(TlsError::NotAllocated);
    }
    Ok(block.wrapping_add(offset))
}

/// Whether `hex` is `name`, hex-encoded.
fn hex_equals(hex: &[u8], name: &[u8]) -> bool {
    hex.len() == 2 * name.len() && hex.chunks(2).zip(name).all(|(pair, &c)| {
        let digit = |d: u8| (d as char).to_digit(16);
        matches!((digit(pair[0]), digit(pair[1])), (Some(h), Some(l)) if (h << 4 | l) as u8 == c)
    })
}

fn parse_hex(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &c| {
        let d = (c as char).to_digit(16)?;
        Some(n << 4 | u64::from(d))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn hex(s: &[u8]) -> Vec<u8> {
        s.iter()
            .flat_map(|c| std::format!("{c:02x}").into_bytes())
            .collect()
    }

    fn answer(symbols: &mut Symbols, value: &str, name: &[u8]) -> Option<SymbolStep<'static>> {
        let mut body = std::format!("qSymbol:{value}:").into_bytes();
        body.extend_from_slice(&hex(name));
        symbols.step(&body)
    }

    /// Symbols at 0x1000.. and a process memory with glibc 2.36's layout.
    fn process() -> (Symbols, impl FnMut(u64, &mut [u8]) -> Option<()>) {
        let mut symbols = Symbols::default();
        assert_eq!(symbols.step(b"qSymbol::"), Some(SymbolStep::Ask(NAMES[0])));
        for (i, name) in NAMES.iter().enumerate() {
            let next = answer(&mut symbols, &std::format!("{:x}", 0x1000 + 16 * i), name);
            let want = NAMES
                .get(i + 1)
                .map_or(SymbolStep::Done, |n| SymbolStep::Ask(n));
            assert_eq!(next, Some(want));
        }
        assert!(symbols.complete());
        let mut mem: Vec<(u64, Vec<u8>)> = Vec::new();
        let desc = |bits: u32, count: u32, offset: u32| {
            [bits, count, offset]
                .iter()
                .flat_map(|w| w.to_le_bytes())
                .collect::<Vec<u8>>()
        };
        mem.push((0x1000, desc(64, 1, 0x470)));
        mem.push((0x1010, desc(64, 1, 8)));
        mem.push((0x1020, desc(128, 0, 0)));
        mem.push((0x1030, desc(64, 1, 0)));
        // link map of module 2 at 0x5000; thread pointer 0x9000, DTV 0x7000.
        mem.push((0x5470, 2u64.to_le_bytes().to_vec()));
        mem.push((0x9008, 0x7000u64.to_le_bytes().to_vec()));
        mem.push((0x7020, 0x7f00_0000_1000u64.to_le_bytes().to_vec()));
        // module 3's block is not allocated.
        mem.push((0x6470, 3u64.to_le_bytes().to_vec()));
        mem.push((0x7030, u64::MAX.to_le_bytes().to_vec()));
        let read = move |addr: u64, buf: &mut [u8]| {
            let (start, bytes) = mem
                .iter()
                .find(|(s, b)| (*s..*s + b.len() as u64).contains(&addr))?;
            let off = (addr - start) as usize;
            buf.copy_from_slice(bytes.get(off..off + buf.len())?);
            Some(())
        };
        (symbols, read)
    }

    #[test]
    fn addresses_from_glibc_layout() {
        let (symbols, mut read) = process();
        assert_eq!(
            tls_address(&symbols, &mut read, 0x9000, 0x5000, 0x10),
            Ok(0x7f00_0000_1010)
        );
        assert_eq!(
            tls_address(&symbols, &mut read, 0x9000, 0x6000, 0x10),
            Err(TlsError::NotAllocated)
        );
        assert_eq!(
            tls_address(&symbols, &mut read, 0xa000, 0x5000, 0x10),
            Err(TlsError::Fault)
        );
        assert_eq!(
            tls_address(&Symbols::default(), &mut read, 0x9000, 0x5000, 0),
            Err(TlsError::NoLayout)
        );
    }

    #[test]
    fn unknown_symbols_leave_no_layout() {
        let mut symbols = Symbols::default();
        symbols.step(b"qSymbol::");
        for name in NAMES {
            answer(&mut symbols, "", name);
        }
        assert!(!symbols.complete());
        // A name not asked for is not a reply to this exchange.
        assert_eq!(answer(&mut symbols, "10", b"malloc"), None);
        assert_eq!(symbols.step(b"qC"), None);
    }

    #[test]
    fn tls_requests() {
        let want = TlsRequest {
            tid: 0x4f2a,
            offset: 0x10,
            lm: 0x7ffff7fc3000,
        };
        assert_eq!(
            tls_request(b"qGetTLSAddr:p4f2a.4f2a,10,7ffff7fc3000"),
            Some(want)
        );
        assert_eq!(tls_request(b"qGetTLSAddr:4f2a,10,7ffff7fc3000"), Some(want));
        assert_eq!(tls_request(b"qGetTLSAddr:0,10,7ffff7fc3000"), None);
        assert_eq!(tls_request(b"qGetTLSAddr:4f2a,10"), None);
        assert_eq!(tls_request(b"qGetTLSAddr:4f2a,10,1,2"), None);
        assert_eq!(tls_request(b"qGetTLSAddr:4f2a,zz,1"), None);
    }
}
