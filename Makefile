# Wegweiser: offline information kiosk for refugee reception offices.
# `make run` and `make check` are all a new machine needs (see README.md).

# Every Debian package the project needs to build, run and test: the one list.
DEB_PACKAGES := build-essential pkg-config gettext \
	libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libvorbis-dev libsqlite3-dev \
	libfribidi-dev libicu-dev libharfbuzz-dev libfreetype-dev unicode-data libqrencode-dev zbar-tools sqlite3 libsodium-dev libssl-dev minisign \
	fonts-noto-core fonts-noto-ui-core fonts-material-design-icons-iconfont \
	pango1.0-tools libharfbuzz-bin libsystemd-dev libxml2-dev libjson-c-dev libdrm-dev libcurl4-openssl-dev nginx-light \
	libgettextpo-dev \
	libcairo2-dev libpango1.0-dev libfontconfig-dev poppler-utils

PKGS := sdl2 SDL2_ttf SDL2_image harfbuzz freetype2 vorbisfile sqlite3 fribidi icu-uc libsodium libcrypto libsystemd libqrencode libxml-2.0 json-c libdrm libcurl
# Only the staff tool's handouts (kiosk/handout.c) draw PDF through Cairo and Pango: that
# object stays out of libwegweiser.a, so the kiosk on the board never links them.
HANDOUT_PKGS := pangocairo pangofc fontconfig cairo-pdf

PREFIX ?= /usr/local
DESTDIR ?=
DATADIR := $(PREFIX)/share/wegweiser
LOCALEDIR := $(PREFIX)/share/locale

CC ?= cc
BUILD := build
ASAN := $(BUILD)/asan

