//! The `wasi_snapshot_preview1` vocabulary: error numbers, flags, rights and the byte layout of every
//! structure a guest passes, exactly as the witx (`typenames.witx`) defines them; and (inside the
//! crate) the host-side values the WASI functions and the backends exchange: file metadata,
//! directory entries, new timestamps and readiness.

use core::fmt;

/// A WASI error number (`$errno` in the witx, a `u16`). Values are exactly the witx ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u16)]
pub enum Errno {
    /// No error occurred.
    Success = 0,
    /// Argument list too long.
    TooBig = 1,
    /// Permission denied.
    Acces = 2,
    /// Address in use.
    Addrinuse = 3,
    /// Address not available.
    Addrnotavail = 4,
    /// Address family not supported.
    Afnosupport = 5,
    /// Resource unavailable, or operation would block.
    Again = 6,
    /// Connection already in progress.
    Already = 7,
    /// Bad file descriptor.
    Badf = 8,
    /// Bad message.
    Badmsg = 9,
    /// Device or resource busy.
    Busy = 10,
    /// Operation canceled.
    Canceled = 11,
    /// No child processes.
    Child = 12,
    /// Connection aborted.
    Connaborted = 13,
    /// Connection refused.
    Connrefused = 14,
    /// Connection reset.
    Connreset = 15,
    /// Resource deadlock would occur.
    Deadlk = 16,
    /// Destination address required.
    Destaddrreq = 17,
    /// Mathematics argument out of domain of function.
    Dom = 18,
    /// Reserved (disk quota exceeded).
    Dquot = 19,
    /// File exists.
    Exist = 20,
    /// Bad address.
    Fault = 21,
    /// File too large.
    Fbig = 22,
    /// Host is unreachable.
    Hostunreach = 23,
    /// Identifier removed.
    Idrm = 24,
    /// Illegal byte sequence.
    Ilseq = 25,
    /// Operation in progress.
    Inprogress = 26,
    /// Interrupted function.
    Intr = 27,
    /// Invalid argument.
    Inval = 28,
    /// I/O error.
    Io = 29,
    /// Socket is connected.
    Isconn = 30,
    /// Is a directory.
    Isdir = 31,
    /// Too many levels of symbolic links.
    Loop = 32,
    /// File descriptor value too large.
    Mfile = 33,
    /// Too many links.
    Mlink = 34,
    /// Message too large.
    Msgsize = 35,
    /// Reserved (multihop attempted).
    Multihop = 36,
    /// Filename too long.
    Nametoolong = 37,
    /// Network is down.
    Netdown = 38,
    /// Connection aborted by network.
    Netreset = 39,
    /// Network unreachable.
    Netunreach = 40,
    /// Too many files open in system.
    Nfile = 41,
    /// No buffer space available.
    Nobufs = 42,
    /// No such device.
    Nodev = 43,
    /// No such file or directory.
    Noent = 44,
    /// Executable file format error.
    Noexec = 45,
    /// No locks available.
    Nolck = 46,
    /// Reserved (link has been severed).
    Nolink = 47,
    /// Not enough space.
    Nomem = 48,
    /// No message of the desired type.
    Nomsg = 49,
    /// Protocol not available.
    Noprotoopt = 50,
    /// No space left on device.
    Nospc = 51,
    /// Function not supported.
    Nosys = 52,
    /// The socket is not connected.
    Notconn = 53,
    /// Not a directory or a symbolic link to a directory.
    Notdir = 54,
    /// Directory not empty.
    Notempty = 55,
    /// State not recoverable.
    Notrecoverable = 56,
    /// Not a socket.
    Notsock = 57,
    /// Not supported, or operation not supported on socket.
    Notsup = 58,
    /// Inappropriate I/O control operation.
    Notty = 59,
    /// No such device or address.
    Nxio = 60,
    /// Value too large to be stored in data type.
    Overflow = 61,
    /// Previous owner died.
    Ownerdead = 62,
    /// Operation not permitted.
    Perm = 63,
    /// Broken pipe.
    Pipe = 64,
    /// Protocol error.
    Proto = 65,
    /// Protocol not supported.
    Protonosupport = 66,
    /// Protocol wrong type for socket.
    Prototype = 67,
    /// Result too large.
    Range = 68,
    /// Read-only file system.
    Rofs = 69,
    /// Invalid seek.
    Spipe = 70,
    /// No such process.
    Srch = 71,
    /// Reserved (stale file handle).
    Stale = 72,
    /// Connection timed out.
    Timedout = 73,
    /// Text file busy.
    Txtbsy = 74,
    /// Cross-device link.
    Xdev = 75,
    /// Extension: capabilities insufficient.
    Notcapable = 76,
}

