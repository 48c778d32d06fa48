##@ Python tools (pinned, in .venv)
# One virtual environment for every Python tool the checks use (hadolint now; more later), created
# from tools/python/requirements.txt and rebuilt from scratch (--clear) when that file's content
# differs from the copy kept in the stamp (content, not mtime: a checkout or rebase does not rebuild).
# A .venv that is a symlink (a worktree sharing another checkout's environment) is never rebuilt
# here: `venv --clear` would empty the shared one through the link, then fail.
PYTHON_REQUIREMENTS := tools/python/requirements.txt

TOOLS += $(VENV_STAMP)

# Phony on purpose, like the Go tools: the recipe itself decides whether to rebuild.
.PHONY: $(VENV_STAMP)
$(VENV_STAMP):
	@if [ -x $(VENV)/bin/python ] && cmp -s $(PYTHON_REQUIREMENTS) $@; then :; \
	elif [ -L $(VENV) ]; then \
	  echo "$(VENV) links to a shared environment built from other pins than $(PYTHON_REQUIREMENTS):" \
	    "rebuild it where it lives (venv --clear would empty it through the link)" >&2; exit 1; \
	else \
	  echo "creating $(VENV) with the pinned Python tools of $(PYTHON_REQUIREMENTS)"; \
	  python3 -m venv --clear $(VENV) && \
	  $(VENV)/bin/pip install --quiet --disable-pip-version-check --require-virtualenv -r $(PYTHON_REQUIREMENTS) && \
	  cp $(PYTHON_REQUIREMENTS) $@; fi

.PHONY: venv
venv: $(VENV_STAMP) ## Create .venv with the pinned Python tools (tools/python/requirements.txt)
