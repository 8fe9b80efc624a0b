#!/bin/sh
# Stage a Docker build context for deploy/worker/Dockerfile or deploy/gateway/Dockerfile from a
# project made by `npx axon init` (docs/scale-out.md, "Kubernetes"):
#
#   deploy/stage-context.sh worker  PROJECT_DIR OUT_DIR   then  docker build -t IMAGE OUT_DIR
#   deploy/stage-context.sh gateway PROJECT_DIR OUT_DIR
#
# worker:  OUT_DIR/wheels/ <- PROJECT_DIR/node_modules/axon-agents/assets/python/*.whl
#          (run `npm install` in the project first), or the wheel named by AXON_WORKER_WHEEL
# gateway: OUT_DIR/axon-agents.tgz <- AXON_TARBALL, else `npm pack` of the project's installed
#          node_modules/axon-agents
# both:    OUT_DIR/app/ <- PROJECT_DIR without node_modules, .venv, .git, .axon, __pycache__
#          OUT_DIR/Dockerfile <- this directory's KIND/Dockerfile
# OUT_DIR must not exist yet, or be empty.
set -eu

usage() {
    echo "usage: $0 worker|gateway PROJECT_DIR OUT_DIR" >&2
    exit 2
}
[ "$#" -eq 3 ] || usage
kind=$1
project=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)
case "$kind" in worker | gateway) ;; *) usage ;; esac
[ -d "$project" ] || { echo "$0: no project directory $project" >&2; exit 1; }
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
    echo "$0: $out exists and is not empty" >&2
    exit 1
fi
mkdir -p "$out/app"

# The project's files, as `axon setup` sees them, without what is made from them.
tar -C "$project" \
    --exclude=./node_modules --exclude=./.venv --exclude=./.git --exclude=./.axon \
    --exclude=__pycache__ --exclude='*.pyc' -cf - . | tar -C "$out/app" -xf -
cp "$here/$kind/Dockerfile" "$out/Dockerfile"

if [ "$kind" = worker ]; then
    wheel=${AXON_WORKER_WHEEL:-}
    if [ -z "$wheel" ]; then
        for candidate in "$project"/node_modules/axon-agents/assets/python/axon_worker-*.whl; do
            wheel=$candidate
        done
    fi
    [ -f "$wheel" ] || {
        echo "$0: no worker wheel: run \`npm install\` in $project (it brings axon-agents), or set AXON_WORKER_WHEEL" >&2
        exit 1
    }
    mkdir -p "$out/wheels"
    cp "$wheel" "$out/wheels/"
    cp "$here/worker/project-requirements.py" "$out/project-requirements.py"
else
    if [ -n "${AXON_TARBALL:-}" ]; then
        cp "$AXON_TARBALL" "$out/axon-agents.tgz"
    else
        [ -d "$project/node_modules/axon-agents" ] || {
            echo "$0: no node_modules/axon-agents in $project: run \`npm install\` there, or set AXON_TARBALL" >&2
            exit 1
        }
        packed=$(cd "$out" && npm pack --silent "$(cd "$project" && pwd)/node_modules/axon-agents")
        mv "$out/$packed" "$out/axon-agents.tgz"
    fi
fi
echo "staged $kind build context in $out: docker build -t IMAGE $out"
