# Sourced by scripts/up.sh and scripts/test.sh: one supported Node for everything they start.
# Herald supports Node >= 22 (CI runs 24). npm runs scripts with `node` from PATH, which need not be
# the Node running npm (`/opt/node24/bin/npm test` with an older node first on PATH): then the Node
# that runs npm (npm_node_execpath) goes first on PATH, so the build, the CLI and every process they
# start (process.execPath, or `node` from PATH) use it. With no supported Node at all, a warning
# says how to run with Node 24 from the npm registry.
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major node)" -lt 22 ] && [ -x "${npm_node_execpath:-}" ] &&
  [ "$(node_major "$npm_node_execpath")" -ge 22 ]; then
  PATH="$(dirname "$npm_node_execpath"):$PATH"
  export PATH
  hash -r
fi
if [ "$(node_major node)" -lt 22 ]; then
  case "${npm_lifecycle_event:-test}" in
    test) npm_command='npm test' ;;
    *) npm_command="npm run $npm_lifecycle_event" ;;
  esac
  echo "warning: Node $(node --version) is older than Herald's supported Node 22+ (CI runs Node 24);" \
    "run it with Node 24 from the npm registry: npx -p node@24 $npm_command" >&2
fi
