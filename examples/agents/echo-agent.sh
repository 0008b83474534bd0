#!/bin/sh
# The echo agent's work, for a remote agent loop:
#   ainur agent register --manifest examples/agents/echo-agent.manifest.json --key agent.json
#   ainur agent run --key agent.json --exec examples/agents/echo-agent.sh
# Each task's input JSON arrives on stdin; what this prints on stdout is the output (it must be JSON). Any command in
# any language works the same way: a non-zero exit, or output that is not JSON, reports the attempt as failed.
exec cat
