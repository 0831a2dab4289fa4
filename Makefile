# SPDX-License-Identifier: GPL-2.0
#
# meshvpn: one Makefile for userspace, tools, BPF objects and the module.
# `make help` lists the targets. Everything built lands in build/, except
# the module, which Kbuild builds in place (kmod/meshvpn.ko).

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build

# The module builds against the VM kernel's headers unless KDIR says
# otherwise; `make deps` records where those headers are.
KDIR ?= $(shell cat $(BUILD)/vm/kdir 2>/dev/null)

CC ?= gcc
BPF_CLANG ?= clang-16
PKG_CONFIG ?= pkg-config

CPPFLAGS += -I$(TOP)/include/uapi -I$(TOP)/include -I$(TOP)/userspace \
	    -D_GNU_SOURCE
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	  -Wmissing-prototypes -Wno-missing-field-initializers -fno-common
LDLIBS += -lssl -lcrypto -lmnl -lsystemd

# SAN=1: AddressSanitizer (with leak checks) and UBSan, any finding fatal.
# check-unit builds this way, into its own build folder.
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

# Userspace: each folder of userspace/ is a library of its own,
# build/libmv-FOLDER.a, so that a program links only the parts it uses
# (ARCHITECTURE.md: lower folders never call into higher ones). A
# program's main stays out.
US_DIRS := $(notdir $(patsubst %/,%,$(wildcard $(TOP)/userspace/*/)))
us_srcs = $(filter-out %/meshvpnd.c,$(wildcard $(TOP)/userspace/$(1)/*.c))
us_objs = $(patsubst $(TOP)/%.c,$(BUILD)/%.o,$(call us_srcs,$(1)))
US_LIBS := $(patsubst %,$(BUILD)/libmv-%.a,$(US_DIRS))
# Highest layer first, so one pass of the linker resolves every call
# (scripts/layering.py keeps calls going down; see the rank table there).
US_LINK_ORDER := daemon dataplane proto mesh config crypto netlink lib
US_LINK_LIBS := $(patsubst %,$(BUILD)/libmv-%.a,$(US_LINK_ORDER))
$(if $(filter-out $(US_LINK_ORDER),$(US_DIRS)),\
  $(error userspace/$(filter-out $(US_LINK_ORDER),$(US_DIRS)) is not in US_LINK_ORDER))
LIB_SRCS := $(foreach d,$(US_DIRS),$(call us_srcs,$(d)))
# The tool: every tools/*.c but its main goes into a library of its own,
# which unit tests link too (argument parsers, JSON writer).
TOOL_SRCS := $(filter-out %/meshvpn.c,$(wildcard $(TOP)/tools/*.c))
TOOL_OBJS := $(patsubst $(TOP)/%.c,$(BUILD)/%.o,$(TOOL_SRCS))
TOOL_LIB := $(BUILD)/libmv-tools.a
# What the tool may use of userspace/, in link order: not the daemon's
# modules, which a link against these alone keeps out.
TOOL_US_LIBS := $(patsubst %,$(BUILD)/libmv-%.a,config crypto netlink lib)
PROGS := $(if $(wildcard $(TOP)/userspace/daemon/meshvpnd.c),$(BUILD)/meshvpnd) \
	 $(if $(wildcard $(TOP)/tools/meshvpn.c),$(BUILD)/meshvpn)

# The hostile member node of the netns tests (selftests/hostile/README.md):
# every .c there, linked against the product's own libraries.
HOSTILE_SRCS := $(wildcard $(TOP)/selftests/hostile/*.c)
HOSTILE_OBJS := $(patsubst $(TOP)/%.c,$(BUILD)/%.o,$(HOSTILE_SRCS))
MALLORY := $(BUILD)/selftests/hostile/mallory

UNIT_SRCS := $(wildcard $(TOP)/selftests/unit/test_*.c)
UNIT_BINS := $(patsubst $(TOP)/%.c,$(BUILD)/%,$(UNIT_SRCS))

# BPF objects see the host's asm/ headers through the multiarch folder.
BPF_ARCH_INCLUDE := -I/usr/include/$(shell $(CC) -print-multiarch)
# Fuzzers (libFuzzer): each selftests/fuzz/fuzz_NAME.c against the library
# sources and the harness, with ASan (leak checks on), UBSan, any finding
# fatal. `make fuzz` runs each for FUZZ_TIME seconds from its corpus in
# selftests/fuzz/corpus/NAME, copied to build/fuzz/corpus/NAME (new finds
# stay there), and fails if any of them found a crash, leak or timeout.
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_FLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	      -fno-omit-frame-pointer
FUZZ_SRCS := $(wildcard $(TOP)/selftests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst $(TOP)/selftests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_OBJS := $(patsubst $(TOP)/%.c,$(BUILD)/fuzz/obj/%.o,\
	     $(LIB_SRCS) $(TOP)/selftests/fuzz/harness.c)

BPF_SRCS := $(wildcard $(TOP)/bpf/*.bpf.c)
BPF_OBJS := $(patsubst $(TOP)/%.c,$(BUILD)/%.o,$(BPF_SRCS))

.PHONY: all skip-bpf skip-kmod skip-man man install uninstall check-package \
	userspace tools hostile bpf kmod deps check check-unit check-netns \
	check-vm check-style demo bench bench-vm bench-scale gen fuzz fuzzers \
	fuzz-corpus clean help

# Everything this host can build: without kernel headers the module is
# skipped, without clang the BPF objects, without go-md2man the man pages,
# each with a line saying so (explicit targets still insist).
HAVE_KDIR := $(if $(KDIR),$(wildcard $(KDIR)/Makefile))
HAVE_BPF_CLANG := $(shell command -v $(BPF_CLANG) 2>/dev/null)
MD2MAN ?= go-md2man
HAVE_MD2MAN := $(shell command -v $(MD2MAN) 2>/dev/null)

all: userspace $(if $(HAVE_BPF_CLANG),bpf,skip-bpf) \
	$(if $(HAVE_KDIR),kmod,skip-kmod) $(if $(HAVE_MD2MAN),man,skip-man)

skip-bpf:
	@echo "skipped: BPF objects ($(BPF_CLANG) not found; make deps installs it)"
skip-kmod:
	@echo "skipped: kmod/meshvpn.ko (no kernel headers$(if $(KDIR), in $(KDIR)): run 'make deps' or pass KDIR=...)"
skip-man:
	@echo "skipped: man pages ($(MD2MAN) not found; make deps installs it)"

userspace tools: $(US_LIBS) $(TOOL_LIB) $(PROGS)

$(BUILD)/%.o: $(TOP)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(foreach d,$(US_DIRS),$(eval $(BUILD)/libmv-$(d).a: $(call us_objs,$(d))))
$(TOOL_LIB): $(TOOL_OBJS)

$(US_LIBS) $(TOOL_LIB):
	@mkdir -p $(dir $@)
	rm -f $@
	$(if $^,ar rcs $@ $^,ar rcs $@)

$(BUILD)/meshvpnd: $(BUILD)/userspace/daemon/meshvpnd.o $(US_LIBS)
	$(CC) $(LDFLAGS) -o $@ $< $(US_LINK_LIBS) $(LDLIBS)

$(BUILD)/meshvpn: $(BUILD)/tools/meshvpn.o $(TOOL_LIB) $(TOOL_US_LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

hostile: $(MALLORY)

$(MALLORY): $(HOSTILE_OBJS) $(US_LIBS)
	$(CC) $(LDFLAGS) -o $@ $(HOSTILE_OBJS) $(US_LINK_LIBS) $(LDLIBS)

$(BUILD)/selftests/unit/%: $(BUILD)/selftests/unit/%.o $(TOOL_LIB) $(US_LIBS)
	$(CC) $(LDFLAGS) -o $@ $< $(TOOL_LIB) $(US_LINK_LIBS) $(LDLIBS)

$(BUILD)/selftests/unit/%.o: CPPFLAGS += -I$(TOP)/selftests/unit -I$(TOP)/tools

bpf: $(BPF_OBJS)

fuzzers: $(FUZZ_BINS)

$(BUILD)/fuzz/obj/%.o: $(TOP)/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(CPPFLAGS) \
		-MMD -MP -c -o $@ $<

$(BUILD)/fuzz/%: $(TOP)/selftests/fuzz/%.c $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $(CPPFLAGS) \
		-I$(TOP)/selftests/fuzz -o $@ $< $(FUZZ_OBJS) $(LDLIBS)

# The seed corpora, regenerated from the product's encoders.
$(BUILD)/fuzz/corpus_gen: $(TOP)/selftests/fuzz/corpus_gen.c $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(CPPFLAGS) -I$(TOP)/selftests/fuzz \
		-o $@ $< $(FUZZ_OBJS) $(LDLIBS)

fuzz-corpus: $(BUILD)/fuzz/corpus_gen
	$(BUILD)/fuzz/corpus_gen $(TOP)/selftests/fuzz/corpus

fuzz: fuzzers
	@failed=; for f in $(FUZZ_BINS); do \
		name=$$(basename $$f); corpus=$(BUILD)/fuzz/corpus/$$name; \
		mkdir -p $$corpus; \
		cp -n $(TOP)/selftests/fuzz/corpus/$$name/* $$corpus/ 2>/dev/null; \
		echo "== $$name ($(FUZZ_TIME) s)"; \
		$$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/$$name- $$corpus \
			|| failed="$$failed $$name"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: crashed:$$failed"; exit 1; fi

$(BUILD)/bpf/%.bpf.o: $(TOP)/bpf/%.bpf.c
	@mkdir -p $(dir $@)
	$(BPF_CLANG) -O2 -g -target bpf -Wall -Werror $(BPF_ARCH_INCLUDE) \
		-I$(TOP)/include/uapi -I$(TOP)/include -c -o $@ $<

kmod:
	@test -n "$(KDIR)" || { echo "no kernel headers: run 'make deps' or pass KDIR=..."; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) modules

deps:
	@$(TOP)/scripts/deps.sh

# Regenerate the netlink uapi header, the kernel policies and ops, and the
# userspace reply policies from the YAML spec.
gen:
	python3 $(TOP)/scripts/ynl-gen.py

SAN_BUILD := $(BUILD)/san
check-unit: deps
	@$(MAKE) --no-print-directory SAN=1 BUILD=$(SAN_BUILD) userspace \
		$(patsubst $(BUILD)/%,$(SAN_BUILD)/%,$(UNIT_BINS))
	@MESHVPN_LAYERING_BUILD=$(SAN_BUILD) $(TOP)/selftests/unit/run $(patsubst $(BUILD)/%,$(SAN_BUILD)/%,$(UNIT_BINS))

check-netns: deps
	@$(MAKE) --no-print-directory userspace hostile
	@$(TOP)/selftests/netns/run

check-vm: deps
	@$(MAKE) --no-print-directory kmod tools
	@KDIR=$(KDIR) $(TOP)/selftests/vm/ktest/build.sh
	@$(TOP)/selftests/vm/check

# The Debian packages: built, linted, installed into a fresh Debian 12 root
# and run there, and DKMS against the VM kernel's headers. Minutes; CI
# runs it after make check.
check-package: deps
	@# The VM step's peer node runs the tree's own meshvpnd.
	@$(MAKE) --no-print-directory userspace
	@$(TOP)/selftests/package/test_debian.sh

# Each suite runs even when an earlier one failed; the last line totals them.
check: deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/scripts/check-all.sh "$(MAKE) --no-print-directory" \
		check-unit check-netns check-vm

# Kernel style: sparse over the module and checkpatch over its sources.
check-style: deps
	$(MAKE) -C $(KDIR) M=$(TOP) C=2 CF=-D__CHECK_ENDIAN__ modules
	@$(TOP)/scripts/checkpatch.sh

demo: deps userspace
	@$(TOP)/scripts/demo.sh

# Benchmarks are never part of make check: they take minutes and only
# ratios measured in one run mean anything (Documentation/performance.md).
bench: deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/selftests/bench/run

bench-vm: deps
	@$(MAKE) --no-print-directory kmod tools
	@$(TOP)/selftests/bench/run-vm

# The control plane at N nodes, meshvpnd and tinc side by side (SCALE_N).
bench-scale: deps
	@$(MAKE) --no-print-directory userspace
	@$(TOP)/selftests/bench/scale

clean:
	rm -rf $(BUILD)/userspace $(BUILD)/tools $(BUILD)/selftests $(BUILD)/bpf $(BUILD)/man \
		$(US_LIBS) $(TOOL_LIB) $(BUILD)/meshvpnd $(BUILD)/meshvpn
	$(if $(KDIR),-$(MAKE) -C $(KDIR) M=$(TOP) clean)

# ---- man pages and installation ----

# Documentation/man/NAME.SECTION.md, rendered to troff at build time.
MAN_SRCS := $(wildcard $(TOP)/Documentation/man/*.md)
MAN_PAGES := $(patsubst $(TOP)/Documentation/man/%.md,$(BUILD)/man/%,$(MAN_SRCS))

man: $(MAN_PAGES)

$(BUILD)/man/%: $(TOP)/Documentation/man/%.md
	@mkdir -p $(dir $@)
	$(MD2MAN) -in $< -out $@

# make install [PREFIX=/usr/local] [DESTDIR=...]; debian/rules sets the
# Debian paths. The units name the daemon by its installed path.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/meshvpn
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
EXAMPLE_FILES := $(shell cd $(TOP)/dist/examples && find . -type f | sort)

install: userspace man
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(SBINDIR)/
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man8/
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		$(TOP)/dist/systemd/meshvpnd@.service.in \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/meshvpnd@.service
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/meshvpnd@.service
	install -m 644 $(TOP)/dist/systemd/meshvpn.target $(DESTDIR)$(SYSTEMDUNITDIR)/
	install -m 644 $(TOP)/dist/bash-completion/meshvpn \
		$(TOP)/dist/bash-completion/meshvpnd $(DESTDIR)$(BASHCOMPDIR)/
	cd $(TOP)/dist/examples && for f in $(EXAMPLE_FILES); do \
		install -D -m $$(test -x $$f && echo 755 || echo 644) $$f \
			$(DESTDIR)$(DOCDIR)/examples/$$f || exit 1; \
	done

uninstall:
	rm -f $(patsubst $(BUILD)/%,$(DESTDIR)$(SBINDIR)/%,$(PROGS)) \
		$(patsubst $(BUILD)/man/%,$(DESTDIR)$(MANDIR)/man8/%,$(MAN_PAGES)) \
		$(DESTDIR)$(SYSTEMDUNITDIR)/meshvpnd@.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/meshvpn.target \
		$(DESTDIR)$(BASHCOMPDIR)/meshvpn $(DESTDIR)$(BASHCOMPDIR)/meshvpnd
	rm -rf $(DESTDIR)$(DOCDIR)/examples
	-rmdir $(DESTDIR)$(DOCDIR)

help:
	@echo "make              build userspace, tools, man pages, BPF objects and kmod/meshvpn.ko"
	@echo "                  (what this host cannot build is skipped, and said so)"
	@echo "make install      daemon, tool, man pages, systemd units, bash completion and an"
	@echo "                  example network under PREFIX (/usr/local), DESTDIR for staging"
	@echo "make uninstall    remove what make install installed"
	@echo "make deps         install packages and fetch the VM kernel (idempotent)"
	@echo "make check        every test suite: check-unit, check-netns, check-vm"
	@echo "make check-unit   unit tests on the host"
	@echo "make check-netns  network namespace tests on the host (root)"
	@echo "make hostile      the hostile member node of the netns tests"
	@echo "make check-vm     kernel tests in a qemu VM (root)"
	@echo "make check-style  sparse and checkpatch over the module"
	@echo "make check-package  build the Debian packages, lint, install and run them (root)"
	@echo "make demo         the mesh on this machine"
	@echo "make bench        host benchmarks: veth, tinc, wireguard-go, meshvpn"
	@echo "make bench-vm     VM benchmarks: veth, wireguard.ko, meshvpn.ko"
	@echo "make bench-scale  control plane at N nodes, meshvpnd vs tinc (SCALE_N)"
	@echo "make gen          regenerate netlink code from the YAML spec"
	@echo "make fuzz         run every fuzzer for FUZZ_TIME seconds (default 60)"
	@echo "make fuzz-corpus  regenerate the fuzzers' seed corpora"
	@echo "KDIR=/path        build the module against another kernel (6.1 or later)"

.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
