# relief: `make run` serves the embedded default with demo data; `make test` passes the tests.
.PHONY: run test setup setup-test lint messages bench

run: setup
	.venv/bin/flask --app wsgi db upgrade
	.venv/bin/flask --app wsgi demo load
	.venv/bin/flask --app wsgi run --host 127.0.0.1 --port 5000

test: setup-test
	.venv/bin/ruff check .
	.venv/bin/python -m pytest -n 2 --dist loadgroup

setup:
	scripts/setup.sh run

setup-test:
	scripts/setup.sh test

lint:
	.venv/bin/ruff check .

# Re-extract translatable strings after changing templates or code.
messages:
	.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location -o relief/translations/messages.pot .
	.venv/bin/pybabel update --no-fuzzy-matching -i relief/translations/messages.pot -d relief/translations

bench:
	for b in bench/*.py; do .venv/bin/python $$b || exit 1; done
