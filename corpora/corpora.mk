# corpora/corpora.mk: make rules that build training corpora from Debian
# packages (and one download) into $(abs_top_srcdir)/corpora/, a stable path
# for in-tree and out-of-tree builds alike. Included from Makefile.am; see
# corpora/README.md. Every file is written to FILE.tmp and renamed only when
# complete and checked, so a failed build leaves no partial corpus behind.
# The built texts are not ours: they are never committed (.gitignore).

CORPORA_DIR = $(abs_top_srcdir)/corpora
KJV_TXT = $(CORPORA_DIR)/kjv.txt
FORTUNES_TXT = $(CORPORA_DIR)/fortunes.txt
C_CODE_TXT = $(CORPORA_DIR)/c-code.txt
TINYSHAKESPEARE_TXT = $(CORPORA_DIR)/tinyshakespeare.txt
TINYSHAKESPEARE_URL = https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt
TINYSHAKESPEARE_SHA256 = 86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed

# `make corpora`: the default corpus. `make corpora-extra`: the others.
corpora: $(KJV_TXT)
corpora-extra: $(FORTUNES_TXT) $(C_CODE_TXT) $(TINYSHAKESPEARE_TXT)
corpora-clean:
	rm -f $(KJV_TXT) $(FORTUNES_TXT) $(C_CODE_TXT) $(TINYSHAKESPEARE_TXT)
	rm -f $(KJV_TXT).tmp $(FORTUNES_TXT).tmp $(C_CODE_TXT).tmp $(TINYSHAKESPEARE_TXT).tmp
.PHONY: corpora corpora-extra corpora-clean

# King James Bible (public domain), one verse per line, the "Ge1:1 "
# reference cut off: 31,102 lines, 4,137,850 bytes, 63 symbols.
$(KJV_TXT):
	@if ! command -v bible >/dev/null 2>&1; then \
	  echo "make corpora: the 'bible' program is missing; install it with:" >&2; \
	  echo "  sudo apt-get install bible-kjv bible-kjv-text" >&2; exit 1; fi
	@$(MKDIR_P) $(CORPORA_DIR)
	$(AM_V_GEN)bible -f Gen1:1-Rev22:21 </dev/null | cut -d' ' -f2- > $@.tmp
	@lines=`wc -l < $@.tmp`; \
	if test "$$lines" -lt 31000 || \
	   ! head -n 1 $@.tmp | grep -q '^In the beginning God created'; then \
	  rm -f $@.tmp; \
	  echo "make corpora: 'bible' printed $$lines lines, not the 31,102 verses;" >&2; \
	  echo "  is its text installed? sudo apt-get install bible-kjv-text" >&2; exit 1; fi
	@mv -f $@.tmp $@
	@echo "corpora: wrote $@ (`wc -c < $@` bytes)"

# Fortune cookies (fortune-mod collection), %-separated; the binary .dat
# indexes and .u8 links are skipped and BEL/backspace bytes dropped.
$(FORTUNES_TXT):
	@if ! dpkg -L fortunes fortunes-min >/dev/null 2>&1; then \
	  echo "make corpora-extra: the fortunes are missing; install them with:" >&2; \
	  echo "  sudo apt-get install fortunes fortunes-min" >&2; exit 1; fi
	@$(MKDIR_P) $(CORPORA_DIR)
	$(AM_V_GEN)cat $$(dpkg -L fortunes fortunes-min \
	    | grep -E '^/usr/share/games/fortunes/[^/]+$$' \
	    | grep -vE '\.(dat|u8)$$' | LC_ALL=C sort) \
	  | tr -d '\007\010' > $@.tmp
	@if ! test -s $@.tmp || ! iconv -f UTF-8 -t UTF-8 $@.tmp >/dev/null 2>&1; then \
	  rm -f $@.tmp; \
	  echo "make corpora-extra: $@: the fortunes came out empty or not UTF-8" >&2; \
	  exit 1; fi
	@mv -f $@.tmp $@
	@echo "corpora: wrote $@ (`wc -c < $@` bytes)"

# C code: the glibc headers, in a fixed order. A header that is not valid
# UTF-8 or holds a NUL byte is skipped with a note (none is, in glibc 2.36).
$(C_CODE_TXT):
	@if ! dpkg -L libc6-dev >/dev/null 2>&1; then \
	  echo "make corpora-extra: the C headers are missing; install them with:" >&2; \
	  echo "  sudo apt-get install libc6-dev" >&2; exit 1; fi
	@$(MKDIR_P) $(CORPORA_DIR)
	$(AM_V_GEN)for f in $$(dpkg -L libc6-dev | grep '\.h$$' | LC_ALL=C sort); do \
	  test -f "$$f" || continue; \
	  if iconv -f UTF-8 -t UTF-8 "$$f" >/dev/null 2>&1 && \
	     tr -d '\000' < "$$f" | cmp -s - "$$f"; then cat "$$f"; \
	  else echo "corpora: skipping $$f (not valid UTF-8 text)" >&2; fi; \
	done > $@.tmp
	@if ! test -s $@.tmp; then rm -f $@.tmp; \
	  echo "make corpora-extra: $@: no headers found in libc6-dev" >&2; exit 1; fi
	@mv -f $@.tmp $@
	@echo "corpora: wrote $@ (`wc -c < $@` bytes)"

# Tiny Shakespeare, the usual char-rnn benchmark (needs the network).
$(TINYSHAKESPEARE_TXT):
	@$(MKDIR_P) $(CORPORA_DIR)
	$(AM_V_GEN)rm -f $@.tmp; \
	if command -v curl >/dev/null 2>&1; then \
	  curl -fsSL --max-time 120 -o $@.tmp '$(TINYSHAKESPEARE_URL)'; \
	elif command -v wget >/dev/null 2>&1; then \
	  wget -q -T 120 -O $@.tmp '$(TINYSHAKESPEARE_URL)'; \
	else echo "neither curl nor wget is installed (sudo apt-get install curl)" >&2; false; \
	fi || { rm -f $@.tmp; \
	  echo "make corpora-extra: could not download $(TINYSHAKESPEARE_URL)" >&2; \
	  echo "  (offline?) Copy karpathy/char-rnn's data/tinyshakespeare/input.txt to $@ by hand." >&2; \
	  exit 1; }
	@if command -v sha256sum >/dev/null 2>&1 && \
	   ! echo "$(TINYSHAKESPEARE_SHA256)  $@.tmp" | sha256sum -c --status; then \
	  rm -f $@.tmp; \
	  echo "make corpora-extra: $(TINYSHAKESPEARE_URL) changed: sha256 is not $(TINYSHAKESPEARE_SHA256)" >&2; \
	  exit 1; fi
	@mv -f $@.tmp $@
	@echo "corpora: wrote $@ (`wc -c < $@` bytes)"
