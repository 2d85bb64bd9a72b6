//! Binary modules written by hand: LEB128, sections, and the hostile shapes (a million items
//! of one kind, items of extreme sizes) that loading must refuse within the memory budget.
//! Used by the core's tests (`support::binary`) and by wrtd's hostile-guest test, which
//! includes this file by path.
#![allow(dead_code)]

/// LEB128 of `v`.
pub fn leb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A section: its id, its number of items, and what writes item `i`.
pub type Section<'a> = (u8, u64, &'a dyn Fn(&mut Vec<u8>, u64));

pub const TYPE: u8 = 1;
pub const IMPORT: u8 = 2;
pub const FUNCTION: u8 = 3;
pub const MEMORY: u8 = 5;
pub const GLOBAL: u8 = 6;
pub const EXPORT: u8 = 7;
pub const ELEMENT: u8 = 9;
pub const CODE: u8 = 10;
pub const DATA: u8 = 11;

/// A binary module of `sections`, in order.
pub fn module(sections: &[Section]) -> Vec<u8> {
    let mut out = b"\0asm\x01\0\0\0".to_vec();
    for &(id, count, item) in sections {
        let mut payload = Vec::new();
        leb(&mut payload, count);
        for i in 0..count {
            item(&mut payload, i);
        }
        out.push(id);
        leb(&mut out, payload.len() as u64);
        out.extend_from_slice(&payload);
    }
    out
}

/// Writes `bytes` as every item.
pub fn each(bytes: impl AsRef<[u8]>) -> impl Fn(&mut Vec<u8>, u64) {
    move |o, _| o.extend_from_slice(bytes.as_ref())
}

/// An item of `len` bytes all `byte`, after its `prefix` and its length.
pub fn run_of(prefix: &[u8], len: u64, byte: u8) -> Vec<u8> {
    let mut item = prefix.to_vec();
    leb(&mut item, len);
    item.resize(item.len() + len as usize, byte);
    item
}

/// A name: its length, then its bytes.
pub fn name(o: &mut Vec<u8>, name: &str) {
    leb(o, name.len() as u64);
    o.extend_from_slice(name.as_bytes());
}

/// The type `(func)`.
pub const EMPTY_TYPE: &[u8] = &[0x60, 0, 0];

/// One type `(func)` and `n` functions of it, each with `body`.
pub fn functions_with(n: u64, body: &[u8]) -> Vec<u8> {
    module(&[
        (TYPE, 1, &each(EMPTY_TYPE)),
        (FUNCTION, n, &each(&[0])),
        (CODE, n, &each(body)),
    ])
}

/// One function `(func)` with an empty body, and a section `id` of `n` items between its
/// declaration and its body (where exports and element segments go).
pub fn one_function_and(id: u8, n: u64, item: &dyn Fn(&mut Vec<u8>, u64)) -> Vec<u8> {
    module(&[
        (TYPE, 1, &each(EMPTY_TYPE)),
        (FUNCTION, 1, &each(&[0])),
        (id, n, item),
        (CODE, 1, &each(&[2, 0, 0x0b])),
    ])
}

/// A memory of one page and `n` passive data segments, each `segment`.
pub fn data_segments(n: u64, segment: &[u8]) -> Vec<u8> {
    module(&[(MEMORY, 1, &each(&[0, 1])), (DATA, n, &each(segment))])
}

/// `n` function types `(func (param i32) (result i32))`.
pub fn types(n: u64) -> Vec<u8> {
    module(&[(TYPE, n, &each(&[0x60, 1, 0x7f, 1, 0x7f]))])
}

/// One type and `n` functions `(func)` with empty bodies.
pub fn functions(n: u64) -> Vec<u8> {
    functions_with(n, &[2, 0, 0x0b])
}

/// `n` globals `(global (mut i32) (i32.const 0))`.
pub fn globals(n: u64) -> Vec<u8> {
    module(&[(GLOBAL, n, &each(&[0x7f, 1, 0x41, 0, 0x0b]))])
}

/// `n` imported functions `"m" "f<i>"` of one type.
pub fn imports(n: u64) -> Vec<u8> {
    module(&[
        (TYPE, 1, &each(EMPTY_TYPE)),
        (IMPORT, n, &|o, i| {
            name(o, "m");
            name(o, &format!("f{i}"));
            o.extend_from_slice(&[0x00, 0]);
        }),
    ])
}

/// One function exported `n` times under different names.
pub fn exports(n: u64) -> Vec<u8> {
    one_function_and(EXPORT, n, &|o, i| {
        name(o, &format!("e{i}"));
        o.extend_from_slice(&[0x00, 0]);
    })
}

/// A memory and `n` passive data segments of 4 bytes each.
pub fn datas(n: u64) -> Vec<u8> {
    data_segments(n, &[1, 4, 1, 2, 3, 4])
}

/// A function and `n` passive element segments of 4 references to it.
pub fn elements(n: u64) -> Vec<u8> {
    one_function_and(ELEMENT, n, &each(&[1, 0x00, 4, 0, 0, 0, 0]))
}

/// `n` imported globals with names of 200 bytes.
pub fn long_names(n: u64) -> Vec<u8> {
    module(&[(IMPORT, n, &|o, i| {
        name(o, "m");
        name(o, &format!("{i:0>200}"));
        o.extend_from_slice(&[0x03, 0x7f, 0]);
    })])
}

/// `n` function types of 200 parameters each.
pub fn wide_types(n: u64) -> Vec<u8> {
    let mut item = run_of(&[0x60], 200, 0x7e);
    item.push(0);
    module(&[(TYPE, n, &each(item))])
}

/// A memory and `n` passive data segments of 1000 bytes each.
pub fn big_datas(n: u64) -> Vec<u8> {
    data_segments(n, &run_of(&[1], 1000, 7))
}

/// A function and `n` passive element segments of 200 references each.
pub fn long_elements(n: u64) -> Vec<u8> {
    one_function_and(ELEMENT, n, &each(run_of(&[1, 0x00], 200, 0)))
}

/// `n` functions whose bodies are 200 bytes of `nop`.
pub fn long_bodies(n: u64) -> Vec<u8> {
    let mut body = Vec::new();
    leb(&mut body, 202);
    body.push(0); // no locals
    body.extend_from_slice(&[0x01; 200]);
    body.push(0x0b); // end
    functions_with(n, &body)
}
