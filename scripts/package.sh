#!/usr/bin/env bash
# Builds the Debian package dist/ccload_VERSION_amd64.deb with CPack: /usr/bin/ccload, /usr/bin/pyload
# (a link), the manual page ccload(1) and bash completion. Dependencies come from dpkg-shlibdeps.
# Release build, -Werror, without SSE4.2 (CMakeLists.txt), into ./build-package.
#
#   scripts/package.sh           build the package
#   scripts/package.sh --check   build it, then install it into a fresh Debian 12 root (debootstrap
#                                minbase, like /work/shared/tools/fresh-debian; needs root and
#                                the Debian mirror this machine's apt uses, scripts/apt-mirror.sh)
#                                and run `ccload --version`, `man -w ccload` and a short run
#                                against `ccload serve` there
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: scripts/package.sh [--check]" >&2; exit 2 ;;
esac

scripts/install-deps.sh dpkg-dev file
cmake -S . -B build-package -G Ninja -DCMAKE_BUILD_TYPE=Release -DCCLOAD_WERROR=ON \
  -DBUILD_TESTING=OFF >/dev/null
cmake --build build-package -j "$(nproc)"
mkdir -p dist
(cd build-package && cpack -G DEB -B "$PWD/../dist" >/dev/null)
rm -rf dist/_CPack_Packages
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' build-package/CMakeCache.txt)
deb=dist/ccload_${version}_$(dpkg --print-architecture).deb
[ -s "$deb" ] || { echo "package: $deb was not built" >&2; exit 1; }
echo "package: $deb"
dpkg-deb --field "$deb" Package Version Depends
dpkg-deb --contents "$deb" | awk '{print $6, $7, $8}'
[ "$check" = 1 ] || exit 0

# --- the check: a fresh Debian 12 root, the package installed with apt, three commands run.
[ "$(id -u)" -eq 0 ] || { echo "package --check: needs root (chroot, mount)" >&2; exit 1; }
command -v debootstrap >/dev/null || scripts/install-deps.sh debootstrap
# A minimal bookworm root, made once and kept as a tar (the same file fresh-debian uses); made in
# a private directory and moved into place, so two scripts making it at once do not collide.
base=/tmp/fresh/bookworm-minbase.tar
if [ ! -s "$base" ]; then
  mkdir -p /tmp/fresh
  mirror=$(scripts/apt-mirror.sh bookworm)   # this machine's own apt sources name it
  making=$(mktemp -d /tmp/fresh/base.XXXXXX)
  debootstrap --variant=minbase bookworm "$making/root" "$mirror" >"$making/debootstrap.log"
  tar -C "$making/root" -cf "$making/base.tar" . && mv -n "$making/base.tar" "$base"
  rm -rf "$making"
fi
root=$(mktemp -d /tmp/fresh/package-check.XXXXXX)
mounted=()
cleanup() {
  for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$base"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
mnt() { mount "$@"; mounted=("${@: -1}" "${mounted[@]}"); }
mnt -t proc proc "$root/proc"
mnt -t sysfs sys "$root/sys"
mnt --bind /dev "$root/dev"
mnt -t devpts devpts "$root/dev/pts" -o newinstance,ptmxmode=0666
chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  bash -euo pipefail -c '
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends man-db "/tmp/'"$(basename "$deb")"'" >/dev/null
    echo "\$ ccload --version"; ccload --version
    echo "\$ pyload --version"; pyload --version
    echo "\$ man -w ccload"; man -w ccload
    test -f /usr/share/bash-completion/completions/ccload
    cd /tmp
    ccload serve --port 0 >serve.log 2>&1 &
    server=$!
    for _ in $(seq 100); do grep -q "^listening on " serve.log && break; sleep 0.05; done
    url=$(sed -n "s/^listening on //p" serve.log)
    echo "\$ ccload -u $url/get -n 200 -c 4 -GET"
    ccload -u "$url/get" -n 200 -c 4 -GET | sed -n "/Load Test Results/,/Failed Requests/p"
    kill "$server"; wait "$server" || true
    echo "\$ ccload -history"; ccload -history --limit 1
  '
echo "package --check: passed"
