#!/usr/bin/env bash
# Install everything POW Bureau needs on a fresh Debian machine, idempotently:
# system packages (ICU headers for PyICU, the Nanum CJK font for Hangul on capture cards, Chromium for the
# browser tests, poppler for PDF checks, Java for Spark), then a virtualenv in .venv with the pinned packages.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v pkg-config >/dev/null || need+=(pkg-config)
dpkg -s libicu-dev >/dev/null 2>&1 || need+=(libicu-dev)
dpkg -s fonts-nanum >/dev/null 2>&1 || need+=(fonts-nanum)
command -v chromium >/dev/null || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v java >/dev/null || need+=(default-jre-headless)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing system packages: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages first (as root): ${need[*]}" >&2
    exit 1
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages into .venv (PyICU compiles from source: about 2 minutes the first time)"
  log=.venv/install.log
  if ! { .venv/bin/pip install --upgrade pip wheel setuptools && .venv/bin/pip install -e '.[dev,spark]'; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "setup: pip install failed; the whole log is in $log" >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi
