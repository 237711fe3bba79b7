#!/usr/bin/env bash
# Gather a distroless Python root file system into $1 from the packages installed in this stage:
# package files without docs, manuals, translations or gconv modules, then users, groups and folders.
# Trimmed further than Debian's packages, keeping a working general Python (see TRIMMED below).
set -euo pipefail
root=$1
packages=(
  libc6 libgcc-s1 libstdc++6 libssl3 zlib1g libexpat1 libffi8 libbz2-1.0 liblzma5 libsqlite3-0
  libncursesw6 libtinfo6 libreadline8 libuuid1 libcrypt1 libgdbm6 libmpdec3 media-types tzdata netbase
  python3.11-minimal libpython3.11-minimal libpython3.11-stdlib
)
mkdir -p "$root/usr/bin" "$root/usr/lib" "$root/usr/lib64" "$root/usr/sbin" "$root/etc/ssl/certs"
for dir in bin lib lib64 sbin; do ln -s "usr/$dir" "$root/$dir"; done

# TRIMMED: the standard library's own tests and test extensions, pydoc's 750 kB topic index (help() on
# keywords only), Tk's turtle, the deprecated nis and ndbm modules (and with them Kerberos, libtirpc and
# Berkeley DB: dbm falls back to dbm.dumb), glibc's debugging and profiling libraries and vector math
# (libmvec: used by code compiled for it, not by Python), the leap-second "right/" time zones; and dead
# weight no Python module loads: libstdc++'s gdb helpers, the wide-character libexpatw, glibc's old
# libnsl.so.1, ncurses' form, menu and tic libraries, readline's libhistory, OpenSSL's engines and legacy
# provider (loaded only when an openssl.cnf names them, and there is none), and _pydecimal (decimal's
# pure-Python fallback, unused when the C _decimal is there).
TRIMMED='/python3\.11/(test|pydoc_data|idlelib|tkinter|turtledemo|__phello__)/'
TRIMMED+='|/python3\.11/(turtle|__hello__|_pydecimal)\.py$|^/usr/share/gcc/|/libexpatw\.|/libnsl\.so\.1$'
TRIMMED+='|/lib-dynload/(_test|_xxtest|xx|_ctypes_test|nis|_dbm)[^/]*\.so$'
TRIMMED+='|/lib(mvec|c_malloc_debug|memusage|pcprofile|thread_db|BrokenLocale|nss_hesiod)[.-]'
TRIMMED+='|/usr/share/zoneinfo/right/|/engines-3/|/ossl-modules/|/lib(formw|menuw|tic|history)\.so'

# Every regular file and symlink of those packages that are installed here (some are only pulled in by
# other Python builds), with its folder resolved through the merged /usr.
installed=()
for package in "${packages[@]}"; do
  if dpkg-query -W "$package" >/dev/null 2>&1; then installed+=("$package"); fi
done
dpkg -L "${installed[@]}" | while read -r path; do
  if [ -d "$path" ] && [ ! -L "$path" ]; then continue; fi
  [ -e "$path" ] || [ -L "$path" ] || continue
  folder=$(readlink -f "$(dirname "$path")")
  printf '%s/%s\n' "${folder%/}" "$(basename "$path")"
done | grep -Ev '^/usr/share/(doc|man|info|lintian|locale|bug|binfmts|python3/debian_defaults)/|/gconv/' \
  | grep -Ev "$TRIMMED" \
  | sort -u | tar -C / --no-recursion -cf - -T - | tar -C "$root" -xf -

# What Python reaches for outside its packages: the CA bundle, a C.UTF-8 locale, /usr/bin/python3.
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
ln -sf python3.11 "$root/usr/bin/python3"
cat >"$root/etc/passwd" <<'USERS'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
USERS
cat >"$root/etc/group" <<'GROUPS'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
GROUPS
cp /etc/os-release "$root/etc/os-release" 2>/dev/null || cp /usr/lib/os-release "$root/etc/os-release"
install -d -m 1777 "$root/tmp"
install -d -m 700 "$root/root"
install -d -m 700 -o 65532 -g 65532 "$root/home/nonroot"

# The result must be a working Python with its C extensions, and must hold no shell.
chroot "$root" /usr/bin/python3 -I -B -c \
  'import ssl, sqlite3, ctypes, lzma, bz2, zlib, hashlib, decimal, uuid, json, zoneinfo, readline, dbm, curses.panel
zoneinfo.ZoneInfo("Europe/Paris"); ssl.create_default_context(); import tempfile
with tempfile.TemporaryDirectory() as work: dbm.open(work + "/check", "c").close()'
for shell in sh bash dash; do
  if [ -e "$root/usr/bin/$shell" ]; then echo "collect.sh: $shell must not be in the image" >&2; exit 1; fi
done
