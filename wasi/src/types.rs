//! The `wasi_snapshot_preview1` vocabulary: error numbers, flags, rights and the byte layout of every
//! structure a guest passes, exactly as the witx (`typenames.witx`) defines them; and (inside the
//! crate) the host-side values the WASI functions and the backends exchange: file metadata,
//! directory entries, new timestamps and readiness.

use core::fmt;

/// Declares [`Errno`] from one list: each variant with its witx number, its C name and its
/// description (also its doc comment).
macro_rules! errnos {
    ($($variant:ident = $raw:literal, $name:literal, $description:literal;)*) => {
        /// A WASI error number (`$errno` in the witx, a `u16`). Values are exactly the witx ones.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u16)]
        pub enum Errno {
            $(
                #[doc = concat!($description, ".")]
                $variant = $raw,
            )*
        }

        impl Errno {
            /// Every errno, in numeric order (`ALL[n] as u16 == n`).
            pub const ALL: [Errno; [$(Errno::$variant),*].len()] = [$(Errno::$variant),*];

            /// The witx name in upper case with an `E` prefix, as C programs know it (`ENOENT`).
            pub fn name(self) -> &'static str {
                match self {
                    $(Errno::$variant => $name,)*
                }
            }

            /// A one-line description.
            pub fn description(self) -> &'static str {
                match self {
                    $(Errno::$variant => $description,)*
                }
            }
        }
    };
}

// Every errno, in witx order.
errnos! {
    Success = 0, "ESUCCESS", "No error occurred";
    TooBig = 1, "E2BIG", "Argument list too long";
    Acces = 2, "EACCES", "Permission denied";
    Addrinuse = 3, "EADDRINUSE", "Address in use";
    Addrnotavail = 4, "EADDRNOTAVAIL", "Address not available";
    Afnosupport = 5, "EAFNOSUPPORT", "Address family not supported";
    Again = 6, "EAGAIN", "Resource unavailable, or operation would block";
    Already = 7, "EALREADY", "Connection already in progress";
    Badf = 8, "EBADF", "Bad file descriptor";
    Badmsg = 9, "EBADMSG", "Bad message";
    Busy = 10, "EBUSY", "Device or resource busy";
    Canceled = 11, "ECANCELED", "Operation canceled";
    Child = 12, "ECHILD", "No child processes";
    Connaborted = 13, "ECONNABORTED", "Connection aborted";
    Connrefused = 14, "ECONNREFUSED", "Connection refused";
    Connreset = 15, "ECONNRESET", "Connection reset";
    Deadlk = 16, "EDEADLK", "Resource deadlock would occur";
    Destaddrreq = 17, "EDESTADDRREQ", "Destination address required";
    Dom = 18, "EDOM", "Mathematics argument out of domain of function";
    Dquot = 19, "EDQUOT", "Reserved (disk quota exceeded)";
    Exist = 20, "EEXIST", "File exists";
    Fault = 21, "EFAULT", "Bad address";
    Fbig = 22, "EFBIG", "File too large";
    Hostunreach = 23, "EHOSTUNREACH", "Host is unreachable";
    Idrm = 24, "EIDRM", "Identifier removed";
    Ilseq = 25, "EILSEQ", "Illegal byte sequence";
    Inprogress = 26, "EINPROGRESS", "Operation in progress";
    Intr = 27, "EINTR", "Interrupted function";
    Inval = 28, "EINVAL", "Invalid argument";
    Io = 29, "EIO", "I/O error";
    Isconn = 30, "EISCONN", "Socket is connected";
    Isdir = 31, "EISDIR", "Is a directory";
    Loop = 32, "ELOOP", "Too many levels of symbolic links";
    Mfile = 33, "EMFILE", "File descriptor value too large";
    Mlink = 34, "EMLINK", "Too many links";
    Msgsize = 35, "EMSGSIZE", "Message too large";
    Multihop = 36, "EMULTIHOP", "Reserved (multihop attempted)";
    Nametoolong = 37, "ENAMETOOLONG", "Filename too long";
    Netdown = 38, "ENETDOWN", "Network is down";
    Netreset = 39, "ENETRESET", "Connection aborted by network";
    Netunreach = 40, "ENETUNREACH", "Network unreachable";
    Nfile = 41, "ENFILE", "Too many files open in system";
    Nobufs = 42, "ENOBUFS", "No buffer space available";
    Nodev = 43, "ENODEV", "No such device";
    Noent = 44, "ENOENT", "No such file or directory";
    Noexec = 45, "ENOEXEC", "Executable file format error";
    Nolck = 46, "ENOLCK", "No locks available";
    Nolink = 47, "ENOLINK", "Reserved (link has been severed)";
    Nomem = 48, "ENOMEM", "Not enough space";
    Nomsg = 49, "ENOMSG", "No message of the desired type";
    Noprotoopt = 50, "ENOPROTOOPT", "Protocol not available";
    Nospc = 51, "ENOSPC", "No space left on device";
    Nosys = 52, "ENOSYS", "Function not supported";
    Notconn = 53, "ENOTCONN", "The socket is not connected";
    Notdir = 54, "ENOTDIR", "Not a directory or a symbolic link to a directory";
    Notempty = 55, "ENOTEMPTY", "Directory not empty";
    Notrecoverable = 56, "ENOTRECOVERABLE", "State not recoverable";
    Notsock = 57, "ENOTSOCK", "Not a socket";
    Notsup = 58, "ENOTSUP", "Not supported, or operation not supported on socket";
    Notty = 59, "ENOTTY", "Inappropriate I/O control operation";
    Nxio = 60, "ENXIO", "No such device or address";
    Overflow = 61, "EOVERFLOW", "Value too large to be stored in data type";
    Ownerdead = 62, "EOWNERDEAD", "Previous owner died";
    Perm = 63, "EPERM", "Operation not permitted";
    Pipe = 64, "EPIPE", "Broken pipe";
    Proto = 65, "EPROTO", "Protocol error";
    Protonosupport = 66, "EPROTONOSUPPORT", "Protocol not supported";
    Prototype = 67, "EPROTOTYPE", "Protocol wrong type for socket";
    Range = 68, "ERANGE", "Result too large";
    Rofs = 69, "EROFS", "Read-only file system";
    Spipe = 70, "ESPIPE", "Invalid seek";
    Srch = 71, "ESRCH", "No such process";
    Stale = 72, "ESTALE", "Reserved (stale file handle)";
    Timedout = 73, "ETIMEDOUT", "Connection timed out";
    Txtbsy = 74, "ETXTBSY", "Text file busy";
    Xdev = 75, "EXDEV", "Cross-device link";
    Notcapable = 76, "ENOTCAPABLE", "Extension: capabilities insufficient";
}

