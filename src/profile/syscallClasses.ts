// Linux system calls sorted into the classes the mapping works with (file,
// memory, process, network, time, other), and the names measured one by
// one. A name not listed is `other`. Names are strace's; perf's tracepoint
// names (newfstat, sendfile64, …) are normalized to them first.

/** The classes, in the order the profile reports them. */
export const SYSCALL_CLASSES = ['file', 'memory', 'process', 'network', 'time', 'other'] as const;
export type SyscallClass = (typeof SYSCALL_CLASSES)[number];

const NAMES: Record<Exclude<SyscallClass, 'other'>, readonly string[]> = {
  file: [
    'read', 'write', 'pread64', 'pwrite64', 'readv', 'writev', 'preadv', 'pwritev', 'preadv2', 'pwritev2', 'open', 'openat', 'openat2', 'creat',
    'close', 'close_range', 'stat', 'lstat', 'fstat', 'newfstatat', 'statx', 'statfs', 'fstatfs', 'lseek', 'getdents', 'getdents64', 'access',
    'faccessat', 'faccessat2', 'readlink', 'readlinkat', 'unlink', 'unlinkat', 'rename', 'renameat', 'renameat2', 'mkdir', 'mkdirat', 'rmdir',
    'link', 'linkat', 'symlink', 'symlinkat', 'chmod', 'fchmod', 'fchmodat', 'chown', 'fchown', 'fchownat', 'lchown', 'utimensat', 'truncate',
    'ftruncate', 'fsync', 'fdatasync', 'fcntl', 'ioctl', 'dup', 'dup2', 'dup3', 'pipe', 'pipe2', 'getcwd', 'chdir', 'fchdir', 'umask', 'flock',
    'fadvise64', 'copy_file_range', 'sendfile', 'splice', 'getxattr', 'lgetxattr', 'fgetxattr', 'listxattr', 'llistxattr', 'flistxattr',
  ],
  memory: ['mmap', 'munmap', 'mprotect', 'brk', 'mremap', 'madvise', 'msync', 'mincore', 'mlock', 'munlock'],
  process: [
    'clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'exit', 'exit_group', 'wait4', 'waitid', 'kill', 'tgkill', 'rt_sigaction',
    'rt_sigprocmask', 'rt_sigreturn', 'rt_sigsuspend', 'set_tid_address', 'set_robust_list', 'rseq', 'prlimit64', 'arch_prctl', 'getpid',
    'getppid', 'gettid', 'getuid', 'geteuid', 'getgid', 'getegid', 'setpgid', 'getpgrp', 'setsid', 'prctl', 'uname', 'sched_yield', 'sched_getaffinity',
  ],
  network: [
    'socket', 'socketpair', 'connect', 'accept', 'accept4', 'bind', 'listen', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'sendmmsg',
    'recvmmsg', 'shutdown', 'getsockopt', 'setsockopt', 'getsockname', 'getpeername',
  ],
  time: ['clock_gettime', 'clock_getres', 'gettimeofday', 'time', 'nanosleep', 'clock_nanosleep', 'times', 'alarm', 'setitimer', 'getitimer'],
};

/** Network calls that send data: each sends (at least) one frame through the NIC. */
export const SEND_CALLS: readonly string[] = ['sendto', 'sendmsg', 'sendmmsg'];

const CLASS_OF = new Map<string, SyscallClass>(
  (Object.entries(NAMES) as Array<[SyscallClass, readonly string[]]>).flatMap(([cls, names]) => names.map((n) => [n, cls] as const)),
);

/** The class of system call `name` (strace's spelling). */
export function syscallClass(name: string): SyscallClass {
  return CLASS_OF.get(name) ?? 'other';
}

/** perf tracepoint names that differ from strace's. */
const PERF_ALIASES: Readonly<Record<string, string>> = { newstat: 'stat', newlstat: 'lstat', newfstat: 'fstat', newuname: 'uname', sendfile64: 'sendfile' };

/** strace's name for the system call of tracepoint `syscalls:sys_enter_NAME`. */
export function normalizeSyscallName(tracepointName: string): string {
  return Object.hasOwn(PERF_ALIASES, tracepointName) ? PERF_ALIASES[tracepointName] : tracepointName; // own keys: a file's `constructor` is a name
}

/**
 * Calls perf counts one by one (tracepoint `syscalls:sys_enter_NAME`, perf's
 * spelling): the process-structure calls, the memory calls the PTE estimate
 * needs, the file calls that do real work, sends, sleeps and getppid (the
 * tests' known syscall). Opening a tracepoint costs perf tens of
 * milliseconds, so not all ~400 are counted; the rest are `other`
 * (raw_syscalls:sys_enter minus these).
 */
export const TRACED_SYSCALLS: readonly string[] = [
  'clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'exit_group', 'wait4', 'waitid',
  'mmap', 'munmap', 'mprotect', 'brk', 'mremap', 'madvise',
  'read', 'write', 'pread64', 'pwrite64', 'readv', 'writev', 'open', 'openat', 'close', 'newstat', 'newlstat', 'newfstat', 'newfstatat', 'statx',
  'getdents64', 'lseek', 'unlink', 'unlinkat', 'rename', 'renameat2', 'mkdir', 'mkdirat', 'access', 'faccessat2', 'readlink', 'readlinkat',
  'ioctl', 'fcntl', 'sendto', 'sendmsg', 'recvfrom', 'recvmsg', 'nanosleep', 'clock_nanosleep', 'clock_gettime', 'getppid', 'set_robust_list', 'rt_sigprocmask', 'rt_sigaction',
];
