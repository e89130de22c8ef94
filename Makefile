# rbdwho — who still holds this RBD image open?
# `make` builds, `make check` installs what is missing and runs every test,
# `make demo` installs, builds and opens the browser on a local sandbox cluster.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share/rbdwho
DESTDIR  ?=
VERSION  := 0.1.0

CC       ?= cc
CXX      ?= c++
PKGS     := ncursesw libvirt libcurl json-c libxml-2.0 yaml-0.1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Wshadow -Wformat=2 -Wno-unused-parameter \
            -D_GNU_SOURCE -Iinclude $(PKG_CFLAGS) \
            -DRBDWHO_VERSION='"$(VERSION)"' -DRBDWHO_DATADIR='"$(DATADIR)"'
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++17 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE -Iinclude
LDLIBS   += $(PKG_LIBS) -lrbd -lrados -lpthread -lm

ifeq ($(SANITIZE),1)
  SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer
  CFLAGS   += $(SANFLAGS)
  CXXFLAGS += $(SANFLAGS)
  LDFLAGS  += $(SANFLAGS)
  BUILD    := build/san
  # ./rbdwho is the ASan build then: tests that cannot run it that way skip.
  export RBDWHO_SANITIZED := 1
else
  BUILD    := build/rel
endif

SRCS_C   := $(sort $(wildcard src/*.c src/*/*.c))
SRCS_CXX := $(sort $(wildcard src/*.cc src/*/*.cc))
OBJS     := $(SRCS_C:%.c=$(BUILD)/%.o) $(SRCS_CXX:%.cc=$(BUILD)/%.o)
LIBOBJS  := $(filter-out $(BUILD)/src/main.o,$(OBJS))
DEPS     := $(OBJS:.o=.d)

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

# Link with the C++ driver only when a C++ unit exists (the bulk watcher probe).
LINKER   := $(if $(SRCS_CXX),$(CXX),$(CC))
ifneq ($(SRCS_CXX),)
  LDLIBS += -lstdc++
endif

.PHONY: all deps check unit integration ssh-tests infra ui-tests ui-golden faults demo install uninstall clean bench lint fuzz fleet

all: rbdwho

rbdwho: $(BUILD)/rbdwho
	@cp $< $@

$(BUILD)/rbdwho: $(OBJS)
	$(LINKER) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -MMD -MP -c -o $@ $<

# Compiled as C by the C compiler, then linked by the C++ driver when the
# probe's C++ unit is in LIBOBJS (g++ would compile a .c file as C++).
$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@.o $<
	$(LINKER) $(LDFLAGS) -o $@ $@.o $(LIBOBJS) $(LDLIBS) -lcmocka

# The browser linked with the fake backends (tests/fake/) instead of Ceph,
# OpenStack, libvirt and /proc: the hermetic UI tests' binary.
FAKE_REAL := $(addprefix $(BUILD)/src/backend/,ceph.o os.o virt.o proc.o probe.o ceph_admin.o)
FAKE_REAL += $(BUILD)/src/backend/ceph_lock.o $(BUILD)/src/backend/ceph_clone.o
FAKE_OBJS := $(filter-out $(FAKE_REAL),$(OBJS)) \
	$(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard tests/fake/*.c)))
$(BUILD)/rbdwho-fake: $(FAKE_OBJS)
	$(LINKER) $(LDFLAGS) -o $@ $^ $(LDLIBS)

-include $(DEPS) $(FAKE_OBJS:.o=.d)

# The themes directory is compiled in: rebuild what uses it when PREFIX changes.
DATADIR_STAMP := $(BUILD)/.datadir$(subst /,_,$(DATADIR))
$(DATADIR_STAMP):
	@mkdir -p $(@D)
	@rm -f $(BUILD)/.datadir*
	@touch $@
$(BUILD)/src/ui/theme.o: $(DATADIR_STAMP)

# Installs the Debian packages the build, the tests and the demo need (as root),
# or prints the command to run.
deps:
	@tests/deps.sh

# Unit tests; test_os_live runs a second time against a private OpenStack stand-in.
unit: $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)
	@tests/unit/run-os-live.sh $(BUILD)/tests/test_os_live

# End to end on one real sandbox (Ceph, qemu holders, libvirt, the stand-in).
integration: rbdwho $(UNIT_BINS)
	@BUILD=$(BUILD) tests/integration/run.sh

# rbdwho's ssh against a real sshd on 127.0.0.1 (no Ceph needed).
ssh-tests: rbdwho
	@tests/ssh/run.sh

# Holders on remote hosts: one 3-host fleet (ssh, libvirt per host), tests/fleet/t_*.sh.
fleet: rbdwho
	@tests/fleet/run.sh

# The test infrastructure tests itself: the stand-in and the sandbox scripts.
infra:
	@tests/sandbox/test-standin.sh
	@tests/sandbox/selftest.sh
	@tests/sandbox/selftest-fleet.sh

# Break one thing at a time (Ceph, OpenStack, libvirt) and check rbdwho stays truthful.
faults: rbdwho
	@tests/faults/run.sh
	@tests/faults/run_truth.sh
	@tests/faults/ui.sh
	@tests/faults/run_blocklist.sh

# The browser on fake backends, scripted, its screens compared with the
# golden ones in tests/ui/golden/ (seconds, no cluster; GOLDEN_UPDATE=1 rewrites).
ui-golden: $(BUILD)/rbdwho-fake
	@RBDWHO_FAKE_BIN=$(CURDIR)/$(BUILD)/rbdwho-fake tests/ui/golden.sh

# The browser, driven in tmux against a real sandbox.
ui-tests: rbdwho
	@tests/ui/run.sh

# Everything CI runs: the build, every test suite, lint, a short fuzz pass over
# every parser (and its regression inputs), and the tests again under ASan+UBSan.
check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) ui-golden
	$(MAKE) lint
	$(MAKE) fuzz FUZZ_SECONDS=10
	$(MAKE) infra
	$(MAKE) integration
	$(MAKE) ssh-tests
	$(MAKE) fleet
	$(MAKE) faults
	$(MAKE) ui-tests
	$(MAKE) check-sanitize

demo: deps
	$(MAKE) all
	@tests/demo.sh

bench: deps
	$(MAKE) all
	@tests/bench/run.sh

lint:
	@tests/lint.sh

# Every parser under libFuzzer (clang, ASan+UBSan), FUZZ_SECONDS each (default 60);
# a crash fails and its input becomes a regression input (tests/fuzz/run.sh).
fuzz:
	@FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) tests/fuzz/run.sh

# The unit and integration tests again with the ASan+UBSan build (build/san), leaks
# included; tests/lsan.supp lists the libraries' own exit-time leaks, with reasons.
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
.PHONY: check-sanitize
check-sanitize: deps
	$(MAKE) SANITIZE=1 build/san/rbdwho
	$(SAN_ENV) $(MAKE) SANITIZE=1 unit
	@$(SAN_ENV) RBDWHO_SANITIZED=1 RBDWHO=$(CURDIR)/build/san/rbdwho BUILD=build/san tests/integration/run.sh

install: rbdwho
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/themes
	install -m 0755 rbdwho $(DESTDIR)$(BINDIR)/rbdwho
	install -m 0644 doc/rbdwho.1 $(DESTDIR)$(MANDIR)/man1/rbdwho.1
	install -m 0644 themes/*.theme $(DESTDIR)$(DATADIR)/themes/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/rbdwho $(DESTDIR)$(MANDIR)/man1/rbdwho.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build rbdwho