impl Errno {
    /// The errno with this number, if there is one.
    pub fn from_raw(raw: u16) -> Option<Errno> {
        Errno::ALL.get(usize::from(raw)).copied()
    }

    /// The number the guest sees.
    pub fn raw(self) -> u16 {
        self as u16
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.description())
    }
}

/// What WASI functions return internally: a value or an errno for the guest.
pub type WasiResult<T> = Result<T, Errno>;

/// File descriptor rights (`$rights`, a `u64` bit set).
pub mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub const FD_SYNC: u64 = 1 << 4;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ADVISE: u64 = 1 << 7;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    pub const PATH_LINK_SOURCE: u64 = 1 << 11;
    pub const PATH_LINK_TARGET: u64 = 1 << 12;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_READLINK: u64 = 1 << 15;
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub const PATH_SYMLINK: u64 = 1 << 24;
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;
    pub const SOCK_SHUTDOWN: u64 = 1 << 28;
    pub const SOCK_ACCEPT: u64 = 1 << 29;
    /// Every right the witx defines.
    pub const ALL: u64 = (1 << 30) - 1;

    /// The rights of a regular file opened for reading and writing.
    pub const FILE: u64 = FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | POLL_FD_READWRITE;
    /// File rights that change a file; a read-only preopen never hands them out.
    pub const FILE_WRITE: u64 =
        FD_DATASYNC | FD_WRITE | FD_ALLOCATE | FD_FILESTAT_SET_SIZE | FD_FILESTAT_SET_TIMES;
    /// The rights of a directory.
    pub const DIRECTORY: u64 = FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_ADVISE
        | PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | FD_READDIR
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_SIZE
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE;
    /// Directory rights that change the tree below it; a read-only preopen never hands them out.
    pub const DIRECTORY_WRITE: u64 = PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_SET_SIZE
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_SET_TIMES
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE;
    /// A connected stream socket.
    pub const SOCKET: u64 = FD_READ
        | FD_WRITE
        | FD_FDSTAT_SET_FLAGS
        | FD_FILESTAT_GET
        | POLL_FD_READWRITE
        | SOCK_SHUTDOWN;
    /// A listening socket.
    pub const LISTENER: u64 =
        FD_FDSTAT_SET_FLAGS | FD_FILESTAT_GET | POLL_FD_READWRITE | SOCK_ACCEPT;
}