impl Errno {
    /// Every errno, in numeric order (`ALL[n] as u16 == n`).
    pub const ALL: [Errno; 77] = [
        Errno::Success,
        Errno::TooBig,
        Errno::Acces,
        Errno::Addrinuse,
        Errno::Addrnotavail,
        Errno::Afnosupport,
        Errno::Again,
        Errno::Already,
        Errno::Badf,
        Errno::Badmsg,
        Errno::Busy,
        Errno::Canceled,
        Errno::Child,
        Errno::Connaborted,
        Errno::Connrefused,
        Errno::Connreset,
        Errno::Deadlk,
        Errno::Destaddrreq,
        Errno::Dom,
        Errno::Dquot,
        Errno::Exist,
        Errno::Fault,
        Errno::Fbig,
        Errno::Hostunreach,
        Errno::Idrm,
        Errno::Ilseq,
        Errno::Inprogress,
        Errno::Intr,
        Errno::Inval,
        Errno::Io,
        Errno::Isconn,
        Errno::Isdir,
        Errno::Loop,
        Errno::Mfile,
        Errno::Mlink,
        Errno::Msgsize,
        Errno::Multihop,
        Errno::Nametoolong,
        Errno::Netdown,
        Errno::Netreset,
        Errno::Netunreach,
        Errno::Nfile,
        Errno::Nobufs,
        Errno::Nodev,
        Errno::Noent,
        Errno::Noexec,
        Errno::Nolck,
        Errno::Nolink,
        Errno::Nomem,
        Errno::Nomsg,
        Errno::Noprotoopt,
        Errno::Nospc,
        Errno::Nosys,
        Errno::Notconn,
        Errno::Notdir,
        Errno::Notempty,
        Errno::Notrecoverable,
        Errno::Notsock,
        Errno::Notsup,
        Errno::Notty,
        Errno::Nxio,
        Errno::Overflow,
        Errno::Ownerdead,
        Errno::Perm,
        Errno::Pipe,
        Errno::Proto,
        Errno::Protonosupport,
        Errno::Prototype,
        Errno::Range,
        Errno::Rofs,
        Errno::Spipe,
        Errno::Srch,
        Errno::Stale,
        Errno::Timedout,
        Errno::Txtbsy,
        Errno::Xdev,
        Errno::Notcapable,
    ];

