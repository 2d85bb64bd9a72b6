//! std::fs below a preopened directory (argv[1]). Prints one line per step and leaves
//! rust-out/summary.txt behind.
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::Path;

fn main() {
    let root = std::env::args().nth(1).expect("usage: fs DIR");
    let root = Path::new(&root);
    let dir = root.join("rust-out");
    fs::create_dir_all(dir.join("nested/deeper")).unwrap();
    println!("created directories");

    fs::write(dir.join("a.txt"), "alpha\n").unwrap();
    let mut f = OpenOptions::new().append(true).open(dir.join("a.txt")).unwrap();
    f.write_all(b"beta\n").unwrap();
    drop(f);
    assert_eq!(fs::read_to_string(dir.join("a.txt")).unwrap(), "alpha\nbeta\n");
    println!("write, append and read back");

    let mut f = OpenOptions::new().read(true).write(true).open(dir.join("a.txt")).unwrap();
    f.seek(SeekFrom::Start(6)).unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    assert_eq!(s, "beta\n");
    f.set_len(5).unwrap();
    let meta = f.metadata().unwrap();
    assert_eq!(meta.len(), 5);
    assert!(meta.is_file());
    assert!(meta.modified().is_ok());
    println!("seek, set_len, metadata");

    fs::rename(dir.join("a.txt"), dir.join("nested/b.txt")).unwrap();
    fs::hard_link(dir.join("nested/b.txt"), dir.join("c.txt")).unwrap();
    #[allow(deprecated)] // std::fs::soft_link is the stable way to make a symlink on WASI.
    fs::soft_link("nested/b.txt", dir.join("link")).unwrap();
    assert_eq!(fs::read_link(dir.join("link")).unwrap(), Path::new("nested/b.txt"));
    assert_eq!(fs::read_to_string(dir.join("link")).unwrap(), "alpha");
    assert!(fs::symlink_metadata(dir.join("link")).unwrap().file_type().is_symlink());
    println!("rename, hard link, symlink");

    for i in 0..20 {
        fs::write(dir.join(format!("nested/deeper/f{i:02}")), format!("{i}")).unwrap();
    }
    let mut names: Vec<String> = fs::read_dir(dir.join("nested/deeper"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 20);
    assert_eq!(names[0], "f00");
    println!("read_dir: {} entries", names.len());
    fs::remove_dir_all(dir.join("nested/deeper")).unwrap();
    assert!(!dir.join("nested/deeper").exists());
    println!("remove_dir_all");

    assert_eq!(fs::read("no/such/file").unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(fs::read(dir.join("missing")).unwrap_err().kind(), ErrorKind::NotFound);
    let e = fs::create_dir(dir.join("nested")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    // Outside every preopen: not found, whatever the host has there.
    assert!(fs::read("/etc/passwd").is_err());
    assert!(fs::read(root.join("../outside.txt")).is_err());
    println!("errors as expected");

    fs::remove_file(dir.join("c.txt")).unwrap();
    fs::write(dir.join("summary.txt"), "rust fs test passed\n").unwrap();
    println!("done");
}