/// `$filetype` (`u8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Filetype {
    #[default]
    Unknown = 0,
    BlockDevice = 1,
    CharacterDevice = 2,
    Directory = 3,
    RegularFile = 4,
    SocketDgram = 5,
    SocketStream = 6,
    SymbolicLink = 7,
}

/// `$clockid` (`u32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum ClockId {
    /// Wall-clock time; zero is 1970-01-01T00:00:00Z.
    Realtime = 0,
    /// A clock that never goes back; its zero point is arbitrary.
    Monotonic = 1,
    /// CPU time consumed by the process.
    ProcessCputime = 2,
    /// CPU time consumed by the thread.
    ThreadCputime = 3,
}

impl ClockId {
    /// Decodes a guest clock id; unknown ids are `EINVAL`.
    pub fn from_raw(raw: u32) -> WasiResult<ClockId> {
        match raw {
            0 => Ok(ClockId::Realtime),
            1 => Ok(ClockId::Monotonic),
            2 => Ok(ClockId::ProcessCputime),
            3 => Ok(ClockId::ThreadCputime),
            _ => Err(Errno::Inval),
        }
    }
}

/// `$whence` (`u8`).
pub mod whence {
    pub const SET: u8 = 0;
    pub const CUR: u8 = 1;
    pub const END: u8 = 2;
}

/// `$advice` (`u8`).
pub mod advice {
    pub const NORMAL: u8 = 0;
    pub const SEQUENTIAL: u8 = 1;
    pub const RANDOM: u8 = 2;
    pub const WILLNEED: u8 = 3;
    pub const DONTNEED: u8 = 4;
    pub const NOREUSE: u8 = 5;
}

/// `$fdflags` (`u16`).
pub mod fdflags {
    pub const APPEND: u16 = 1 << 0;
    pub const DSYNC: u16 = 1 << 1;
    pub const NONBLOCK: u16 = 1 << 2;
    pub const RSYNC: u16 = 1 << 3;
    pub const SYNC: u16 = 1 << 4;
    pub const ALL: u16 = APPEND | DSYNC | NONBLOCK | RSYNC | SYNC;
}

/// `$fstflags` (`u16`).
pub mod fstflags {
    pub const ATIM: u16 = 1 << 0;
    pub const ATIM_NOW: u16 = 1 << 1;
    pub const MTIM: u16 = 1 << 2;
    pub const MTIM_NOW: u16 = 1 << 3;
    pub const ALL: u16 = ATIM | ATIM_NOW | MTIM | MTIM_NOW;
}

/// `$lookupflags` (`u32`).
pub mod lookupflags {
    pub const SYMLINK_FOLLOW: u32 = 1 << 0;
}

/// `$oflags` (`u16`).
pub mod oflags {
    pub const CREAT: u16 = 1 << 0;
    pub const DIRECTORY: u16 = 1 << 1;
    pub const EXCL: u16 = 1 << 2;
    pub const TRUNC: u16 = 1 << 3;
    pub const ALL: u16 = CREAT | DIRECTORY | EXCL | TRUNC;
}

/// `$eventtype` (`u8`).
pub mod eventtype {
    pub const CLOCK: u8 = 0;
    pub const FD_READ: u8 = 1;
    pub const FD_WRITE: u8 = 2;
}

/// `$eventrwflags` (`u16`).
pub mod eventrwflags {
    pub const FD_READWRITE_HANGUP: u16 = 1 << 0;
}

/// `$subclockflags` (`u16`).
pub mod subclockflags {
    pub const SUBSCRIPTION_CLOCK_ABSTIME: u16 = 1 << 0;
}

/// `$riflags` (`u16`).
pub mod riflags {
    pub const RECV_PEEK: u16 = 1 << 0;
    pub const RECV_WAITALL: u16 = 1 << 1;
}

/// `$roflags` (`u16`).
pub mod roflags {
    pub const RECV_DATA_TRUNCATED: u16 = 1 << 0;
}

/// `$sdflags` (`u8`).
pub mod sdflags {
    pub const RD: u8 = 1 << 0;
    pub const WR: u8 = 1 << 1;
}

/// `$preopentype` (`u8`).
pub mod preopentype {
    pub const DIR: u8 = 0;
}

/// Declares the `signal` module from one list: each constant with its number and POSIX name.
macro_rules! signals {
    ($($constant:ident = $raw:literal, $name:literal;)*) => {
        /// `$signal` (`u8`): the numbers `proc_raise` takes.
        pub mod signal {
            $(pub const $constant: u8 = $raw;)*

            /// The POSIX name of a signal number.
            pub fn name(sig: u8) -> &'static str {
                match sig {
                    $($raw => $name,)*
                    _ => "unknown signal",
                }
            }
        }
    };
}

