# ipdrift — plain Makefile with -MMD dependency files.
#   make            build ./ipdrift
#   make test       everything: unit, pcap golden, fuzz corpus replay, ASan+UBSan, lab
#   make asan       sanitizer build of the unit and pcap tests, and run them
#   make fuzz       libFuzzer targets (clang) in build/fuzz/
#   make bench      benchmarks (need root: they build lab namespaces)
#   make demo       install deps, build, bring the demo network up, run the pipeline
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
DESTDIR ?=
BUILD   ?= build
CC      ?= gcc

PKGS := libpcap libcares sqlite3 libmaxminddb libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
# Debian 12's libnet1-dev ships libnet-config, not a .pc file.
LIBNET_CFLAGS := $(shell pkg-config --cflags libnet 2>/dev/null || libnet-config --cflags 2>/dev/null)
LIBNET_LIBS   := $(shell pkg-config --libs libnet 2>/dev/null || libnet-config --libs 2>/dev/null || echo -lnet)
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat-security -Wwrite-strings -Wformat=2 -Wno-format-nonliteral
ifneq ($(CI),)
WERROR ?= 1
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

OPT ?= -O2 -g
# Link-time optimisation for the ipdrift binary: `listen -r` spends ~10% of
# its decoding time in calls between modules (read-ahead -> capture ->
# parser -> sink) that only LTO can inline. Objects are fat (IR and code),
# so tests and tools link them normally, without an LTO pass each. gcc only
# (clang has no fat LTO objects): `make CC=clang` builds without it.
LTO ?= $(if $(findstring clang,$(CC)),,-flto=auto)
ifeq ($(SANITIZE),1)
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LTO :=
endif
LTO_CFLAGS := $(if $(LTO),$(LTO) -ffat-lto-objects)

CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -MMD -MP $(PKG_CFLAGS) $(LIBNET_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(OPT) $(LDFLAGS)
LIBS_ALL = $(PKG_LIBS) $(LIBNET_LIBS) -lcap -lm $(LIBS)

LIB_SRCS := $(wildcard common/*.c db/*.c scanner/*.c reconcile/*.c report/*.c) \
	$(filter-out app/main.c,$(wildcard app/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIBA     := $(BUILD)/libipdrift.a

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz-replay/%)

.PHONY: all test unit asan fuzz fuzz-replay bench demo install clean tools
all: ipdrift

ipdrift: $(BUILD)/ipdrift
	@cp $< $@

$(BUILD)/ipdrift: $(BUILD)/app/main.o $(LIBA)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) $(LTO) -o $@ $^ $(LIBS_ALL)

$(LIBA): $(LIB_OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS_ALL) $(LTO_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBA)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS_ALL) $(CMOCKA_CFLAGS) -o $@ $< $(LIBA) $(CMOCKA_LIBS) $(LIBS_ALL)

$(BUILD)/tools/%: tests/tools/%.c $(LIBA)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $< $(LIBA) $(LIBS_ALL)

# Corpus replay: the fuzz targets linked with a plain main() (no libFuzzer needed).
$(BUILD)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(LIBA)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $< tests/fuzz/replay_main.c $(LIBA) $(LIBS_ALL)

unit: $(UNIT_BINS)
tools: $(TOOL_BINS)
fuzz-replay: $(FUZZ_REPLAY)

test: all unit tools fuzz-replay
	$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=1 build/asan/ipdrift unit tools fuzz-replay
	@scripts/run-tests.sh

asan:
	$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=1 build/asan/ipdrift unit tools fuzz-replay
	@SUITES="unit pcap fuzz shared" BUILD=build/asan scripts/run-tests.sh

# libFuzzer builds (clang). Corpus lives in tests/fuzz/corpus/<target>/.
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) $(LIBNET_CFLAGS)
fuzz:
	@mkdir -p build/fuzz
	@set -e; for f in $(FUZZ_SRCS); do n=$$(basename $$f .c); \
	  echo "  FUZZ $$n"; \
	  clang $(FUZZ_CFLAGS) -o build/fuzz/$$n $$f $(LIB_SRCS) $(PKG_LIBS) $(LIBNET_LIBS) -lcap -lm; done
	@echo "run: build/fuzz/NAME tests/fuzz/corpus/NAME -max_total_time=60"

bench: all tools
	scripts/bench.sh

demo:
	scripts/install-deps.sh
	$(MAKE) --no-print-directory all
	scripts/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 0755 ipdrift $(DESTDIR)$(PREFIX)/bin/ipdrift
	@if [ -d man ]; then for m in man/*.8; do [ -f "$$m" ] && install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man8/; done; \
	  for m in man/*.5; do [ -f "$$m" ] && install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man5/; done; true; fi
	@# The unit's ExecStart names /usr/local/bin: follow PREFIX.
	@if [ -d scripts/systemd ]; then install -d $(DESTDIR)$(UNITDIR) && \
	  for u in scripts/systemd/*.service scripts/systemd/*.timer; do \
	    sed 's|/usr/local/bin/ipdrift|$(PREFIX)/bin/ipdrift|g' $$u >$(DESTDIR)$(UNITDIR)/$$(basename $$u) && \
	    chmod 0644 $(DESTDIR)$(UNITDIR)/$$(basename $$u) || exit 1; done; fi
	@# The service's user, through sysusers.d (created now when installing for real).
	@if [ -f scripts/systemd/ipdrift.sysusers ]; then install -d $(DESTDIR)$(SYSUSERSDIR) && \
	  install -m 0644 scripts/systemd/ipdrift.sysusers $(DESTDIR)$(SYSUSERSDIR)/ipdrift.conf && \
	  if [ "$$(id -u)" = 0 ] && [ -z "$(DESTDIR)" ] && command -v systemd-sysusers >/dev/null; then \
	    systemd-sysusers $(SYSUSERSDIR)/ipdrift.conf; fi; fi
	@if [ -f scripts/cron.example ]; then install -d $(DESTDIR)$(PREFIX)/share/doc/ipdrift && \
	  install -m 0644 scripts/cron.example $(DESTDIR)$(PREFIX)/share/doc/ipdrift/cron.example; fi
	@if [ -f scripts/ipdrift.conf.example ]; then install -d $(DESTDIR)/etc/ipdrift && \
	  install -m 0644 scripts/ipdrift.conf.example $(DESTDIR)/etc/ipdrift/ipdrift.conf.example; fi
	@if [ "$$(id -u)" = 0 ] && [ -z "$(DESTDIR)" ]; then \
	  setcap cap_net_raw+p $(PREFIX)/bin/ipdrift && echo "setcap cap_net_raw+p $(PREFIX)/bin/ipdrift"; \
	else echo "as root, run: setcap cap_net_raw+p $(PREFIX)/bin/ipdrift"; fi

clean:
	rm -rf build ipdrift

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
