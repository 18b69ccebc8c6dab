# Wegweiser: offline information kiosk for refugee reception offices.
# `make run` and `make check` are all a new machine needs (see README.md).

# Every Debian package the project needs to build, run and test: the one list.
DEB_PACKAGES := build-essential pkg-config gettext \
	libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libsqlite3-dev \
	libfribidi-dev libicu-dev unicode-data libsodium-dev minisign \
	fonts-noto-core fonts-noto-ui-core fonts-material-design-icons-iconfont \
	pango1.0-tools libharfbuzz-bin

PKGS := sdl2 SDL2_ttf SDL2_image sqlite3 fribidi icu-uc libsodium

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
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm

CFLAGS ?= -O2 -g
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC := $(filter-out kiosk/main_%.c,$(wildcard kiosk/*.c))
HEADERS := $(wildcard kiosk/*.h)
TEST_SRC := $(wildcard tests/*.c)

LIB_OBJ := $(LIB_SRC:kiosk/%.c=$(BUILD)/obj/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:kiosk/%.c=$(ASAN)/obj/%.o)

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

.PHONY: all deps run check bench install clean FORCE

all: $(BUILD)/wegweiser $(BUILD)/wegweiser-pack $(MO) $(ASSETS) $(BUILD)/demo.pack

# Installs only what is missing, so a machine that has everything pays one dpkg query.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing:" $$missing; \
		if [ "$$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi; \
		$$sudo apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing; \
	fi

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/wegweiser --window --size 1280x800 --pack $(BUILD)/demo.pack $(ARGS)

check: deps
	@$(MAKE) --no-print-directory all $(ASAN)/tests $(ASAN)/wegweiser $(ASAN)/wegweiser-pack
	WW_BIN=$(ASAN) WW_BUILD=$(BUILD) SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy \
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1 $(ASAN)/tests

# The install paths are compiled into paths.o: rebuild it when PREFIX changes.
$(BUILD)/prefix.stamp: FORCE | $(BUILD)/obj
	@echo '$(DATADIR) $(LOCALEDIR)' | cmp -s - $@ || echo '$(DATADIR) $(LOCALEDIR)' > $@
$(BUILD)/obj/paths.o $(ASAN)/obj/paths.o: $(BUILD)/prefix.stamp
FORCE:

# Speed is measured here, never by a timed test.
bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench-text
	$(BUILD)/bench-text

$(BUILD)/bench-text: tests/bench/text.c $(BUILD)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) -Ikiosk $< $(BUILD)/libwegweiser.a $(PKG_LIBS) -o $@

$(BUILD)/obj/%.o: kiosk/%.c $(HEADERS) | $(BUILD)/obj
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(ASAN)/obj/%.o: kiosk/%.c $(HEADERS) | $(ASAN)/obj
	$(CC) $(WARN) $(DEFS) $(SANFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/libwegweiser.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(ASAN)/libwegweiser.a: $(ASAN_LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/wegweiser: kiosk/main_kiosk.c $(BUILD)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) $< $(BUILD)/libwegweiser.a $(PKG_LIBS) -o $@

$(BUILD)/wegweiser-pack: kiosk/main_pack.c $(BUILD)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) $< $(BUILD)/libwegweiser.a $(PKG_LIBS) -o $@

$(ASAN)/wegweiser: kiosk/main_kiosk.c $(ASAN)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(SANFLAGS) $(PKG_CFLAGS) $< $(ASAN)/libwegweiser.a $(PKG_LIBS) -o $@

$(ASAN)/wegweiser-pack: kiosk/main_pack.c $(ASAN)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(SANFLAGS) $(PKG_CFLAGS) $< $(ASAN)/libwegweiser.a $(PKG_LIBS) -o $@

$(ASAN)/tests: $(TEST_SRC) tests/test.h $(ASAN)/libwegweiser.a
	$(CC) $(WARN) $(DEFS) $(SANFLAGS) $(PKG_CFLAGS) -Ikiosk $(TEST_SRC) $(ASAN)/libwegweiser.a $(PKG_LIBS) -o $@

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

clean:
	rm -rf $(BUILD) assets/fonts/*.ttf assets/icons/codepoints
