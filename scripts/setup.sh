# scripts/setup.sh - sourced by demo.sh and test.sh: make sure a fresh
# Debian (bookworm) machine has everything wirecopy builds and tests with,
# then configure a meson build directory.
#
# Packages are installed with apt-get when missing (as root, or through
# sudo when available). Nothing else is downloaded.

WC_PACKAGES=(
    # build
    meson ninja-build pkg-config gcc libc6-dev
    # libraries wirecopy links
    libxml2-dev libcurl4-openssl-dev libxxhash-dev libsqlite3-dev zlib1g-dev
    libjansson-dev libutf8proc-dev libbrotli-dev libstemmer-dev
    # tests: unit framework, real HTTP server and clients, WARC writer, sqlite3 shell
    libcmocka-dev nginx-light wget curl python3 sqlite3 ca-certificates
    # tests: the zsh completion script is loaded by a real zsh
    zsh
    # the format check (tests/format.sh)
    clang-format
)

wc_missing_packages() {
    local p missing=()
    for p in "${WC_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    echo "${missing[@]}"
}

wc_install_packages() {
    local missing sudo=""
    missing=$(wc_missing_packages)
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo="sudo"
        else
            echo "wirecopy: these packages are missing and I am not root: $missing" >&2
            echo "wirecopy: run as root, or: apt-get install $missing" >&2
            return 1
        fi
    fi
    echo "wirecopy: installing $missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    $sudo apt-get install -y -q --no-install-recommends $missing </dev/null >/dev/null 2>&1 || {
        $sudo apt-get update -q </dev/null >/dev/null &&
            $sudo apt-get install -y -q --no-install-recommends $missing </dev/null
    }
}

# wc_configure DIR [meson options...]: set up (or reconfigure) a build directory.
wc_configure() {
    local dir=$1
    shift
    if [ -f "$dir/build.ninja" ]; then
        meson setup --reconfigure "$dir" "$@" >/dev/null
    else
        meson setup "$dir" "$@" >/dev/null
    fi
}