    /// The witx name in upper case with an `E` prefix, as C programs know it (`ENOENT`).
    pub fn name(self) -> &'static str {
        match self {
            Errno::Success => "ESUCCESS",
            Errno::TooBig => "E2BIG",
            Errno::Acces => "EACCES",
            Errno::Addrinuse => "EADDRINUSE",
            Errno::Addrnotavail => "EADDRNOTAVAIL",
            Errno::Afnosupport => "EAFNOSUPPORT",
            Errno::Again => "EAGAIN",
            Errno::Already => "EALREADY",
            Errno::Badf => "EBADF",
            Errno::Badmsg => "EBADMSG",
            Errno::Busy => "EBUSY",
            Errno::Canceled => "ECANCELED",
            Errno::Child => "ECHILD",
            Errno::Connaborted => "ECONNABORTED",
            Errno::Connrefused => "ECONNREFUSED",
            Errno::Connreset => "ECONNRESET",
            Errno::Deadlk => "EDEADLK",
            Errno::Destaddrreq => "EDESTADDRREQ",
            Errno::Dom => "EDOM",
            Errno::Dquot => "EDQUOT",
            Errno::Exist => "EEXIST",
            Errno::Fault => "EFAULT",
            Errno::Fbig => "EFBIG",
            Errno::Hostunreach => "EHOSTUNREACH",
            Errno::Idrm => "EIDRM",
            Errno::Ilseq => "EILSEQ",
            Errno::Inprogress => "EINPROGRESS",
            Errno::Intr => "EINTR",
            Errno::Inval => "EINVAL",
            Errno::Io => "EIO",
            Errno::Isconn => "EISCONN",
            Errno::Isdir => "EISDIR",
            Errno::Loop => "ELOOP",
            Errno::Mfile => "EMFILE",
            Errno::Mlink => "EMLINK",
            Errno::Msgsize => "EMSGSIZE",
            Errno::Multihop => "EMULTIHOP",
            Errno::Nametoolong => "ENAMETOOLONG",
            Errno::Netdown => "ENETDOWN",
            Errno::Netreset => "ENETRESET",
            Errno::Netunreach => "ENETUNREACH",
            Errno::Nfile => "ENFILE",
            Errno::Nobufs => "ENOBUFS",
            Errno::Nodev => "ENODEV",
            Errno::Noent => "ENOENT",
            Errno::Noexec => "ENOEXEC",
            Errno::Nolck => "ENOLCK",
            Errno::Nolink => "ENOLINK",
            Errno::Nomem => "ENOMEM",
            Errno::Nomsg => "ENOMSG",
            Errno::Noprotoopt => "ENOPROTOOPT",
            Errno::Nospc => "ENOSPC",
            Errno::Nosys => "ENOSYS",
            Errno::Notconn => "ENOTCONN",
            Errno::Notdir => "ENOTDIR",
            Errno::Notempty => "ENOTEMPTY",
            Errno::Notrecoverable => "ENOTRECOVERABLE",
            Errno::Notsock => "ENOTSOCK",
            Errno::Notsup => "ENOTSUP",
            Errno::Notty => "ENOTTY",
            Errno::Nxio => "ENXIO",
            Errno::Overflow => "EOVERFLOW",
            Errno::Ownerdead => "EOWNERDEAD",
            Errno::Perm => "EPERM",
            Errno::Pipe => "EPIPE",
            Errno::Proto => "EPROTO",
            Errno::Protonosupport => "EPROTONOSUPPORT",
            Errno::Prototype => "EPROTOTYPE",
            Errno::Range => "ERANGE",
            Errno::Rofs => "EROFS",
            Errno::Spipe => "ESPIPE",
            Errno::Srch => "ESRCH",
            Errno::Stale => "ESTALE",
            Errno::Timedout => "ETIMEDOUT",
            Errno::Txtbsy => "ETXTBSY",
            Errno::Xdev => "EXDEV",
            Errno::Notcapable => "ENOTCAPABLE",
        }
    }

    /// A one-line description.
    pub fn description(self) -> &'static str {
        match self {
            Errno::Success => "No error occurred",
            Errno::TooBig => "Argument list too long",
            Errno::Acces => "Permission denied",
            Errno::Addrinuse => "Address in use",
            Errno::Addrnotavail => "Address not available",
            Errno::Afnosupport => "Address family not supported",
            Errno::Again => "Resource unavailable, or operation would block",
            Errno::Already => "Connection already in progress",
            Errno::Badf => "Bad file descriptor",
            Errno::Badmsg => "Bad message",
            Errno::Busy => "Device or resource busy",
            Errno::Canceled => "Operation canceled",
            Errno::Child => "No child processes",
            Errno::Connaborted => "Connection aborted",
            Errno::Connrefused => "Connection refused",
            Errno::Connreset => "Connection reset",
            Errno::Deadlk => "Resource deadlock would occur",
            Errno::Destaddrreq => "Destination address required",
            Errno::Dom => "Mathematics argument out of domain of function",
            Errno::Dquot => "Reserved (disk quota exceeded)",
            Errno::Exist => "File exists",
            Errno::Fault => "Bad address",
            Errno::Fbig => "File too large",
            Errno::Hostunreach => "Host is unreachable",
            Errno::Idrm => "Identifier removed",
            Errno::Ilseq => "Illegal byte sequence",
            Errno::Inprogress => "Operation in progress",
            Errno::Intr => "Interrupted function",
            Errno::Inval => "Invalid argument",
            Errno::Io => "I/O error",
            Errno::Isconn => "Socket is connected",
            Errno::Isdir => "Is a directory",
            Errno::Loop => "Too many levels of symbolic links",
            Errno::Mfile => "File descriptor value too large",
            Errno::Mlink => "Too many links",
            Errno::Msgsize => "Message too large",
            Errno::Multihop => "Reserved (multihop attempted)",
            Errno::Nametoolong => "Filename too long",
            Errno::Netdown => "Network is down",
            Errno::Netreset => "Connection aborted by network",
            Errno::Netunreach => "Network unreachable",
            Errno::Nfile => "Too many files open in system",
            Errno::Nobufs => "No buffer space available",
            Errno::Nodev => "No such device",
            Errno::Noent => "No such file or directory",
            Errno::Noexec => "Executable file format error",
            Errno::Nolck => "No locks available",
            Errno::Nolink => "Reserved (link has been severed)",
            Errno::Nomem => "Not enough space",
            Errno::Nomsg => "No message of the desired type",
            Errno::Noprotoopt => "Protocol not available",
            Errno::Nospc => "No space left on device",
            Errno::Nosys => "Function not supported",
            Errno::Notconn => "The socket is not connected",
            Errno::Notdir => "Not a directory or a symbolic link to a directory",
            Errno::Notempty => "Directory not empty",
            Errno::Notrecoverable => "State not recoverable",
            Errno::Notsock => "Not a socket",
            Errno::Notsup => "Not supported, or operation not supported on socket",
            Errno::Notty => "Inappropriate I/O control operation",
            Errno::Nxio => "No such device or address",
            Errno::Overflow => "Value too large to be stored in data type",
            Errno::Ownerdead => "Previous owner died",
            Errno::Perm => "Operation not permitted",
            Errno::Pipe => "Broken pipe",
            Errno::Proto => "Protocol error",
            Errno::Protonosupport => "Protocol not supported",
            Errno::Prototype => "Protocol wrong type for socket",
            Errno::Range => "Result too large",
            Errno::Rofs => "Read-only file system",
            Errno::Spipe => "Invalid seek",
            Errno::Srch => "No such process",
            Errno::Stale => "Reserved (stale file handle)",
            Errno::Timedout => "Connection timed out",
            Errno::Txtbsy => "Text file busy",
            Errno::Xdev => "Cross-device link",
            Errno::Notcapable => "Extension: capabilities insufficient",
        }
    }

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