WARN := -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter -Wno-format-truncation
DEFS := -D_GNU_SOURCE -DWW_DATADIR='"$(DATADIR)"' -DWW_LOCALEDIR='"$(LOCALEDIR)"'
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libgettextpo (the translators' PO files, kiosk/po*.c) has no pkg-config file.
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lgettextpo -lm
HANDOUT_CFLAGS = $(shell pkg-config --cflags $(HANDOUT_PKGS) 2>/dev/null)
HANDOUT_LIBS = $(shell pkg-config --libs $(HANDOUT_PKGS) 2>/dev/null)

CFLAGS ?= -O2 -g
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

TOOL_SRC := kiosk/handout.c
LIB_SRC := $(filter-out kiosk/main_%.c $(TOOL_SRC),$(wildcard kiosk/*.c))
HEADERS := $(wildcard kiosk/*.h)
# The fuzz targets (tests/fuzz/) link into the test binary too, which replays their corpora.
FUZZ_SRC := $(filter-out tests/fuzz/libfuzzer.c,$(wildcard tests/fuzz/*.c))
TEST_SRC := $(wildcard tests/*.c) $(FUZZ_SRC)
TEST_HEADERS := tests/test.h tests/fuzz/fuzz.h

LIB_OBJ := $(LIB_SRC:kiosk/%.c=$(BUILD)/obj/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:kiosk/%.c=$(ASAN)/obj/%.o)
TOOL_OBJ := $(TOOL_SRC:kiosk/%.c=$(BUILD)/obj/%.o)
ASAN_TOOL_OBJ := $(TOOL_SRC:kiosk/%.c=$(ASAN)/obj/%.o)

LANGS := $(basename $(notdir $(wildcard locales/*.po)))
MO := $(LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/wegweiser.mo)

FONT_SRC := /usr/share/fonts/truetype/noto
FONTS := NotoSans-Regular.ttf NotoSans-Bold.ttf \
	NotoSansArabicUI-Regular.ttf NotoSansArabicUI-Bold.ttf \
	NotoSansEthiopic-Regular.ttf NotoSansEthiopic-Bold.ttf
ICON_FONT := /usr/share/fonts/truetype/material-design-icons-iconfont/MaterialIcons-Regular.ttf
ICON_CODEPOINTS := /usr/share/fonts-material-design-icons-iconfont/scss/_variables.scss
ASSETS := $(FONTS:%=assets/fonts/%) assets/fonts/MaterialIcons-Regular.ttf assets/icons/codepoints

REGION := kaiserslautern
CONTENT := $(shell find content/$(REGION) -type f 2>/dev/null)

ARGS ?=

.PHONY: all deps run check bench screenshots golden install install-board clean FORCE

all: $(BUILD)/wegweiser $(BUILD)/wegweiser-pack $(MO) $(ASSETS) $(BUILD)/demo.pack

# $(call install-missing,PACKAGES): installs those of the Debian PACKAGES that are missing
# (through sudo when not root), so a machine that has everything pays one dpkg query.
define install-missing
missing=$$(for p in $(1); do \
	dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
if [ -n "$$missing" ]; then \
	echo "Installing:" $$missing; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi; \
	$$sudo apt-get update -q && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing; \
fi
endef

deps:
	@$(call install-missing,$(DEB_PACKAGES))

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/wegweiser --window --size 1280x800 --pack $(BUILD)/demo.pack $(ARGS)

check: deps
	@$(MAKE) --no-print-directory all $(ASAN)/tests $(ASAN)/wegweiser $(ASAN)/wegweiser-pack
	WW_BIN=$(ASAN) WW_BUILD=$(BUILD) SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy \
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1 $(ASAN)/tests $(T)

# The install paths are compiled into paths.o: rebuild it when PREFIX changes.
$(BUILD)/prefix.stamp: FORCE | $(BUILD)/obj
	@echo '$(DATADIR) $(LOCALEDIR)' | cmp -s - $@ || echo '$(DATADIR) $(LOCALEDIR)' > $@
$(BUILD)/obj/paths.o $(ASAN)/obj/paths.o: $(BUILD)/prefix.stamp
FORCE:

# Every screen in every language and size, and contact sheets to look at them together.
screenshots: deps
	@$(MAKE) --no-print-directory all $(BUILD)/contact-sheet
	tests/screenshots.sh $(BUILD)

# After a deliberate change of the look: new golden pictures for tests/test_golden.c.
golden: deps
	@$(MAKE) --no-print-directory all
	tests/golden.sh $(BUILD)

$(BUILD)/contact-sheet: tests/tools/contact_sheet.c
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) $< $(PKG_LIBS) -o $@

# Speed is measured here, never by a timed test. `make bench` runs every target of BENCH_TARGETS
# (each lane adds its own with `BENCH_TARGETS += bench-<lane>`), gathers the BENCH lines they
# print into one table and writes it into docs/bench.md (tests/bench/run.sh; protocol in
# tests/bench/bench.h). What only the benches need is installed by them, not by make deps:
# a virtual X display and Mesa for the GL renderer, Pango as the text engine's peer, Chromium
# as the kiosk's (bench-kiosk).
BENCH_PACKAGES := xvfb xauth libgl1-mesa-dri libpango1.0-dev libcairo2-dev libfontconfig-dev chromium
BENCH_TARGETS += bench-text bench-search bench-update bench-frames bench-kiosk
.PHONY: bench-deps bench-text bench-search bench-pack bench-update bench-frames bench-kiosk
bench: deps bench-deps
	@$(MAKE) --no-print-directory all
	tests/bench/run.sh "$(MAKE)" $(BUILD) $(BENCH_TARGETS)

bench-deps:
	@$(call install-missing,$(BENCH_PACKAGES))

# The text engine against Pango in the same process (docs/text.md): Pango is only the peer.
BENCH_TEXT_PKGS := pangocairo pangofc fontconfig cairo
bench-text: bench-deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench-text
	$(BUILD)/bench-text

$(BUILD)/bench-text: tests/bench/text.c tests/bench/bench.h $(BUILD)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) $(shell pkg-config --cflags $(BENCH_TEXT_PKGS)) -Ikiosk $< \
		$(BUILD)/libwegweiser.a $(PKG_LIBS) $(shell pkg-config --libs $(BENCH_TEXT_PKGS)) -o $@

# Packs at a county's scale made from the demo's texts (tests/bench/gen_packs.c), not committed.
BENCH_PACK_SIZES := 500 4000 10000 20000
BENCH_PACKS := $(BENCH_PACK_SIZES:%=$(BUILD)/bench-packs/%.pack)
bench-pack: deps
	@$(MAKE) --no-print-directory all $(BENCH_PACKS)

$(BUILD)/bench-packs/%.pack: $(BUILD)/bench-gen $(BUILD)/demo.pack
	rm -rf $(BUILD)/bench-packs/src-$*
	$(BUILD)/bench-gen $(BUILD)/demo.pack content/$(REGION) $(BUILD)/bench-packs $*

$(BUILD)/bench-gen: tests/bench/gen_packs.c $(BUILD)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) -Ikiosk $< $(BUILD)/libwegweiser.a $(PKG_LIBS) -o $@

# Search and the pack at a county's scale: docs/bench.md, "Search and pack".
bench-search: deps
	@$(MAKE) --no-print-directory all $(BENCH_PACKS) $(BUILD)/bench-search
	$(BUILD)/bench-search $(BUILD)/wegweiser $(BUILD)/demo.pack $(BENCH_PACKS)

# Installing a signed pack against cp + sync of the same file; start time against pack size.
bench-update: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench-update
	$(BUILD)/bench-update $(BUILD)

# Drag frames on the software renderer and, in a virtual X display, on every GL renderer.
bench-frames: bench-deps $(BUILD)/bench-frames $(ASSETS) $(BUILD)/demo.pack $(MO)
	if command -v xvfb-run >/dev/null; then xvfb-run -a -s '-screen 0 1920x1200x24' $(BUILD)/bench-frames; \
	else SDL_VIDEODRIVER=offscreen $(BUILD)/bench-frames; fi

# The kiosk against headless Chromium on the same page, and the kiosk's peak memory.
bench-kiosk: $(BUILD)/bench-kiosk $(BUILD)/wegweiser $(ASSETS) $(BUILD)/demo.pack $(MO)
	$(BUILD)/bench-kiosk

$(BUILD)/bench-%: tests/bench/%.c tests/bench/bench.h $(BUILD)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) -Ikiosk $< $(BUILD)/libwegweiser.a $(PKG_LIBS) -o $@

$(BUILD)/obj/%.o: kiosk/%.c $(HEADERS) | $(BUILD)/obj
	$(CC) $(WARN) $(DEFS) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(ASAN)/obj/%.o: kiosk/%.c $(HEADERS) | $(ASAN)/obj
	$(CC) $(WARN) $(DEFS) $(SANFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(TOOL_OBJ) $(ASAN_TOOL_OBJ): PKG_CFLAGS += $(HANDOUT_CFLAGS)

$(BUILD)/libwegweiser.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(ASAN)/libwegweiser.a: $(ASAN_LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# CPPFLAGS and LDFLAGS are empty here; the Debian packages pass dpkg-buildflags' hardening.
$(BUILD)/wegweiser: kiosk/main_kiosk.c $(BUILD)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) $< $(BUILD)/libwegweiser.a $(PKG_LIBS) -o $@

$(BUILD)/wegweiser-pack: kiosk/main_pack.c $(TOOL_OBJ) $(BUILD)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) $< $(TOOL_OBJ) $(BUILD)/libwegweiser.a $(PKG_LIBS) $(HANDOUT_LIBS) -o $@

$(ASAN)/wegweiser: kiosk/main_kiosk.c $(ASAN)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(SANFLAGS) $(PKG_CFLAGS) $< $(ASAN)/libwegweiser.a $(PKG_LIBS) -o $@

$(ASAN)/wegweiser-pack: kiosk/main_pack.c $(ASAN_TOOL_OBJ) $(ASAN)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(SANFLAGS) $(PKG_CFLAGS) $< $(ASAN_TOOL_OBJ) $(ASAN)/libwegweiser.a $(PKG_LIBS) $(HANDOUT_LIBS) -o $@

$(ASAN)/tests: $(TEST_SRC) $(TEST_HEADERS) $(ASAN_TOOL_OBJ) $(ASAN)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(SANFLAGS) $(PKG_CFLAGS) -Ikiosk -Itests $(TEST_SRC) $(ASAN_TOOL_OBJ) $(ASAN)/libwegweiser.a $(PKG_LIBS) $(HANDOUT_LIBS) -o $@

$(BUILD)/demo.pack: $(BUILD)/wegweiser-pack $(CONTENT)
	$(BUILD)/wegweiser-pack build content/$(REGION) -o $@

$(BUILD)/locale/%/LC_MESSAGES/wegweiser.mo: locales/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# Fonts come from Debian's packages; the build links them into assets/ so the kiosk
# finds one folder wherever it runs from.
assets/fonts/%.ttf:
	@mkdir -p $(dir $@)
	ln -sf $(FONT_SRC)/$*.ttf $@

assets/fonts/MaterialIcons-Regular.ttf:
	@mkdir -p $(dir $@)
	ln -sf $(ICON_FONT) $@

assets/icons/codepoints: $(ICON_CODEPOINTS)
	@mkdir -p $(dir $@)
	sed -n 's/^[[:space:]]*"\([a-z0-9_]*\)": \([0-9a-f]*\),*$$/\1 \2/p' $< > $@

$(BUILD)/obj $(ASAN)/obj:
	mkdir -p $@

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/assets/fonts $(DESTDIR)$(DATADIR)/assets/icons
	install -m 755 $(BUILD)/wegweiser $(BUILD)/wegweiser-pack $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(BUILD)/demo.pack $(DESTDIR)$(DATADIR)/demo.pack
	install -m 644 assets/icons/codepoints $(DESTDIR)$(DATADIR)/assets/icons/codepoints
	for f in $(FONTS); do ln -sf $(FONT_SRC)/$$f $(DESTDIR)$(DATADIR)/assets/fonts/$$f; done
	ln -sf $(ICON_FONT) $(DESTDIR)$(DATADIR)/assets/fonts/MaterialIcons-Regular.ttf
	for l in $(LANGS); do install -D -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/wegweiser.mo \
		$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/wegweiser.mo; done

# The kiosk's own system files from board/rpi/ where the `wegweiser` package has them (the
# paths are those of a Debian system, so only with PREFIX=/usr): unit, udev rule, settings,
# the scripts the unit runs. What locks the board down is left to board/rpi/install.sh.
RPI := board/rpi
install-board:
	install -d $(DESTDIR)/lib/systemd/system $(DESTDIR)/lib/udev/rules.d $(DESTDIR)/usr/lib/wegweiser \
		$(DESTDIR)/usr/sbin $(DESTDIR)/etc/wegweiser/keys $(DESTDIR)/usr/lib/tmpfiles.d \
		$(DESTDIR)/usr/lib/sysusers.d $(DESTDIR)/usr/share/doc/wegweiser
	install -m 644 $(RPI)/wegweiser.service $(RPI)/wegweiser-data.service $(DESTDIR)/lib/systemd/system/
	install -m 644 $(RPI)/90-wegweiser-usb.rules $(DESTDIR)/lib/udev/rules.d/
	install -m 644 $(RPI)/conf.sh $(DESTDIR)/usr/lib/wegweiser/
	install -m 755 $(RPI)/start-kiosk $(RPI)/data-dir $(DESTDIR)/usr/lib/wegweiser/
	install -m 755 $(RPI)/wegweiser-readonly $(DESTDIR)/usr/sbin/
	install -m 644 $(RPI)/kiosk.conf $(DESTDIR)/etc/wegweiser/kiosk.conf
	install -m 644 $(RPI)/sysusers.conf $(DESTDIR)/usr/lib/sysusers.d/wegweiser.conf
	install -m 644 $(RPI)/tmpfiles.conf $(DESTDIR)/usr/lib/tmpfiles.d/wegweiser.conf
	install -m 644 $(RPI)/kiosk.conf $(DESTDIR)/usr/share/doc/wegweiser/kiosk.conf.default
	install -m 644 $(RPI)/README.md $(DESTDIR)/usr/share/doc/wegweiser/board-rpi.md

clean:
	rm -rf $(BUILD) assets/fonts/*.ttf assets/icons/codepoints

# ---- The board (board/rpi/README.md) ---------------------------------------------------------
# `make CROSS=aarch64-linux-gnu` builds the kiosk for 64-bit Raspberry Pi OS (Debian 12 arm64)
# with Debian's cross compiler and multiarch -dev packages (`make deps-arm64` installs them),
# into build/aarch64-linux-gnu/. `make install-arm64 PREFIX=/usr DESTDIR=/mnt/sd-root` installs
# that build into a mounted SD card; `make check-arm64` runs the unit tests under qemu-aarch64.
# Host and board objects never mix: a cross build runs make again with BUILD=build/$(CROSS).
# `make check-board` tests board/rpi/ (install script, units, udev rule) on a Debian 12 root
# made with debootstrap: minutes, so not part of `make check`.
ARM64 := aarch64-linux-gnu
ARM64_DEV_PACKAGES = $(patsubst %,%:arm64,$(filter lib%-dev,$(DEB_PACKAGES)))
QEMU_ARM64 := qemu-aarch64-static

.PHONY: cross deps-arm64 install-arm64 check-arm64 check-board

ifneq ($(CROSS),)
ifeq ($(origin BUILD),command line)
# The inner make: the board's compiler and the board's libraries.
CC := $(CROSS)-gcc
PKG_CFLAGS = $(shell $(CROSS)-pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(CROSS)-pkg-config --libs $(PKGS) 2>/dev/null) -lgettextpo -lm
HANDOUT_CFLAGS = $(shell $(CROSS)-pkg-config --cflags $(HANDOUT_PKGS) 2>/dev/null)
HANDOUT_LIBS = $(shell $(CROSS)-pkg-config --libs $(HANDOUT_PKGS) 2>/dev/null)
else
.DEFAULT_GOAL := cross
ifneq ($(filter-out cross deps-arm64 install-arm64 check-arm64,$(MAKECMDGOALS)),)
$(error with CROSS= use `make CROSS=$(CROSS)`, `make install-arm64` or `make check-arm64` (board/rpi/README.md))
endif
endif
endif

deps-arm64:
	@if [ "$$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi; \
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then $$sudo dpkg --add-architecture arm64; fi; \
	$(call install-missing,gcc-$(ARM64) qemu-user-static $(ARM64_DEV_PACKAGES))

# The pack is the same file on every machine: the host's tool builds it, since the board's
# wegweiser-pack cannot run here without an emulator.
cross:
	@test -n "$(CROSS)" || { echo "make cross wants CROSS=, e.g. make CROSS=$(ARM64)"; exit 2; }
	@command -v $(CROSS)-gcc >/dev/null || { echo "no $(CROSS)-gcc: run make deps-arm64"; exit 2; }
	@$(MAKE) --no-print-directory CROSS= $(BUILD)/demo.pack
	@$(MAKE) --no-print-directory CROSS=$(CROSS) BUILD=build/$(CROSS) build/$(CROSS)/wegweiser build/$(CROSS)/wegweiser-pack
	@mkdir -p build/$(CROSS) && cp $(BUILD)/demo.pack build/$(CROSS)/demo.pack
	@$(MAKE) --no-print-directory CROSS=$(CROSS) BUILD=build/$(CROSS) all
	@file build/$(CROSS)/wegweiser | sed 's/, BuildID[^,]*//'

install-arm64: deps-arm64
	@$(MAKE) --no-print-directory CROSS=$(ARM64) cross
	@$(MAKE) --no-print-directory CROSS=$(ARM64) BUILD=build/$(ARM64) install

# Unit tests without sanitizers (their shadow memory does not work under qemu-user), the
# kiosk programs they start wrapped in qemu, since binfmt_misc may not be there to do it.
check-arm64: deps-arm64
	@$(MAKE) --no-print-directory CROSS=$(ARM64) cross
	@$(MAKE) --no-print-directory CROSS=$(ARM64) BUILD=build/$(ARM64) build/$(ARM64)/tests
	@mkdir -p build/$(ARM64)/qemu && for p in wegweiser wegweiser-pack; do \
		printf '#!/bin/sh\nexec $(QEMU_ARM64) %s "$$@"\n' "$(CURDIR)/build/$(ARM64)/$$p" > build/$(ARM64)/qemu/$$p; \
		chmod +x build/$(ARM64)/qemu/$$p; done
	WW_BIN=build/$(ARM64)/qemu SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy \
	$(QEMU_ARM64) build/$(ARM64)/tests

# -O1 as in the sanitizer build, so the tests meet the same warnings here as under make check.
$(BUILD)/tests: $(TEST_SRC) $(TEST_HEADERS) $(TOOL_OBJ) $(BUILD)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) -O1 -g $(PKG_CFLAGS) -Ikiosk -Itests $(TEST_SRC) $(TOOL_OBJ) $(BUILD)/libwegweiser.a $(PKG_LIBS) $(HANDOUT_LIBS) -o $@

# What the board test needs besides the build: a Debian root, a container to boot it in.
BOARD_TEST_PACKAGES := debootstrap systemd-container

check-board: deps
	@if [ "$$(id -u)" -ne 0 ]; then echo "make check-board uses chroot, mount and systemd-nspawn: run it as root"; exit 1; fi
	@$(call install-missing,$(BOARD_TEST_PACKAGES))
	@$(MAKE) --no-print-directory all
	board/rpi/test/check-board.sh

# The demo's read-aloud recordings: machine voices, made again from the page texts
# (content/demo-recordings.sh). The .ogg files are committed; neither the build nor `make check`
# needs these tools.
DEMO_AUDIO_PACKAGES := espeak-ng vorbis-tools
.PHONY: demo-recordings
demo-recordings:
	@$(call install-missing,$(DEMO_AUDIO_PACKAGES))
	content/demo-recordings.sh

# Integreat import: import, build and first-frame times on the Landkreis Augsburg export.
BENCH_TARGETS += bench-import
.PHONY: bench-import
bench-import: $(BUILD)/bench-import $(ASSETS)
	$(BUILD)/bench-import
$(BUILD)/bench-import: tests/bench/import.c $(BUILD)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) -Ikiosk $< $(BUILD)/libwegweiser.a $(PKG_LIBS) -o $@

# ---- Fuzzing and soak (docs/testing.md) -----------------------------------------------------
# `make fuzz` builds every target of tests/fuzz/ with libFuzzer (Debian's clang 14, ASan and
# UBSan) and runs each for FUZZ_S seconds from its seeds; it fails on any crash, leak, timeout
# or sanitizer report. The input that did it is written into tests/fuzz/regressions/<target>/,
# which `make check` replays: commit it with the fix. The corpus a run grows stays in
# build/fuzz/corpus/. `make fuzz FUZZ_TARGETS='sign pack'` runs only those.
FUZZ_PACKAGES := clang-14 libclang-rt-14-dev
FUZZ_S ?= 60
FUZZ_CC := clang-14
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_WARN := $(filter-out -Wno-format-truncation,$(WARN))
FUZZ_TARGETS ?= $(basename $(notdir $(filter-out tests/fuzz/fuzz.c,$(FUZZ_SRC))))
FUZZ_LIB_OBJ := $(LIB_SRC:kiosk/%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_SUPPORT := tests/fuzz/fuzz.c tests/fuzz/libfuzzer.c tests/fixtures.c
FUZZ_ENV := SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy ASAN_OPTIONS=detect_leaks=1 \
	LSAN_OPTIONS=suppressions=tests/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=print_stacktrace=1

.PHONY: fuzz
fuzz:
	@$(call install-missing,$(DEB_PACKAGES) $(FUZZ_PACKAGES))
	@$(MAKE) --no-print-directory all $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz-%)
	@failed=; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$t tests/fuzz/regressions/$$t; \
		echo "fuzz $$t: $(FUZZ_S) s (log: $(FUZZ_DIR)/$$t.log)"; \
		$(FUZZ_ENV) $(FUZZ_DIR)/fuzz-$$t -max_total_time=$(FUZZ_S) -timeout=30 -rss_limit_mb=4096 \
			-print_final_stats=1 -artifact_prefix=tests/fuzz/regressions/$$t/ \
			$(FUZZ_DIR)/corpus/$$t tests/fuzz/seeds/$$t > $(FUZZ_DIR)/$$t.log 2>&1 || failed="$$failed $$t"; \
		grep -hE '^stat::(number_of_executed_units|peak_rss_mb)|^==[0-9]+==ERROR|runtime error|^artifact_prefix|Test unit written' \
			$(FUZZ_DIR)/$$t.log | sed 's/^/  /'; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: FAILED:$$failed (inputs in tests/fuzz/regressions/, logs in $(FUZZ_DIR)/)"; exit 1; fi; \
	echo "fuzz: nothing found in $(FUZZ_S) s per target"

$(FUZZ_DIR)/obj/%.o: kiosk/%.c $(HEADERS) | $(FUZZ_DIR)/obj
	$(FUZZ_CC) $(FUZZ_WARN) $(DEFS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/libwegweiser.a: $(FUZZ_LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz-%: tests/fuzz/%.c $(FUZZ_SUPPORT) $(TEST_HEADERS) $(FUZZ_DIR)/libwegweiser.a
	$(FUZZ_CC) $(FUZZ_WARN) $(DEFS) $(FUZZ_FLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -Ikiosk -Itests $< $(FUZZ_SUPPORT) \
		$(FUZZ_DIR)/libwegweiser.a $(PKG_LIBS) -o $@

$(FUZZ_DIR)/obj:
	mkdir -p $@

# `make soak` (tests/soak/soak.sh): the ASan kiosk on a long random event script on every screen
# size; fails on a sanitizer report or on peak memory of the shipped kiosk (same scripts) growing
# from SOAK_FIRST to SOAK_EVENTS events. SOAK_SEED picks the script (a failure prints how to replay it). Slow: not in check.
SOAK_PACKAGES := time
.PHONY: soak
soak:
	@$(call install-missing,$(DEB_PACKAGES) $(SOAK_PACKAGES))
	@$(MAKE) --no-print-directory all $(ASAN)/wegweiser $(BUILD)/soak-events
	BUILD=$(BUILD) tests/soak/soak.sh

$(BUILD)/soak-events: tests/soak/soak_events.c
	$(CC) $(WARN) $(CFLAGS) $< -o $@

# ---- Debian packages (debian/, docs in board/README.md) --------------------------------------
# `make deb` builds wegweiser, wegweiser-data and wegweiser-pack with dpkg-buildpackage into
# build/deb/ and runs lintian on them (fails on an error; warnings are listed in board/README.md).
# The build runs in a copy of the tree under build/deb/src/, so dpkg-buildpackage's files next to
# the source (it writes into ..) and debian/'s build folders stay out of the working tree.
# `make check-deb` installs, removes and purges the packages in a Debian 12 root made with
# debootstrap and fails on any file left behind (tests/deb/check-deb.sh).
DEB_TOOLS := debhelper dpkg-dev fakeroot lintian
DEB_CHECK_PACKAGES := debootstrap
DEB_OUT := $(BUILD)/deb
.PHONY: deb deb-arm64 check-deb
deb:
	@$(call install-missing,$(DEB_PACKAGES) $(DEB_TOOLS))
	arch=$$(dpkg --print-architecture); rm -rf $(DEB_OUT)/src $(DEB_OUT)/*_$$arch.* $(DEB_OUT)/*_all.deb
	mkdir -p $(DEB_OUT)/src
	tar -c --exclude=./build --exclude=./.git --exclude='./assets/fonts/*.ttf' --exclude=./assets/icons/codepoints . \
		| tar -x -C $(DEB_OUT)/src
	cd $(DEB_OUT)/src && dpkg-buildpackage -b -us -uc $(DEB_FLAGS)
	rm -rf $(DEB_OUT)/src
	@ls -1 $(DEB_OUT)/*.deb
	lintian --fail-on error --display-level '>=warning' $(DEB_OUT)/*_$$(dpkg --print-architecture).changes

# The board's packages (arm64), built in an arm64 Debian 12 root under qemu-user: slow, see
# board/rpi/deb-arm64.sh. The arch-independent wegweiser-data comes from `make deb`.
DEB_ARM64_PACKAGES := debootstrap qemu-user-static binfmt-support lintian
deb-arm64:
	@if [ "$$(id -u)" -ne 0 ]; then echo "make deb-arm64 uses debootstrap and chroot: run it as root"; exit 1; fi
	@$(call install-missing,$(DEB_ARM64_PACKAGES))
	board/rpi/deb-arm64.sh $(DEB_OUT)
	lintian --fail-on error --display-level '>=warning' $(DEB_OUT)/*_arm64.changes

check-deb:
	@if [ "$$(id -u)" -ne 0 ]; then echo "make check-deb uses debootstrap and chroot: run it as root"; exit 1; fi
	@$(call install-missing,$(DEB_CHECK_PACKAGES))
	@ls $(DEB_OUT)/wegweiser_*.deb >/dev/null 2>&1 || $(MAKE) --no-print-directory deb
	tests/deb/check-deb.sh $(DEB_OUT)

# ---- The SD card image (board/rpi/image.sh, board/README.md) ---------------------------------
# `make image` builds build/wegweiser-rpi-arm64.img (and .img.xz): Debian 12 arm64 made with
# debootstrap under qemu-user, the packages of `make deb` and `make deb-arm64`, Debian's kernel
# and raspi-firmware, a read-only root and a data partition; no image is mounted. Slow (the arm64
# root runs emulated), so neither it nor `make check-image` (the image booted in
# qemu-system-aarch64, board/rpi/test/check-image.sh) is part of `make check`.
IMAGE_PACKAGES := debootstrap qemu-user-static binfmt-support dosfstools mtools fdisk xz-utils e2fsprogs
CHECK_IMAGE_PACKAGES := qemu-system-arm
.PHONY: image check-image
image:
	@if [ "$$(id -u)" -ne 0 ]; then echo "make image uses debootstrap and chroot: run it as root"; exit 1; fi
	@$(call install-missing,$(IMAGE_PACKAGES))
	@ls $(DEB_OUT)/wegweiser-data_*_all.deb >/dev/null 2>&1 || $(MAKE) --no-print-directory deb
	@ls $(DEB_OUT)/wegweiser_*_arm64.deb >/dev/null 2>&1 || $(MAKE) --no-print-directory deb-arm64
	board/rpi/image.sh

check-image:
	@$(call install-missing,$(CHECK_IMAGE_PACKAGES))
	@ls $(BUILD)/wegweiser-rpi-arm64.img >/dev/null 2>&1 || $(MAKE) --no-print-directory image
	board/rpi/test/check-image.sh
