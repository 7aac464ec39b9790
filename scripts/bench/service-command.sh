# Sourced by the benchmark scripts. service_command ROOT SERVICE prints the
# command `npm run start:SERVICE` runs, with the entry as an absolute path
# (serviceNodeArgs, scripts/launch/service-process.ts): package.json's start
# scripts hold the node flags the images run with, and the benchmarks measure
# the services as they are deployed.
service_command() {
  (cd "$1" && node --import tsx -e '
    const { serviceNodeArgs } = require("./scripts/launch/service-process");
    console.log(["node", ...serviceNodeArgs(process.argv[1])].join(" "));
  ' "$2")
}
