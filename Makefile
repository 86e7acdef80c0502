# capplan: capacity planning from Prometheus history.
#
#   make                 build bin/capplan-*
#   make check           install missing packages, then unit tests and integration
#                        tests against a private PostgreSQL and a real Prometheus
#                        (started and stopped here)
#   make demo            install, build, and run the pipeline on generated history
#   make SANITIZE=address,undefined check    the same under ASan + UBSan (= make asan-check)
#   make valgrind-check  the unit tests and every program run of the
#                        integration tests under valgrind memcheck
#   make install PREFIX=/usr/local DESTDIR=
#   make bench           ingest benchmark against psql \copy
#   make V=1             show the commands

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SHAREDIR ?= $(PREFIX)/share/capplan
MANDIR ?= $(PREFIX)/share/man

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libpq libcurl yajl gsl yaml-0.1 cairo pangocairo xlsxwriter

# Messages are cut to their buffers on purpose: -Wno-format-truncation.
WARNINGS := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wvla \
	-Wwrite-strings -Wformat=2 -Wshadow -Wpointer-arith -Wcast-qual -Wundef \
	-Wno-format-truncation
CFLAGS ?= -O2 -g
# The libraries' headers as system headers: our warnings are for our code, not for glib's.
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARNINGS) $(CFLAGS) \
	-Ilib $(patsubst -I%,-isystem %,$(shell $(PKG_CONFIG) --cflags $(PKGS)))
LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS)) -lcsv -lm -pthread
TEST_LIBS := -lcunit

# A sanitized build lives apart (objects and binaries), so switching back and
# forth never mixes the two.
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
BUILD := build/san
OUT := build/san/bin
else
BUILD := build/opt
OUT := bin
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC := $(sort $(wildcard lib/*.c lib/*/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/migrations.o
LIB_A := $(BUILD)/libcapplan.a
PROGRAMS := capplan-ingest capplan-model capplan-render
BINS := $(PROGRAMS:%=$(OUT)/%)
SQL := $(sort $(wildcard sql/[0-9]*.sql))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
INTEG_SRC := $(sort $(wildcard tests/integration/*.c))

.PHONY: all deps check tests unit-check integration-check valgrind-check asan asan-check \
	install uninstall clean bench lint demo

all: $(BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The migrations are compiled into the library, so an installed binary needs no files.
$(BUILD)/gen/migrations.c: $(SQL) scripts/embed-sql
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)sh scripts/embed-sql $(SQL) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/migrations.o: $(BUILD)/gen/migrations.c
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/%: $(BUILD)/cmd/%.o $(LIB_A)
	@mkdir -p $(OUT)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIB_A) $(LIBS)

$(BUILD)/tests/unit-tests: $(UNIT_SRC:%.c=$(BUILD)/%.o) $(LIB_A)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_A) $(LIBS) $(TEST_LIBS)

$(BUILD)/tests/integration-tests: $(INTEG_SRC:%.c=$(BUILD)/%.o) $(LIB_A)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_A) $(LIBS) $(TEST_LIBS)

# check and demo work on a fresh machine: packages first, then a make that can see them.
deps:
	$(Q)scripts/install-deps

check: deps
	$(Q)$(MAKE) --no-print-directory tests

tests: unit-check integration-check lint

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo

unit-check: $(BUILD)/tests/unit-tests
	$(Q)cd tests && ../$(BUILD)/tests/unit-tests

integration-check: $(BINS) $(BUILD)/tests/integration-tests
	$(Q)CAPPLAN_BIN_DIR=$(OUT) tests/run-integration $(BUILD)/tests/integration-tests

# memcheck over the unit tests, and over every capplan-ingest and capplan-model the
# integration tests run
VALGRIND := valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	--suppressions=$(CURDIR)/tests/valgrind.supp

valgrind-check: $(BINS) $(BUILD)/tests/unit-tests $(BUILD)/tests/integration-tests
	$(Q)cd tests && $(VALGRIND) ../$(BUILD)/tests/unit-tests
	$(Q)CAPPLAN_TEST_VALGRIND=1 CAPPLAN_BIN_DIR=$(OUT) tests/run-integration $(BUILD)/tests/integration-tests

asan:
	$(MAKE) SANITIZE=address,undefined all

asan-check:
	$(MAKE) SANITIZE=address,undefined check

# The shell scripts: what scripts/ holds but the Python beside them (bench-*.py; the fixture
# generators are in scripts/model-fixtures/).
SHELL_SCRIPTS := $(shell find scripts -maxdepth 1 -type f ! -name '*.py') tests/run-integration .ci/run

lint:
	$(Q)shellcheck $(SHELL_SCRIPTS) && echo "shellcheck: scripts clean"

bench: $(BINS)
	$(Q)scripts/bench-ingest

# The drivers live in SHAREDIR/scripts beside what they source, linked from BINDIR.
DRIVERS := quarterly-review monthly-checkin weekly-check

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(SHAREDIR)/scripts
	install -m 755 $(PROGRAMS:%=bin/%) $(DESTDIR)$(BINDIR)
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(DRIVERS:%=scripts/%) $(DESTDIR)$(SHAREDIR)/scripts
	install -m 644 scripts/driver-common.bash $(DESTDIR)$(SHAREDIR)/scripts
	for d in $(DRIVERS); do ln -sf $(SHAREDIR)/scripts/$$d $(DESTDIR)$(BINDIR)/$$d; done

uninstall:
	rm -f $(PROGRAMS:%=$(DESTDIR)$(BINDIR)/%) $(DRIVERS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(PROGRAMS:%=$(DESTDIR)$(MANDIR)/man1/%.1) $(DESTDIR)$(MANDIR)/man1/quarterly-review.1
	rm -rf $(DESTDIR)$(SHAREDIR)/scripts

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)

# Keep intermediate objects (make would delete cmd/*.o after linking).
.SECONDARY:
