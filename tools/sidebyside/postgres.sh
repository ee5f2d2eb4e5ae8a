#!/usr/bin/env bash
# Runs the side-by-side benchmark's recursive SQL on a throw-away local PostgreSQL server (opt-in).
#
#   dotnet run -c Release --project bench/ChainTrace.Benchmarks -- sidebyside --transfers N [--window all]
#   tools/sidebyside/postgres.sh /tmp/ct-bench-sidebyside-N [queries.sql|queries-all.sql] [REPEAT]
#
# The harness leaves DIR/synth/etl/token_transfers.csv, DIR/synth/labels.csv, DIR/queries*.sql (one query per
# planted case) and DIR/queries*.duckdb.txt (DuckDB's answers). This script starts a server on 127.0.0.1 with a
# temporary data directory, loads the same CSV files (\copy, plus the index an analyst would add on
# (from_addr, pos)), times each query REPEAT times after one warm-up (psql \timing, server-side round trip), checks
# PostgreSQL's answers against DuckDB's, then stops the server and deletes its data directory.
#
# Needs the PostgreSQL server binaries (initdb, pg_ctl, postgres) and psql. If they are missing and INSTALL=1 is
# set, it runs `apt-get install -y postgresql` (needs root and network access to the Debian mirror); otherwise
# it says so and exits 3. Run as root, the server runs as the `postgres` user.
set -euo pipefail

DIR=${1:?usage: postgres.sh DIR [queries.sql] [REPEAT]}
QUERIES=${2:-queries.sql}
REPEAT=${3:-5}
PORT=${PGPORT_BENCH:-54329}
CSV="$DIR/synth/etl/token_transfers.csv"
LABELS="$DIR/synth/labels.csv"
[ -f "$CSV" ] && [ -f "$LABELS" ] && [ -f "$DIR/$QUERIES" ] || { echo "missing $CSV, $LABELS or $DIR/$QUERIES: run the sidebyside benchmark first" >&2; exit 2; }

find_bin() { command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | tail -1; }
if [ -z "$(find_bin initdb)" ] || [ -z "$(find_bin psql)" ]; then
  if [ "${INSTALL:-0}" = 1 ]; then apt-get install -y postgresql; else
    echo "PostgreSQL is not installed; rerun with INSTALL=1 to apt-get install -y postgresql" >&2; exit 3; fi
fi
INITDB=$(find_bin initdb); PG_CTL=$(find_bin pg_ctl); PSQL=$(find_bin psql)

PGDATA=$(mktemp -d /tmp/ct-sidebyside-pg.XXXXXX)
AS=()
if [ "$(id -u)" = 0 ]; then chown postgres "$PGDATA"; AS=(runuser -u postgres --); fi
cleanup() { "${AS[@]}" "$PG_CTL" -D "$PGDATA/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDATA"; }
trap cleanup EXIT
"${AS[@]}" "$INITDB" -D "$PGDATA/data" -U bench --auth=trust >/dev/null
"${AS[@]}" "$PG_CTL" -D "$PGDATA/data" -l "$PGDATA/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDATA -c shared_buffers=256MB -c work_mem=64MB -c max_parallel_workers_per_gather=2" start >/dev/null
P=("$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U bench -d postgres)
echo "PostgreSQL: $("${P[@]}" -At -c 'SHOW server_version')"

start=$(date +%s.%N)
"${P[@]}" <<SQL
CREATE UNLOGGED TABLE raw_transfers (token_address text, from_address text, to_address text, value numeric,
  transaction_hash text, log_index bigint, block_number bigint);
\copy raw_transfers FROM '$CSV' WITH (FORMAT csv, HEADER true)
CREATE TABLE transfers AS SELECT lower(from_address) AS from_addr, lower(to_address) AS to_addr, value AS amount,
  block_number AS block, block_number * 1000000 + log_index AS pos FROM raw_transfers;
DROP TABLE raw_transfers;
CREATE INDEX transfers_from_pos ON transfers (from_addr, pos);
CREATE TABLE labels_raw (address text, category text, name text, source text);
\copy labels_raw FROM '$LABELS' WITH (FORMAT csv, HEADER true)
CREATE TABLE labels AS SELECT lower(address) AS address, lower(category) AS category FROM labels_raw;
ANALYZE transfers; ANALYZE labels;
SQL
end=$(date +%s.%N)
echo "load (\\copy + CREATE TABLE AS + index + ANALYZE): $(echo "$end - $start" | bc) s, $("${P[@]}" -At -c 'SELECT count(*) FROM transfers') transfers"

WORK=$PGDATA/q; mkdir -p "$WORK"
# Split the queries file: a "-- case-N (kind)" line, then the query ending with ";".
awk -v out="$WORK" '/^-- case-/{id=$2; next} {print > (out "/" id ".sql")}' "$DIR/$QUERIES"
: > "$WORK/answers.txt"; : > "$WORK/all-times.txt"
printf '%-10s %10s %10s\n' case "p50 ms" "max ms"
for q in $(ls "$WORK"/case-*.sql | sort -V); do
  id=$(basename "$q" .sql)
  "${P[@]}" -At -F ' ' -f "$q" | awk -v id="$id" '{print id, $1, $2}' >> "$WORK/answers.txt"
  { echo '\timing on'; echo '\o /dev/null'; for _ in $(seq 0 "$REPEAT"); do cat "$q"; echo; done; } \
    | "${P[@]}" | awk '/^Time:/{print $2}' | tail -n +2 > "$WORK/times.txt"
  cat "$WORK/times.txt" >> "$WORK/all-times.txt"
  printf '%-10s %10s %10s\n' "$id" "$(sort -g "$WORK/times.txt" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')" "$(sort -g "$WORK/times.txt" | tail -1)"
done
n=$(wc -l < "$WORK/all-times.txt")
echo "all cases: p50 $(sort -g "$WORK/all-times.txt" | awk -v n="$n" 'NR==int((n+1)/2)') ms, p99 $(sort -g "$WORK/all-times.txt" | awk -v n="$n" 'BEGIN{r=int(n*0.99+0.999)} NR==r') ms over $n runs"
DUCK="$DIR/${QUERIES%.sql}.duckdb.txt"
if [ -f "$DUCK" ]; then
  if diff <(sort "$DUCK") <(sort "$WORK/answers.txt") >/dev/null; then echo "answers: identical to DuckDB's ($(wc -l < "$DUCK") terminal rows)";
  else echo "answers DIFFER from DuckDB's:"; diff <(sort "$DUCK") <(sort "$WORK/answers.txt") | head -20; fi
fi
