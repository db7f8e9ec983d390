# tagcascade — build, test, demo, benchmark, install.
#
#   make            build build/tagcascade (serial HDF5)
#   make check      install missing Debian packages, build, run the whole test suite
#                   (T=WORD: only tests whose names contain WORD; TEST_TIMEOUT=S per test)
#   make demo       install missing Debian packages, build, run the default scenario
#                   and draw its figure (out/macronleaks.h5, out/macronleaks.png)
#   make classroom  install missing Debian packages, build, serve the classroom page
#                   (prints the address to open; CLASSROOM_PORT=8080, CLASSROOM_BIND=127.0.0.1)
#   make demo-bots  the replay at several bot shares, one figure (BOTS="0 0.1 0.3")
#   make bench      timings: wall time, edges per second, peak memory, cores, and
#                   graph-tool on the same graphs (docs/performance.md; ~10 min)
#   make bench-big  only the largest graph: BENCH_BIG_EDGES=1000000000 make bench-big
#   make asan       the same program with AddressSanitizer + UBSan, in build-asan/
#   make MPI=1      the cluster build (OpenMPI, parallel HDF5 flavour) in build-mpi/
#   make install    PREFIX=/usr/local DESTDIR= (binary, C library with its header and
#                   tagcascade.pc, scripts, scenarios, docs, man page; LIBDIR=PREFIX/lib,
#                   INCLUDEDIR=PREFIX/include, PKGCONFIGDIR=LIBDIR/pkgconfig)
#   make deps       only the Debian packages (apt-get, as root or through sudo;
#                   where there is no apt-get it installs nothing and says so)
#   make config     find the libraries again and say how each was found
#
# The libraries are found by packaging/configure.sh, which writes their flags to
# $(BUILD)/config.mk before the first compile: pkg-config under the usual names
# of Debian, Fedora/RHEL, Spack and conda (HDF5_PKG=NAME and the like override
# them; PKG_CONFIG_PATH adds folders), the h5cc/h5pcc and mpicc wrappers, then
# the compiler's own paths (CPATH, LIBRARY_PATH: environment modules). NAME_CFLAGS
# and NAME_LIBS (HDF5, IGRAPH, GSL, YAML, ZLIB, MPI) give flags by hand.
# Random123: the compiler's, else the copy in third_party/Random123.
# README, "On your cluster".

PREFIX  ?= /usr/local
PY      := /usr/bin/python3
MPI     ?= 0
ifeq ($(MPI),1)
# the cluster build: MPI and a parallel HDF5, always in its own folder (a BUILD
# from the environment must not mix its objects with the serial build's)
MPI_BUILD ?= build-mpi
BUILD   := $(MPI_BUILD)
MPIDEF  := -DTC_MPI
else
BUILD   ?= build
MPIDEF  :=
endif

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wno-unused-parameter
ifdef CI
WARN    += -Werror
endif
# Required flags come after the user's CFLAGS so that they cannot be dropped.
# -ffp-contract=off: no fused multiply-add, so results do not change with the
# compiler's choice of instructions.
INC_FLAGS  := -Isim -Imodels
REQ_CFLAGS = -std=c11 -D_GNU_SOURCE -fopenmp -ffp-contract=off -MMD -MP $(MPIDEF) $(INC_FLAGS) $(DEPS_CFLAGS)
LDLIBS   = $(DEPS_LIBS) -lm

.DEFAULT_GOAL := all

# ---------------------------------------------------------------- the libraries
# Every setting configure.sh reads; config.mk is written again when one changes.
CONFIG     := $(BUILD)/config.mk
CONFIG_VARS := CC MPI PKG_CONFIG PKG_CONFIG_PATH PKG_CONFIG_LIBDIR CPATH C_INCLUDE_PATH \
  LIBRARY_PATH CPPFLAGS LDFLAGS H5CC MPICC R123 R123_CFLAGS RPATH \
  $(foreach n,HDF5 IGRAPH GSL YAML ZLIB MPI,$(n)_PKG $(n)_CFLAGS $(n)_LIBS)
