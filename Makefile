# Every target first creates .venv and installs the project when needed
# (see tasks.py, which also works without make).
PYTHON ?= python3

.PHONY: reports test check bench env
reports:
	$(PYTHON) tasks.py reports
test:
	$(PYTHON) tasks.py test
check:
	$(PYTHON) tasks.py check
bench:
	$(PYTHON) tasks.py bench
env:
	$(PYTHON) tasks.py env
