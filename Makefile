# The two commands a new user needs (see README):
#   make demo   installs what is missing, builds, loads demo data and serves on 127.0.0.1:8080
#   make test   installs what is missing, builds, runs every test (unit, API on SQLite and PostgreSQL, browser)
DEMO_DB ?= sqlite:var/kam-demo.db
DEMO_GROUPS ?= 2000
DEMO_MEMBERS ?= 100000
LISTEN ?= 127.0.0.1:8080

.PHONY: demo test setup build serve clean bench format

setup:
	./scripts/setup.sh

build: setup
	./scripts/build.sh

demo: build
	mkdir -p var
	@if [ ! -f var/kam-demo.db ]; then \
	  ./build/kam demo-data --db $(DEMO_DB) --groups $(DEMO_GROUPS) --members $(DEMO_MEMBERS) --seed 42; \
	else ./build/kam demo-data --db $(DEMO_DB) --print-logins; fi
	./build/kam serve --db $(DEMO_DB) --listen $(LISTEN)

test: build
	./scripts/test.sh

bench: build
	./bench/api/run.sh

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'bench/*.h')

clean:
	rm -rf build web/dist web/src/api/generated