CONFIG_KEY := $(foreach v,$(CONFIG_VARS),$(v)=$($(v));)
# targets that only call make again, or need no compiler
NOCONFIG_GOALS := deps check demo demo-bots classroom bench asan fuzz clean config
ifneq ($(filter-out $(NOCONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
-include $(CONFIG)
endif

$(BUILD)/config.key: FORCE
	@mkdir -p $(BUILD)
	@printf '%s\n' '$(subst ','\'',$(CONFIG_KEY))' >$@.new; \
	if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(CONFIG): packaging/configure.sh $(BUILD)/config.key
	@$(foreach v,$(CONFIG_VARS),$(if $($(v)),$(v)='$(subst ','\'',$($(v)))')) sh packaging/configure.sh $@

config:
	@rm -f $(CONFIG)
	@$(MAKE) --no-print-directory $(CONFIG)

# the flags, for scripts that compile against the library (tests/cli)
print-deps: $(CONFIG)
	@echo 'DEPS_CFLAGS=$(DEPS_CFLAGS)'
	@echo 'DEPS_LIBS=$(DEPS_LIBS)'

FORCE:

# sim/ is one folder per layer (README, "Source map"); the command line is in
# sim/cli/, everything else goes into the library.
CLI_SRC    := $(wildcard sim/cli/*.c)
CLI_OBJ    := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRC))
SIM_SRC    := $(filter-out $(CLI_SRC),$(wildcard sim/*/*.c))
MODELS_SRC := $(wildcard models/*.c)
LIB_OBJ    := $(patsubst %.c,$(BUILD)/%.o,$(SIM_SRC) $(MODELS_SRC))
LIB        := $(BUILD)/libtagcascade.a
BIN        := $(BUILD)/tagcascade
# The shared library (docs/c-api.md): the same objects, which are compiled as
# position-independent code with every symbol hidden but the C API's (TC_API in
# sim/api/tagcascade.h). The file is named after the program's version; its
# soname carries SO_MAJOR, the ABI's number, raised only when a change breaks
# programs linked against an earlier library (a function removed or changed).
VERSION    := $(shell sed -n 's/^\#define TC_VERSION "\(.*\)"/\1/p' sim/base/version.h)
SO_MAJOR   := 0
SONAME     := libtagcascade.so.$(SO_MAJOR)
SO         := $(BUILD)/libtagcascade.so.$(VERSION)
SO_LINKS   := $(BUILD)/$(SONAME) $(BUILD)/libtagcascade.so
API_HDR    := sim/api/tagcascade.h
# `tagcascade serve`: libmicrohttpd (only the command line links it; without it
# the command says what to install), and the page's files of web/ embedded in
# the program by web/embed.sh, so that it serves nothing from the disk
MHD_CFLAGS ?= $(shell $(or $(PKG_CONFIG),pkg-config) --cflags libmicrohttpd 2>/dev/null)
MHD_LIBS   ?= $(shell $(or $(PKG_CONFIG),pkg-config) --libs libmicrohttpd 2>/dev/null)
WEB_FILES  := $(sort $(wildcard web/*.html web/*.css web/*.js web/*.svg web/vendor/*/*))
WEB_OBJ    := $(BUILD)/web/assets.o
TEST_SRC   := $(wildcard tests/unit/*.c)
TEST_BIN   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))

.PHONY: all check demo demo-bots classroom bench bench-big asan install clean deps config print-deps FORCE \
        test-run demo-run demo-bots-run classroom-run bench-run tests
.SECONDARY:
all: $(BIN) $(TEST_BIN) $(SO_LINKS)

# The compiler and the flags chosen for this folder: objects are compiled again
# when they change (CFLAGS=..., or the library's flags below).
FLAGS_KEY = $(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS)
$(BUILD)/flags.key: FORCE
	@mkdir -p $(BUILD)
	@printf '%s\n' '$(subst ','\'',$(FLAGS_KEY))' >$@.new; \
	if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(BUILD)/%.o: %.c $(CONFIG) $(BUILD)/flags.key
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(REQ_CFLAGS) -c $< -o $@

# -fPIC costs the program nothing measurable once the symbols are hidden: calls
# between the library's functions stay direct (docs/c-api.md, "Building").
LIB_CFLAGS := -fPIC -fvisibility=hidden
$(LIB_OBJ): REQ_CFLAGS += $(LIB_CFLAGS)

$(LIB): $(LIB_OBJ)
	$(AR) rcs $@ $^

$(SO): $(LIB_OBJ) packaging/libtagcascade.map
	$(CC) $(CFLAGS) -fopenmp -shared -Wl,-soname,$(SONAME) -Wl,--no-undefined \
	  -Wl,--version-script=packaging/libtagcascade.map -o $@ $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)

$(BUILD)/$(SONAME): $(SO)
	ln -sf $(notdir $(SO)) $@

$(BUILD)/libtagcascade.so: $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $@

$(CLI_OBJ): REQ_CFLAGS += $(MHD_CFLAGS) $(if $(MHD_LIBS),-DTC_SERVE)

$(BUILD)/web/assets.c: web/embed.sh $(WEB_FILES)
	@mkdir -p $(dir $@)
	@sh web/embed.sh $(WEB_FILES) >$@.new && mv $@.new $@

$(WEB_OBJ): $(BUILD)/web/assets.c sim/cli/cli_serve.h $(CONFIG)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(REQ_CFLAGS) -c $< -o $@

$(BIN): $(CLI_OBJ) $(WEB_OBJ) $(LIB)
	$(CC) $(CFLAGS) -fopenmp -o $@ $^ $(LDFLAGS) $(LDLIBS) $(MHD_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fopenmp -o $@ $^ $(LDFLAGS) $(LDLIBS)

tests: $(BIN) $(TEST_BIN)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(patsubst %.c,$(BUILD)/%.d,$(TEST_SRC))

# ---------------------------------------------------------------- packages
DEB_PKGS := gcc make pkg-config libigraph-dev libgsl-dev libhdf5-dev librandom123-dev \
            libyaml-dev hdf5-tools python3-h5py python3-matplotlib python3-numpy \
            python3-networkx python3-graph-tool time libhdf5-openmpi-dev libopenmpi-dev openmpi-bin valgrind \
            zlib1g-dev libmicrohttpd-dev curl chromium python3-websocket python3-pandas python3-xarray \
            python3-yaml python3-h5netcdf python3-netcdf4

deps:
	@if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "make deps: no apt-get here, nothing installed: the build looks for the libraries"; \
	  echo "  itself and says what is missing (README, \"On your cluster\")"; exit 0; fi; \
	missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get update -q && \
	  $$SUDO apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends $$missing; \
	fi

# ---------------------------------------------------------------- the two commands
check: deps
	@$(MAKE) --no-print-directory test-run

# T="WORD..." runs only the tests whose names contain a word (make check T=sweep);
# TEST_TIMEOUT=SECONDS stops and fails a test that runs longer (default 900).
test-run: tests
	@BUILD=$(BUILD) PY=$(PY) T="$(T)" TEST_TIMEOUT="$(TEST_TIMEOUT)" sh tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: $(BIN)
	@mkdir -p out
	$(BIN) run scenarios/macronleaks.yaml -o out/macronleaks.h5
	$(PY) analysis/plot_series.py out/macronleaks.h5 -o out/macronleaks.png
	@echo
	@echo "HDF5 output: $(CURDIR)/out/macronleaks.h5"
	@echo "figure:      $(CURDIR)/out/macronleaks.png"

demo-bots: deps
	@$(MAKE) --no-print-directory demo-bots-run

# BOTS: the bot shares compared, each a number in [0, 1]
BOTS ?= 0 0.05 0.1 0.2 0.4
demo-bots-run: $(BIN)
	@BIN=$(BIN) PY=$(PY) BOTS="$(BOTS)" sh analysis/demo_bots.sh

# the classroom page: `tagcascade serve` prints the address once it listens
CLASSROOM_PORT ?= 8080
CLASSROOM_BIND ?= 127.0.0.1
classroom: deps
	@$(MAKE) --no-print-directory classroom-run

classroom-run: $(BIN)
	@echo "tagcascade: the classroom page; open the address below in a browser (Ctrl-C stops)"
	@$(BIN) serve scenarios/classroom.yaml --port $(CLASSROOM_PORT) --bind $(CLASSROOM_BIND)

bench: deps
	@$(MAKE) --no-print-directory bench-run

bench-run: $(BIN)
	@BUILD=$(BUILD) PY=$(PY) sh tests/bench.sh

bench-big: $(BIN)
	@BUILD=$(BUILD) PY=$(PY) BENCH_ONLY=big sh tests/bench.sh

# ---------------------------------------------------------------- variants
asan:
	@$(MAKE) --no-print-directory BUILD=build-asan \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" all

# the Python package (analysis/tagcascade) where Debian's python3 finds it:
# /usr/lib/python3/dist-packages, or PREFIX/lib/python3.X/dist-packages
PYLIB ?= $(if $(filter /usr,$(PREFIX)),lib/python3/dist-packages,$(shell $(PY) -c 'import sys; print("lib/python3.%d/dist-packages" % sys.version_info[1])' 2>/dev/null || echo lib/python3/dist-packages))
# the C library: docs/c-api.md
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# a folder as tagcascade.pc writes it: under ${prefix} where it is, so that
# pkg-config --define-variable=prefix=... moves them all
pc_dir = $(patsubst $(PREFIX)/%,$${prefix}/%,$(patsubst $(PREFIX),$${prefix},$(1)))
EXAMPLES := $(wildcard docs/examples/*)
install: $(BIN) $(LIB) $(SO)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/tagcascade/analysis \
	  $(DESTDIR)$(PREFIX)/share/tagcascade/scenarios/fit $(DESTDIR)$(PREFIX)/share/tagcascade/scenarios/cluster \
	  $(DESTDIR)$(PREFIX)/share/tagcascade/tests/data \
	  $(DESTDIR)$(PREFIX)/share/doc/tagcascade/models $(DESTDIR)$(PREFIX)/share/doc/tagcascade/figures \
	  $(DESTDIR)$(PREFIX)/share/doc/tagcascade/examples $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/tagcascade
	install -m 755 analysis/*.py analysis/demo_bots.sh $(DESTDIR)$(PREFIX)/share/tagcascade/analysis/
	install -m 644 scenarios/*.yaml $(DESTDIR)$(PREFIX)/share/tagcascade/scenarios/
	install -m 644 scenarios/fit/*.yaml scenarios/fit/*.csv $(DESTDIR)$(PREFIX)/share/tagcascade/scenarios/fit/
	install -m 755 scenarios/cluster/*.sbatch $(DESTDIR)$(PREFIX)/share/tagcascade/scenarios/cluster/
	# the fit example's observed curve, where its relative path finds it
	install -m 644 tests/data/fit_hashtag_volume.csv $(DESTDIR)$(PREFIX)/share/tagcascade/tests/data/
	install -m 644 README.md LICENSE docs/*.md $(DESTDIR)$(PREFIX)/share/doc/tagcascade/
	install -m 644 docs/models/*.md $(DESTDIR)$(PREFIX)/share/doc/tagcascade/models/
	install -m 644 docs/figures/*.png $(DESTDIR)$(PREFIX)/share/doc/tagcascade/figures/
	$(if $(EXAMPLES),install -m 644 $(EXAMPLES) $(DESTDIR)$(PREFIX)/share/doc/tagcascade/examples/)
	install -m 644 docs/man/tagcascade.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/$(PYLIB)/tagcascade
	install -m 644 analysis/tagcascade/*.py $(DESTDIR)$(PREFIX)/$(PYLIB)/tagcascade/
	# the C library: the shared one with its links, the static one, the header, tagcascade.pc
	install -m 755 $(SO) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SO)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libtagcascade.so
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/
	install -m 644 $(API_HDR) $(DESTDIR)$(INCLUDEDIR)/tagcascade.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(call pc_dir,$(LIBDIR))|' \
	  -e 's|@INCLUDEDIR@|$(call pc_dir,$(INCLUDEDIR))|' -e 's|@VERSION@|$(VERSION)|' \
	  -e 's|@LIBS_PRIVATE@|$(strip $(DEPS_LIBS) -fopenmp -lm)|' \
	  packaging/tagcascade.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/tagcascade.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/tagcascade.pc
	@# the loader's cache, when installing for this machine (not into a DESTDIR)
	@if [ -z "$(DESTDIR)" ] && command -v ldconfig >/dev/null 2>&1; then \
	  ldconfig 2>/dev/null || echo "make install: ldconfig failed; programs find $(LIBDIR)/$(SONAME) once it has run (as root), or through LD_LIBRARY_PATH"; fi

clean:
	rm -rf build build-asan build-mpi out

# ---------------------------------------------------------------- fuzzing
# make fuzz [FUZZ_SECONDS=60]   libFuzzer targets in build-fuzz/ (clang with
# libclang-rt-14-dev on Debian 12), each run for FUZZ_SECONDS over its corpus:
#   scenario  scenario text and --set overrides -> parse, build small worlds
#   edgelist  a graph file in each format -> parse + tc_world_build
#   import    a Twitter15/16 tree file or CSV -> tc_import_*
#   graphstore  a graph store described byte by byte -> tc_graphstore_read, format: store
#   h5read    real run, observed and sweep files changed through the HDF5 API and
#             sealed again -> summary, export, merge, store open
# The seed corpus tests/fuzz/corpus/<target>/ (and tests/fuzz/regressions/<target>/)
# is copied to build-fuzz/corpus-<target>/, which grows there. A crash, leak or
# sanitizer report leaves build-fuzz/<target>-crash-* (or leak-*, timeout-*, oom-*):
# copy it into tests/fuzz/regressions/<target>/, where
# tests/cli/test_fuzz_regressions.sh replays it with gcc's sanitizers.
# Replay one input: build-fuzz/fuzz_<target> FILE
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := scenario edgelist import graphstore h5read
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_MAXLEN_scenario := 4096
FUZZ_MAXLEN_edgelist := 4096
FUZZ_MAXLEN_import   := 8192
FUZZ_MAXLEN_graphstore := 4096
FUZZ_MAXLEN_h5read := 262144

.PHONY: fuzz
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libtagcascade.a
	clang -g -O1 -fsanitize=fuzzer $(FUZZ_SAN) -std=c11 -D_GNU_SOURCE -fopenmp $(INC_FLAGS) $(DEPS_CFLAGS) \
	  $< build-fuzz/libtagcascade.a -o $@ $(LDLIBS)

fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang CI= \
	  CFLAGS="-g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN)" build-fuzz/libtagcascade.a
	@$(MAKE) --no-print-directory $(patsubst %,build-fuzz/fuzz_%,$(FUZZ_TARGETS))
	@status=0; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus-$$t; \
	  for f in tests/fuzz/corpus/$$t/* tests/fuzz/regressions/$$t/*; do \
	    case $$f in */README*) continue;; esac; \
	    [ -f "$$f" ] && cp "$$f" build-fuzz/corpus-$$t/; \
	  done; \
	  case $$t in scenario) ml=$(FUZZ_MAXLEN_scenario);; edgelist) ml=$(FUZZ_MAXLEN_edgelist);; \
	    graphstore) ml=$(FUZZ_MAXLEN_graphstore);; h5read) ml=$(FUZZ_MAXLEN_h5read);; \
	    *) ml=$(FUZZ_MAXLEN_import);; esac; \
	  echo "fuzz_$$t: running $(FUZZ_SECONDS) s, log in build-fuzz/fuzz_$$t.log"; \
	  start=$$(date +%s); \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  build-fuzz/fuzz_$$t build-fuzz/corpus-$$t -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=$$ml -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    $$([ -f tests/fuzz/$$t.dict ] && echo -dict=tests/fuzz/$$t.dict) \
	    -artifact_prefix=build-fuzz/$$t- >build-fuzz/fuzz_$$t.log 2>&1; rc=$$?; \
	  secs=$$(( $$(date +%s) - start )); \
	  execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' build-fuzz/fuzz_$$t.log | tail -n 1); \
	  cov=$$(grep -E '^#[0-9]+' build-fuzz/fuzz_$$t.log | grep 'cov:' | tail -n 1 | \
	    sed 's/.*\(cov: [0-9]*\).*\(ft: [0-9]*\).*\(corp: [^ ]*\).*/\1 \2 \3/'); \
	  echo "fuzz_$$t: $$secs s, $${execs:-?} executions, $$cov"; \
	  if [ $$rc -ne 0 ]; then status=1; \
	    echo "fuzz_$$t: FAILED (exit $$rc); artifacts:"; ls build-fuzz/$$t-* 2>/dev/null; \
	    grep -E 'ERROR|runtime error|SUMMARY' build-fuzz/fuzz_$$t.log | head -n 5; \
	  fi; \
	done; exit $$status
