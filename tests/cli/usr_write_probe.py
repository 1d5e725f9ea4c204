# A pipeline's Python that tries to change the guest /usr, whose files later runs trust (issue #16):
# given a file, it appends a line that would stop every later run; given a folder, it adds a module.
# Every runner must refuse both (OSError). Used by tests/cli/check_cli_failures.py (the CLIs) and
# web/test/browser.test.mjs (the page).
class Probe:
    def process(self, path):
        try:
            if path.endswith("/"):
                open(path + "new.py", "w").close()
            else:
                with open(path, "a") as f:
                    f.write("\nraise SystemExit('changed by a pipeline')\n")
            return "written"
        except OSError as e:
            return type(e).__name__