/// `$signal` (`u8`): the numbers `proc_raise` takes.
pub mod signal {
    pub const NONE: u8 = 0;
    pub const HUP: u8 = 1;
    pub const INT: u8 = 2;
    pub const QUIT: u8 = 3;
    pub const ILL: u8 = 4;
    pub const TRAP: u8 = 5;
    pub const ABRT: u8 = 6;
    pub const BUS: u8 = 7;
    pub const FPE: u8 = 8;
    pub const KILL: u8 = 9;
    pub const USR1: u8 = 10;
    pub const SEGV: u8 = 11;
    pub const USR2: u8 = 12;
    pub const PIPE: u8 = 13;
    pub const ALRM: u8 = 14;
    pub const TERM: u8 = 15;
    pub const CHLD: u8 = 16;
    pub const CONT: u8 = 17;
    pub const STOP: u8 = 18;
    pub const TSTP: u8 = 19;
    pub const TTIN: u8 = 20;
    pub const TTOU: u8 = 21;
    pub const URG: u8 = 22;
    pub const XCPU: u8 = 23;
    pub const XFSZ: u8 = 24;
    pub const VTALRM: u8 = 25;
    pub const PROF: u8 = 26;
    pub const WINCH: u8 = 27;
    pub const POLL: u8 = 28;
    pub const PWR: u8 = 29;
    pub const SYS: u8 = 30;

    /// The POSIX name of a signal number.
    pub fn name(sig: u8) -> &'static str {
        const NAMES: [&str; 31] = [
            "none",
            "SIGHUP",
            "SIGINT",
            "SIGQUIT",
            "SIGILL",
            "SIGTRAP",
            "SIGABRT",
            "SIGBUS",
            "SIGFPE",
            "SIGKILL",
            "SIGUSR1",
            "SIGSEGV",
            "SIGUSR2",
            "SIGPIPE",
            "SIGALRM",
            "SIGTERM",
            "SIGCHLD",
            "SIGCONT",
            "SIGSTOP",
            "SIGTSTP",
            "SIGTTIN",
            "SIGTTOU",
            "SIGURG",
            "SIGXCPU",
            "SIGXFSZ",
            "SIGVTALRM",
            "SIGPROF",
            "SIGWINCH",
            "SIGPOLL",
            "SIGPWR",
            "SIGSYS",
        ];
        NAMES
            .get(usize::from(sig))
            .copied()
            .unwrap_or("unknown signal")
    }
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
