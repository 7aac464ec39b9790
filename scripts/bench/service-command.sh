# Sourced by the benchmark scripts. service_command ROOT SERVICE prints the
# command `npm run start:SERVICE` runs, with the entry as an absolute path:
# package.json's start scripts hold the node flags the images run with, and
# the benchmarks measure the services as they are deployed.
service_command() {
  node -e '
    const [root, service] = process.argv.slice(1);
    const script = require(root + "/package.json").scripts["start:" + service];
    const entry = "dist/apps/" + service + "/server.js";
    if (!new RegExp("^node( --\\S+)* " + entry.replace(/[./]/g, "\\$&") + "$").test(script ?? "")) {
      console.error("package.json script start:" + service + " must be \"node [--flag ...] " + entry + "\", got " + JSON.stringify(script));
      process.exit(1);
    }
    console.log(script.replace(" " + entry, " " + root + "/" + entry));
  ' "$1" "$2"
}
