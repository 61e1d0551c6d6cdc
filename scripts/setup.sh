#!/usr/bin/env bash
# Install everything relief needs on a fresh Debian machine, idempotently.
#   scripts/setup.sh run    the app: Debian packages, .venv, npm packages, assets, model, database
#   scripts/setup.sh test   the same plus what the tests need (Chromium, dev packages)
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-run}"

# Debian packages: fonts for letters, pango for WeasyPrint, poppler for looking at PDFs,
# Chromium for the browser tests.
debs=(fonts-noto-cjk fonts-nanum libpango-1.0-0 libpangoft2-1.0-0 poppler-utils nodejs npm)
if [ "$purpose" = test ]; then debs+=(chromium); fi
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # Node.js may come from elsewhere than Debian; only insist on the package when absent.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
    read -r -a missing <<< "${missing[*]}"
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "relief needs these Debian packages: ${missing[*]}" >&2
    echo "Run as root (or ask an administrator to run):" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    echo "then run this command again." >&2
    exit 1
  fi
  echo "== installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$python" -m venv .venv
fi
reqs=requirements.txt
[ "$purpose" = test ] && reqs=requirements-dev.txt
stamp=".venv/.installed-$(sha256sum requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)-$purpose"
if [ ! -f "$stamp" ]; then
  echo "== installing Python packages ($reqs)"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r "$reqs"
  touch "$stamp"
fi

# The project's packages (relief, classifier, agencies) importable from any process the
# venv starts: gunicorn, celery workers, scripts.
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$PWD" > "$site/relief-project.pth"

if [ ! -d node_modules/krds-uiux ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "== building static assets"
.venv/bin/python -m relief.core.assets
echo "== building the letter font (Hangul subset of Pretendard GOV)"
.venv/bin/python -m relief.letters.fonts
echo "== compiling translations"
.venv/bin/pybabel compile -d relief/translations
echo "== router model (trained when missing or when fixtures, config or registry changed)"
.venv/bin/python -m classifier train --if-missing