// Every signal, in witx order.
signals! {
    NONE = 0, "none";
    HUP = 1, "SIGHUP";
    INT = 2, "SIGINT";
    QUIT = 3, "SIGQUIT";
    ILL = 4, "SIGILL";
    TRAP = 5, "SIGTRAP";
    ABRT = 6, "SIGABRT";
    BUS = 7, "SIGBUS";
    FPE = 8, "SIGFPE";
    KILL = 9, "SIGKILL";
    USR1 = 10, "SIGUSR1";
    SEGV = 11, "SIGSEGV";
    USR2 = 12, "SIGUSR2";
    PIPE = 13, "SIGPIPE";
    ALRM = 14, "SIGALRM";
    TERM = 15, "SIGTERM";
    CHLD = 16, "SIGCHLD";
    CONT = 17, "SIGCONT";
    STOP = 18, "SIGSTOP";
    TSTP = 19, "SIGTSTP";
    TTIN = 20, "SIGTTIN";
    TTOU = 21, "SIGTTOU";
    URG = 22, "SIGURG";
    XCPU = 23, "SIGXCPU";
    XFSZ = 24, "SIGXFSZ";
    VTALRM = 25, "SIGVTALRM";
    PROF = 26, "SIGPROF";
    WINCH = 27, "SIGWINCH";
    POLL = 28, "SIGPOLL";
    PWR = 29, "SIGPWR";
    SYS = 30, "SIGSYS";
}

/// Sizes and field offsets of the structures in guest memory (all little-endian).
pub mod layout {
    /// `$iovec` / `$ciovec`: `buf: u32 @0`, `buf_len: u32 @4`.
    pub const IOVEC_SIZE: u32 = 8;
    /// `$fdstat`: `fs_filetype: u8 @0`, `fs_flags: u16 @2`, `fs_rights_base: u64 @8`,
    /// `fs_rights_inheriting: u64 @16`.
    pub const FDSTAT_SIZE: u32 = 24;
    pub const FDSTAT_FILETYPE: u32 = 0;
    pub const FDSTAT_FLAGS: u32 = 2;
    pub const FDSTAT_RIGHTS_BASE: u32 = 8;
    pub const FDSTAT_RIGHTS_INHERITING: u32 = 16;
    /// `$filestat`: `dev @0`, `ino @8`, `filetype: u8 @16`, `nlink @24`, `size @32`, `atim @40`,
    /// `mtim @48`, `ctim @56`.
    pub const FILESTAT_SIZE: u32 = 64;
    pub const FILESTAT_DEV: u32 = 0;
    pub const FILESTAT_INO: u32 = 8;
    pub const FILESTAT_FILETYPE: u32 = 16;
    pub const FILESTAT_NLINK: u32 = 24;
    pub const FILESTAT_SIZE_FIELD: u32 = 32;
    pub const FILESTAT_ATIM: u32 = 40;
    pub const FILESTAT_MTIM: u32 = 48;
    pub const FILESTAT_CTIM: u32 = 56;
    /// `$prestat`: tag `u8 @0`, `pr_name_len: u32 @4`.
    pub const PRESTAT_SIZE: u32 = 8;
    pub const PRESTAT_NAME_LEN: u32 = 4;
    /// `$dirent`: `d_next: u64 @0`, `d_ino: u64 @8`, `d_namlen: u32 @16`, `d_type: u8 @20`; the
    /// name follows the 24-byte header.
    pub const DIRENT_SIZE: u32 = 24;
    pub const DIRENT_NEXT: usize = 0;
    pub const DIRENT_INO: usize = 8;
    pub const DIRENT_NAMLEN: usize = 16;
    pub const DIRENT_TYPE: usize = 20;
    /// `$subscription`: `userdata: u64 @0`, union tag `u8 @8`, then at 16 either
    /// `subscription_clock` (`id: u32 @16`, `timeout: u64 @24`, `precision: u64 @32`,
    /// `flags: u16 @40`) or `subscription_fd_readwrite` (`file_descriptor: u32 @16`).
    pub const SUBSCRIPTION_SIZE: u32 = 48;
    pub const SUBSCRIPTION_USERDATA: u32 = 0;
    pub const SUBSCRIPTION_TAG: u32 = 8;
    pub const SUBSCRIPTION_CLOCK_ID: u32 = 16;
    pub const SUBSCRIPTION_CLOCK_TIMEOUT: u32 = 24;
    pub const SUBSCRIPTION_CLOCK_PRECISION: u32 = 32;
    pub const SUBSCRIPTION_CLOCK_FLAGS: u32 = 40;
    pub const SUBSCRIPTION_FD: u32 = 16;
    /// `$event`: `userdata: u64 @0`, `error: u16 @8`, `type: u8 @10`, `fd_readwrite` at 16
    /// (`nbytes: u64 @16`, `flags: u16 @24`).
    pub const EVENT_SIZE: u32 = 32;
    pub const EVENT_USERDATA: u32 = 0;
    pub const EVENT_ERROR: u32 = 8;
    pub const EVENT_TYPE: u32 = 10;
    pub const EVENT_NBYTES: u32 = 16;
    pub const EVENT_FLAGS: u32 = 24;

    const _: () = assert!(SUBSCRIPTION_CLOCK_FLAGS + 2 <= SUBSCRIPTION_SIZE);
    const _: () = assert!(EVENT_FLAGS + 2 <= EVENT_SIZE);
    const _: () = assert!(FILESTAT_CTIM + 8 == FILESTAT_SIZE);
}

// ------------------------------------------------------------------------------ host values

/// What a backend reports about a file, directory or socket (`$filestat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: Filetype,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

/// One directory entry, as `fd_readdir` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DirEntryInfo {
    pub name: alloc::vec::Vec<u8>,
    pub ino: u64,
    pub filetype: Filetype,
}

/// A new access or modification time (`fd_filestat_set_times` / `path_filestat_set_times`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeSpec {
    Keep,
    Now,
    At(u64),
}

/// Whether a descriptor can be read or written without blocking (`poll_oneoff`).
#[cfg_attr(not(all(feature = "std", unix)), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Readiness {
    Ready { nbytes: u64, hangup: bool },
    Pending,
    Failed(Errno),
}

/// A descriptor the host reported ready while `poll_oneoff` waited: (fd, read, hangup).
pub(crate) type Woken = (u32, bool, bool);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_values_match_witx() {
        for (i, e) in Errno::ALL.iter().enumerate() {
            assert_eq!(usize::from(e.raw()), i);
            assert_eq!(Errno::from_raw(e.raw()), Some(*e));
        }
        assert_eq!(Errno::Success as u16, 0);
        assert_eq!(Errno::TooBig as u16, 1);
        assert_eq!(Errno::Acces as u16, 2);
        assert_eq!(Errno::Badf as u16, 8);
        assert_eq!(Errno::Exist as u16, 20);
        assert_eq!(Errno::Fault as u16, 21);
        assert_eq!(Errno::Inval as u16, 28);
        assert_eq!(Errno::Isdir as u16, 31);
        assert_eq!(Errno::Loop as u16, 32);
        assert_eq!(Errno::Noent as u16, 44);
        assert_eq!(Errno::Nosys as u16, 52);
        assert_eq!(Errno::Notdir as u16, 54);
        assert_eq!(Errno::Notempty as u16, 55);
        assert_eq!(Errno::Notsup as u16, 58);
        assert_eq!(Errno::Perm as u16, 63);
        assert_eq!(Errno::Spipe as u16, 70);
        assert_eq!(Errno::Xdev as u16, 75);
        assert_eq!(Errno::Notcapable as u16, 76);
        assert_eq!(Errno::from_raw(77), None);
        assert_eq!(Errno::Noent.name(), "ENOENT");
        assert_eq!(Errno::TooBig.name(), "E2BIG");
    }

    #[test]
    fn rights_are_consistent() {
        assert_eq!(rights::ALL, 0x3fff_ffff);
        assert_eq!(rights::SOCK_ACCEPT, 1 << 29);
        assert_eq!(rights::FILE_WRITE & !rights::FILE, 0);
        assert_eq!(rights::DIRECTORY_WRITE & !rights::DIRECTORY, 0);
        assert_eq!(rights::FILE & rights::PATH_OPEN, 0);
    }

    #[test]
    fn layouts_match_witx() {
        use layout::*;
        assert_eq!(IOVEC_SIZE, 8);
        assert_eq!(FDSTAT_SIZE, 24);
        assert_eq!(FILESTAT_SIZE, 64);
        assert_eq!(PRESTAT_SIZE, 8);
        assert_eq!(DIRENT_SIZE, 24);
        assert_eq!(SUBSCRIPTION_SIZE, 48);
        assert_eq!(EVENT_SIZE, 32);
        assert_eq!(FILESTAT_CTIM + 8, FILESTAT_SIZE);
        assert_eq!(Filetype::SymbolicLink as u8, 7);
        assert_eq!(ClockId::from_raw(3), Ok(ClockId::ThreadCputime));
        assert_eq!(ClockId::from_raw(4), Err(Errno::Inval));
    }
}
